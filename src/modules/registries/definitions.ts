import {
  checkDocNumber,
  DOC_TYPE_LABELS,
  maskDocNumber,
  normaliseDocNumber,
  type DocType,
} from '../../domain/idNumber'
import { gradeForTenths, parseScore } from '../../domain/mandarin'
import { MESSAGES } from './messages'
import {
  text,
  plainNumber,
  teacherCertNumber,
  date,
  refCode,
  showRefName,
  subject,
  yesNo,
  score,
  region,
  registrationResult,
  docTypeColumn,
  EXAMPLE_ID,
  col,
  nameCol,
  docCol,
  qualificationCol,
  typeDigit,
} from './cells'

// The registries as data: one definition per registry says its file's columns (Chinese header, how
// a cell is checked and normalised, the example row of the template), its table and key, and the
// checks that need more than one cell or the table. The importer (importer.ts) does the rest the same
// way for all of them.

/** Code lists and today's date, loaded once per import (repository.loadRefs). */
export interface Refs {
  /** Shanghai 'YYYY-MM-DD' */
  today: string
  /** kind → (code → name), from ref_codes */
  codes: Map<string, Map<string, string>>
  regions: Map<string, string>
}

export type SqlType = 'text' | 'date' | 'numeric' | 'boolean'

/** A checked cell: the value to store, or what is wrong with it (without the line and column). */
export type Checked = { value: string } | { error: string }

export interface ColumnDef {
  header: string
  field: string
  type: SqlType
  check(raw: string, refs: Refs): Checked
  /** The stored value as the file shows it (export); the same text imports again. */
  show?(stored: string, refs: Refs): string
  example: string
}

/** A rule over a whole row; reports against one column. */
export type RowCheck = (
  values: Record<string, string>,
  refs: Refs,
) => { header: string; error: string } | null

/** A rule over the loaded rows and the tables, run in SQL on the temporary table `tmp`. */
export interface SqlCheck {
  header: string
  /** A SELECT of (line, detail) for the offending rows of `tmp`. */
  sql: string
  message(detail: string): string
  /** Only in this mode; both when absent. */
  mode?: 'upsert'
}

export interface RegistryDef {
  /** URL segment: /staff/registries/<key> */
  key: string
  title: string
  /** One sentence for the list page. */
  description: string
  table: string
  columns: ColumnDef[]
  keyFields: string[]
  rowChecks?: RowCheck[]
  sqlChecks?: SqlCheck[]
  /**
   * Other tables point at this one (schools ← 确认范围, certificates ← their registrations), so
   * 全部替换 keeps the rows whose key is in the file (updating them) and deletes only the others.
   */
  referenced?: boolean
  /** Notes for the format section of the import page. */
  notes: string[]
  audit: { import: string; export: string }
}

// ---- the registries -------------------------------------------------------------------------------

const OWNER_CHECK = (table: string, header: string): SqlCheck => ({
  header,
  mode: 'upsert',
  sql: `SELECT tmp.line, t.doc_number AS detail FROM tmp JOIN ${table} t ON t.cert_number = tmp.cert_number
        WHERE t.doc_number <> tmp.doc_number`,
  message: (detail) => MESSAGES.ownedByOther(header, maskDocNumber(detail)),
})

const NUMBER_NOTE = '证件号码、证书编号等长数字列请在Excel中设置为“文本”格式，以免末位被改为0。'

