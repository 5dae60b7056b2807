import {
  checkDocNumber,
  DOC_TYPE_LABELS,
  DOC_TYPES,
  maskDocNumber,
  normaliseDocNumber,
  type DocType,
} from '../../domain/idNumber'
import { formatScore, gradeForTenths, parseScore } from '../../domain/mandarin'
import { checkName, normaliseName } from '../../domain/password'
import { MESSAGES } from './messages'

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

// ---- cell checks ----------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

function text(max: number): ColumnDef['check'] {
  return (raw) => {
    // UTF-16 length is at least the number of characters: count them only when it may matter.
    if (raw.length > max && Array.from(raw).length > max) return { error: MESSAGES.tooLong(max) }
    if (CONTROL.test(raw)) return { error: MESSAGES.controlChars }
    return { value: raw.replace(/\s+/g, ' ') }
  }
}

const personName: ColumnDef['check'] = (raw) => {
  const error = checkName(raw)
  return error ? { error } : { value: normaliseName(raw) }
}

/** Every document number a registry may hold, told apart by its shape (registry files have no type column). */
export function docTypeOf(number: string): DocType | null {
  if (/^[HM]\d{8}$/.test(number)) return 'hk_macau_pass'
  if (/^\d{8}$/.test(number)) return 'taiwan_pass'
  if (/^8[123]0000\d{11}[\dX]$/.test(number)) return 'residence_permit'
  if (/^\d{17}[\dX]$/.test(number)) return 'id_card'
  return null
}

// GB 11643 weights and check characters, for the fast path below.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])
}

/**
 * Registry files hold up to hundreds of thousands of 身份证 numbers, so the common case (an 18-digit
 * number with a right check character and birth date) is decided here without allocating; anything
 * else — and the first number of each 2-digit region prefix, whose validity is then remembered — goes
 * through the shared checker (domain/idNumber.ts), whose messages the administrator sees.
 */
function plainIdCardOk(n: string, today: string, regions: Map<string, boolean>): boolean {
  if (n.length !== 18 || n.startsWith('8')) return false
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const digit = n.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return false
    sum += digit * WEIGHTS[i]
  }
  if (n[17] !== CHECK_CHARS[sum % 11]) return false
  const y = Number(n.slice(6, 10))
  if (y < 1900 || !isRealDate(y, Number(n.slice(10, 12)), Number(n.slice(12, 14)))) return false
  if (`${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}` > today) return false
  const prefix = n.slice(0, 2)
  let ok = regions.get(prefix)
  if (ok === undefined) {
    ok = checkDocNumber('id_card', n, today).ok
    regions.set(prefix, ok)
  }
  return ok
}

const regionCache = new WeakMap<Refs, Map<string, boolean>>()

const anyDocNumber: ColumnDef['check'] = (raw, refs) => {
  const number = /^\d{17}[\dX]$/.test(raw) ? raw : normaliseDocNumber('id_card', raw)
  let regions = regionCache.get(refs)
  if (!regions) regionCache.set(refs, (regions = new Map()))
  if (plainIdCardOk(number, refs.today, regions)) return { value: number }
  const type = docTypeOf(number)
  if (!type) return { error: MESSAGES.docNumber }
  const checked = checkDocNumber(type, number, refs.today)
  return checked.ok ? { value: number } : { error: checked.error }
}

const plainNumber: ColumnDef['check'] = (raw) => {
  const v = raw.replace(/\s+/g, '').toUpperCase()
  return /^[0-9A-Z]{6,30}$/.test(v) ? { value: v } : { error: MESSAGES.certNumber }
}

const teacherCertNumber: ColumnDef['check'] = (raw) => {
  const v = raw.replace(/\s+/g, '')
  return /^(\d{15}|\d{17})$/.test(v) ? { value: v } : { error: MESSAGES.teacherCertNumber }
}

const EARLIEST = '1950-01-01'

