import type { Db } from '../../src/db/knex'
import { DEMO_APPLICANTS, DEMO_REGISTRY_ONLY } from './demoLogins'

// Demo rows for the national registries (issue 4, "Registries"), so the applicant pages that read
// them (考试合格证明, 普通话, 学历, 学籍, 教师资格证书 and its registrations, the school search) have
// something to find for the demo people. Every number is invented; teacher certificate numbers follow
// REFERENCE.md (17 digits: year, province 45, bureau, type digit, sex digit, sequence). Keyed by the
// registries' own keys and upserted, so a second run changes nothing.

const byName = (name: string) => {
  const found = [...DEMO_APPLICANTS, ...DEMO_REGISTRY_ONLY].find((a) => a.name === name)
  if (!found) throw new Error(`demo registries: no demo person named ${name}`)
  return found.docNumber
}

const LI_MING = byName('李明')
const WANG_FANG = byName('王芳')
const LIU_YANG = byName('刘洋')

const COUNTY = '南宁市青秀区教育局'

export const DEMO_EXAM_PASSES = [
  {
    cert_number: '2023245010012345',
    name: '李明',
    doc_number: LI_MING,
    qualification_type: '4',
    subject: '语文',
    valid_until: '2028-12-31',
  },
  {
    cert_number: '2024145010023456',
    name: '王芳',
    doc_number: WANG_FANG,
    qualification_type: '2',
    subject: '数学',
    valid_until: '2027-06-30',
  },
]

export const DEMO_MANDARIN = [
  {
    cert_number: '4501230012345',
    name: '李明',
    doc_number: LI_MING,
    score: '88.5',
    grade: '二级甲等',
    issuer: '广西壮族自治区语言文字工作委员会',
    issued_on: '2017-06-20',
  },
]

export const DEMO_EDUCATION = [
  {
    cert_number: '106021201705001234',
    name: '李明',
    doc_number: LI_MING,
    school: '广西大学',
    major: '汉语言文学',
    level: '大学本科',
    graduated_on: '2017-06-30',
  },
]

/** 刘洋 has no account yet: a fresh graduate whose 学籍 the 认定 sync finds. */
export const DEMO_STUDENT_STATUS = [
  {
    doc_number: LIU_YANG,
    school: '南宁师范大学',
    name: '刘洋',
    major: '数学与应用数学',
    level: '硕士研究生',
    full_time: true,
    status: '注册学籍',
    expected_graduation: '2027-06-30',
  },
]

// 17 digits: 2010 | 45 | 001 | 2 (小学) | 1 (男) | 000101, and 2016 | 45 | 001 | 3 (初级中学) | 1 | 000202.
export const DEMO_CERTIFICATES = [
  {
    cert_number: '20104500121000101',
    holder_name: '李明',
    doc_number: LI_MING,
    qualification_type: '2',
    subject: '语文',
    authority: COUNTY,
    issued_on: '2010-07-15',
  },
  {
    cert_number: '20164500131000202',
    holder_name: '李明',
    doc_number: LI_MING,
    qualification_type: '3',
    subject: '语文',
    authority: COUNTY,
    issued_on: '2016-07-15',
  },
]

export const DEMO_CERTIFICATE_REGISTRATIONS = [
  { cert_number: '20104500121000101', registered_on: '2015-11-20', result: '注册合格', authority: COUNTY },
]

/** Schools graduates come from (the 毕业学校 search); demoBureau.ts adds the county's own schools. */
export const DEMO_SCHOOLS = [
  { name: '广西大学', region_code: '450107', school_type: 'university' },
  { name: '南宁师范大学', region_code: '450107', school_type: 'university' },
  { name: '广西民族大学', region_code: '450107', school_type: 'university' },
  { name: '南宁市第一职业技术学校', region_code: '450103', school_type: 'secondary_vocational' },
]

export async function seedDemoRegistries(trx: Db, now: Date): Promise<void> {
  const upsert = async (table: string, rows: Record<string, unknown>[], key: string[]) => {
    const stamped = rows.map((r) => ({ ...r, imported_at: now }))
    const fields = Object.keys(rows[0]).filter((f) => !key.includes(f))
    await trx(table).insert(stamped).onConflict(key).merge(fields)
  }
  await upsert('registry_exam_passes', DEMO_EXAM_PASSES, ['cert_number'])
  await upsert('registry_mandarin', DEMO_MANDARIN, ['cert_number'])
  await upsert('registry_education', DEMO_EDUCATION, ['cert_number'])
  await upsert('registry_student_status', DEMO_STUDENT_STATUS, ['doc_number', 'school'])
  await upsert('registry_certificates', DEMO_CERTIFICATES, ['cert_number'])
  await upsert('registry_certificate_registrations', DEMO_CERTIFICATE_REGISTRATIONS, [
    'cert_number',
    'registered_on',
  ])
  await upsert('schools', DEMO_SCHOOLS, ['name', 'region_code'])
}