export const REGISTRIES: RegistryDef[] = [
  {
    key: 'exam-passes',
    title: '考试合格证明',
    description: '中小学教师资格考试合格证明；申请人的“教师资格考试信息”和认定报名从这里读取。',
    table: 'registry_exam_passes',
    columns: [
      col('考试合格证明编号', 'cert_number', plainNumber, '2023245010012345'),
      nameCol(),
      docCol(),
      qualificationCol(),
      col('任教学科', 'subject', subject, '语文'),
      col('有效期至', 'valid_until', date(), '2026-12-31', { type: 'date' }),
    ],
    keyFields: ['cert_number'],
    sqlChecks: [OWNER_CHECK('registry_exam_passes', '考试合格证明编号')],
    notes: ['资格种类填写代码（1–7）或名称，如“小学教师资格”。', NUMBER_NOTE],
    audit: { import: 'registries.import', export: 'registries.export' },
  },
  {
    key: 'mandarin',
    title: '普通话水平测试等级证书',
    description: '申请人按证书编号核验普通话证书时与此比对（姓名和证件号码须一致）。',
    table: 'registry_mandarin',
    columns: [
      col('证书编号', 'cert_number', plainNumber, '4501230012345'),
      nameCol(),
      docCol(),
      col('成绩', 'score', score, '87.5', { type: 'numeric' }),
      col('等级', 'grade', text(10), '二级甲等'),
      col('发证单位', 'issuer', text(100), '广西壮族自治区语言文字工作委员会'),
      col('发证日期', 'issued_on', date({ past: true }), '2017-06-20', { type: 'date' }),
    ],
    keyFields: ['cert_number'],
    rowChecks: [
      (v) => {
        const tenths = parseScore(v.score)
        if (tenths === null) return null
        const grade = gradeForTenths(tenths)
        if (!grade) return { header: '成绩', error: MESSAGES.scoreTooLow }
        return grade === v.grade ? null : { header: '等级', error: MESSAGES.gradeMismatch(v.score, grade) }
      },
    ],
    sqlChecks: [OWNER_CHECK('registry_mandarin', '证书编号')],
    notes: [
      '成绩为0–100的数字，最多一位小数；等级须与成绩相符：一级甲等97分及以上，一级乙等92–96.9，二级甲等87–91.9，二级乙等80–86.9，三级甲等70–79.9，三级乙等60–69.9。',
      NUMBER_NOTE,
    ],
    audit: { import: 'registries.import', export: 'registries.export' },
  },
  {
    key: 'education',
    title: '学历',
    description: '申请人按学历证书编号核验学历时与此比对。',
    table: 'registry_education',
    columns: [
      col('证书编号', 'cert_number', plainNumber, '106021201705001234'),
      nameCol(),
      docCol(),
      col('学校', 'school', text(100), '广西师范大学'),
      col('专业', 'major', text(100), '汉语言文学'),
      col('学历层次', 'level', refCode('education', 'name'), '大学本科'),
      col('毕业时间', 'graduated_on', date({ past: true }), '2017-06-30', { type: 'date' }),
    ],
    keyFields: ['cert_number'],
    sqlChecks: [OWNER_CHECK('registry_education', '证书编号')],
    notes: ['学历层次填写名称（如“大学本科”）或代码。', NUMBER_NOTE],
    audit: { import: 'registries.import', export: 'registries.export' },
  },
  {
    key: 'student-status',
    title: '学籍',
    description: '应届毕业生同步学籍时读取；只有“注册学籍”的全日制学生可以报名认定。',
    table: 'registry_student_status',
    columns: [
      docCol(),
      nameCol(),
      col('学校', 'school', text(100), '广西师范大学'),
      col('专业', 'major', text(100), '数学与应用数学'),
      col('层次', 'level', refCode('education', 'name'), '大学本科'),
      col('是否全日制', 'full_time', yesNo, '是', {
        type: 'boolean',
        show: (v) => (v === 't' || v === 'true' ? '是' : '否'),
      }),
      col('学籍状态', 'status', text(20), '注册学籍'),
      col('预计毕业时间', 'expected_graduation', date(), '2027-06-30', { type: 'date' }),
    ],
    keyFields: ['doc_number', 'school'],
    notes: [
      '每人每所学校一行（证件号码和学校相同即为同一条）。学籍状态填写“注册学籍”或其他状态（如“休学”）。',
      NUMBER_NOTE,
    ],
    audit: { import: 'registries.import', export: 'registries.export' },
  },
  {
    key: 'certificates',
    title: '教师资格证书',
    description: '已颁发的教师资格证书；申请人“教师资格证书信息”同步2008年及以后（广西2012年及以后）的证书。',
    table: 'registry_certificates',
    columns: [
      col('证书号码', 'cert_number', teacherCertNumber, '20164500721000123'),
      nameCol('持证人', 'holder_name'),
      docCol(),
      qualificationCol(),
      col('任教学科', 'subject', subject, '语文'),
      col('认定机构', 'authority', text(100), '南宁市青秀区教育局'),
      col('签发日期', 'issued_on', date({ past: true }), '2016-07-15', { type: 'date' }),
    ],
    keyFields: ['cert_number'],
    rowChecks: [
      (v, refs) => {
        const digit = typeDigit(v.cert_number ?? '')
        if (!digit || !v.qualification_type || digit === v.qualification_type) return null
        const name = refs.codes.get('qualification_type')?.get(v.qualification_type) ?? v.qualification_type
        return { header: '证书号码', error: MESSAGES.typeDigitMismatch(digit, name) }
      },
    ],
    sqlChecks: [OWNER_CHECK('registry_certificates', '证书号码')],
    referenced: true,
    notes: [
      '证书号码为17位数字（1996–1999年颁发的证书为15位），17位号码的第10位须与资格种类代码一致。',
      '“全部替换”会删除文件中没有的证书及其注册记录。',
      NUMBER_NOTE,
    ],
    audit: { import: 'registries.import', export: 'registries.export' },
  },
  {
    key: 'certificate-registrations',
    title: '教师资格证书注册记录',
    description: '已有证书的历次定期注册（注册日期、结论、注册机构）。',
    table: 'registry_certificate_registrations',
    columns: [
      col('证书号码', 'cert_number', teacherCertNumber, '20164500721000123'),
      col('注册日期', 'registered_on', date({ past: true }), '2021-11-20', { type: 'date' }),
      col('注册结论', 'result', registrationResult, '注册合格'),
      col('注册机构', 'authority', text(100), '南宁市青秀区教育局'),
    ],
    keyFields: ['cert_number', 'registered_on'],
    sqlChecks: [
      {
        header: '证书号码',
        sql: `SELECT tmp.line, '' AS detail FROM tmp
              WHERE NOT EXISTS (SELECT 1 FROM registry_certificates c WHERE c.cert_number = tmp.cert_number)`,
        message: () => MESSAGES.certificateMissing,
      },
      {
        header: '注册日期',
        sql: `SELECT tmp.line, to_char(c.issued_on, 'YYYY-MM-DD') AS detail FROM tmp
              JOIN registry_certificates c ON c.cert_number = tmp.cert_number WHERE tmp.registered_on < c.issued_on`,
        message: (issued) => MESSAGES.registeredBeforeIssue(issued),
      },
    ],
    notes: ['证书号码须已在“教师资格证书”中（请先导入证书）。注册结论为注册合格、暂缓注册或注册不合格。'],
    audit: { import: 'registries.import', export: 'registries.export' },
  },
  {
    key: 'schools',
    title: '学校名录',
    description: '定期注册“毕业学校”的搜索和确认点的确认范围使用此名录。',
    table: 'schools',
    columns: [
      col('学校名称', 'name', text(100), '南宁市第三中学'),
      col('所在地', 'region_code', region, '450103'),
      col('办学类型', 'school_type', refCode('school_type'), '普通高等学校', {
        show: showRefName('school_type'),
      }),
    ],
    keyFields: ['name', 'region_code'],
    referenced: true,
    notes: [
      '所在地填写6位行政区划代码（如450103为南宁市青秀区）。同一地区的同名学校视为同一所。',
      '“全部替换”会删除文件中没有的学校，并从确认点的确认范围中移除它们。',
    ],
    audit: { import: 'registries.import', export: 'registries.export' },
  },
  {
    key: 'identity',
    title: '身份信息库',
    description: '默认的实名核验按“证件类型、证件号码、姓名”与此比对。',
    table: 'identity_registry',
    columns: [
      col('证件类型', 'doc_type', docTypeColumn, '身份证', {
        show: (v) => DOC_TYPE_LABELS[v as DocType] ?? v,
      }),
      col('证件号码', 'doc_number', (raw) => ({ value: normaliseDocNumber('id_card', raw) }), EXAMPLE_ID),
      nameCol(),
    ],
    keyFields: ['doc_type', 'doc_number'],
    rowChecks: [
      (v, refs) => {
        if (!v.doc_type || !v.doc_number) return null
        const checked = checkDocNumber(v.doc_type as DocType, v.doc_number, refs.today)
        return checked.ok ? null : { header: '证件号码', error: checked.error }
      },
    ],
    notes: [
      `证件类型填写：${Object.values(DOC_TYPE_LABELS).join('、')}。`,
      '证件号码按证件类型校验（身份证和居住证校验第18位校验码和出生日期）；同一文件中不能重复。',
      '姓名只能包含汉字、英文字母、空格和间隔号“·”。',
      NUMBER_NOTE,
    ],
    audit: { import: 'identity.registry_import', export: 'identity.registry_export' },
  },
]

export const registryByKey = (key: string): RegistryDef | undefined => REGISTRIES.find((r) => r.key === key)