/** 2024-06-30, 2024/6/30, 2024.6.30 or 20240630 → '2024-06-30' when it is a real date. */
export function parseDate(raw: string): string | null {
  if (raw.length === 10 && raw[4] === '-' && raw[7] === '-') {
    const y = Number(raw.slice(0, 4))
    return /^\d{4}-\d\d-\d\d$/.test(raw) && isRealDate(y, Number(raw.slice(5, 7)), Number(raw.slice(8, 10)))
      ? raw
      : null
  }
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(raw) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(raw)
  if (!m) return null
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))
    ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`
    : null
}

function date(opts: { past?: boolean } = {}): ColumnDef['check'] {
  return (raw, refs) => {
    const d = parseDate(raw)
    if (!d) return { error: MESSAGES.date }
    if (d < EARLIEST) return { error: MESSAGES.tooEarly(EARLIEST) }
    if (opts.past && d > refs.today) return { error: MESSAGES.futureDate }
    return { value: d }
  }
}

/** A ref_codes value given as its code or its name; stored as the code or (`store: 'name'`) the name. */
function refCode(kind: string, store: 'code' | 'name' = 'code'): ColumnDef['check'] {
  return (raw, refs) => {
    const list = refs.codes.get(kind) ?? new Map<string, string>()
    for (const [code, name] of list)
      if (raw === code || raw === name) return { value: store === 'code' ? code : name }
    const allowed = [...list]
      .map(([code, name]) => (store === 'code' ? `${code}（${name}）` : name))
      .join('、')
    return { error: MESSAGES.code(raw, allowed) }
  }
}

const showRefName =
  (kind: string) =>
  (stored: string, refs: Refs): string =>
    refs.codes.get(kind)?.get(stored) ?? stored

/** 任教学科 as printed: a name, 无, or a C01–C17 code of older certificates. */
const subject: ColumnDef['check'] = (raw, refs) => {
  if (/^c\d{2}$/i.test(raw)) {
    const code = raw.toUpperCase()
    return refs.codes.get('subject_code')?.has(code) ? { value: code } : { error: MESSAGES.subjectCode(raw) }
  }
  return text(30)(raw, refs)
}

const yesNo: ColumnDef['check'] = (raw) =>
  raw === '是' ? { value: 't' } : raw === '否' ? { value: 'f' } : { error: MESSAGES.yesNo }

const score: ColumnDef['check'] = (raw) => {
  const tenths = parseScore(raw)
  return tenths === null ? { error: MESSAGES.score } : { value: formatScore(tenths) }
}

const region: ColumnDef['check'] = (raw, refs) =>
  refs.regions.has(raw) ? { value: raw } : { error: MESSAGES.region(raw) }

export const REGISTRATION_RESULTS = ['注册合格', '暂缓注册', '注册不合格'] as const

const registrationResult: ColumnDef['check'] = (raw) =>
  (REGISTRATION_RESULTS as readonly string[]).includes(raw)
    ? { value: raw }
    : { error: MESSAGES.registrationResult(REGISTRATION_RESULTS.join('、')) }

const DOC_TYPE_BY_TEXT = new Map<string, DocType>([
  ...DOC_TYPES.map((t) => [DOC_TYPE_LABELS[t], t] as [string, DocType]),
  ...DOC_TYPES.map((t) => [t, t] as [string, DocType]),
  ['居民身份证', 'id_card'],
])

const docTypeColumn: ColumnDef['check'] = (raw) => {
  const t = DOC_TYPE_BY_TEXT.get(raw)
  return t ? { value: t } : { error: MESSAGES.code(raw, `${Object.values(DOC_TYPE_LABELS).join('、')}之一`) }
}

// ---- columns shared by several registries ---------------------------------------------------------

// Example people in the templates: numbers with a correct GB 11643 check character.
const EXAMPLE_ID = '450103199506120317'

const col = (
  header: string,
  field: string,
  check: ColumnDef['check'],
  example: string,
  more: Partial<ColumnDef> = {},
): ColumnDef => ({ header, field, type: 'text', check, example, ...more })

const nameCol = (header = '姓名', field = 'name') => col(header, field, personName, '李明')
const docCol = () => col('证件号码', 'doc_number', anyDocNumber, EXAMPLE_ID)
const qualificationCol = (example = '小学教师资格') =>
  col('资格种类', 'qualification_type', refCode('qualification_type'), example, {
    show: showRefName('qualification_type'),
  })

/** The digit of a certificate number that names its qualification type (REFERENCE.md). */
function typeDigit(certNumber: string): string | null {
  if (certNumber.length === 17) return certNumber[9]
  return null
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
