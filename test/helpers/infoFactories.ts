import crypto from 'node:crypto'
import type { Db } from '../../src/db/knex'
import { jpeg } from '../fixtures/images'

// Information-centre test data: registry rows (as an import would leave them) and the applicant's
// own items, written straight to the tables.

const IMPORTED = new Date('2026-08-01T00:00:00Z')
let seq = 0
export const uniqueNumber = (prefix = '') => `${prefix}${Date.now() % 1e7}${String(++seq).padStart(4, '0')}`

export interface Holder {
  name: string
  doc_number: string
}

export async function registryMandarinRow(db: Db, who: Holder, overrides: Record<string, unknown> = {}) {
  const row = {
    cert_number: uniqueNumber('4401'),
    name: who.name,
    doc_number: who.doc_number,
    score: '88.5',
    grade: '二级甲等',
    issuer: '广东省语言文字工作委员会',
    issued_on: '2019-06-20',
    imported_at: IMPORTED,
    ...overrides,
  }
  await db('registry_mandarin').insert(row)
  return row
}

export async function registryEducationRow(db: Db, who: Holder, overrides: Record<string, unknown> = {}) {
  const row = {
    cert_number: uniqueNumber('1055'),
    name: who.name,
    doc_number: who.doc_number,
    school: '广西师范大学',
    major: '汉语言文学',
    level: '大学本科',
    graduated_on: '2018-06-30',
    imported_at: IMPORTED,
    ...overrides,
  }
  await db('registry_education').insert(row)
  return row
}

export async function registryStudentStatusRow(db: Db, who: Holder, overrides: Record<string, unknown> = {}) {
  const row = {
    doc_number: who.doc_number,
    school: '广西师范大学',
    name: who.name,
    major: '数学与应用数学',
    level: '大学本科',
    full_time: true,
    status: '注册学籍',
    expected_graduation: '2027-06-30',
    imported_at: IMPORTED,
    ...overrides,
  }
  await db('registry_student_status').insert(row)
  return row
}

export async function registryExamPassRow(db: Db, who: Holder, overrides: Record<string, unknown> = {}) {
  const row = {
    cert_number: uniqueNumber('KS'),
    name: who.name,
    doc_number: who.doc_number,
    qualification_type: '2',
    subject: '语文',
    valid_until: '2028-12-31',
    imported_at: IMPORTED,
    ...overrides,
  }
  await db('registry_exam_passes').insert(row)
  return row
}

/** A 17-digit certificate number: year, province digits (45 = 广西), bureau, type, sex, sequence. */
export function certificateNumber(year: number, province = '44', type = '2'): string {
  return `${year}${province}007${type}1${String(crypto.randomInt(1_000_000)).padStart(6, '0')}`
}

export async function registryCertificateRow(
  db: Db,
  who: Holder,
  overrides: Record<string, unknown> & { cert_number: string; issued_on: string },
  history: { registered_on: string; result: string; authority: string }[] = [],
) {
  const row = {
    holder_name: who.name,
    doc_number: who.doc_number,
    qualification_type: '2',
    subject: 'C03',
    authority: '江门市台山市教育局',
    imported_at: IMPORTED,
    ...overrides,
  }
  await db('registry_certificates').insert(row)
  for (const h of history)
    await db('registry_certificate_registrations').insert({
      cert_number: row.cert_number,
      ...h,
      imported_at: IMPORTED,
    })
  return row
}

/** An adopted scan file of the applicant (what a saved 录入 form leaves). */
export async function storedScan(db: Db, applicantId: number, kind = 'mandarin_scan'): Promise<string> {
  const content = await jpeg({ width: 200, height: 150 })
  const [row] = await db('files')
    .insert({
      owner_kind: 'applicant',
      owner_id: applicantId,
      kind,
      mime: 'image/jpeg',
      filename: 'scan.jpg',
      size: content.length,
      width: 200,
      height: 150,
      sha256: crypto.createHash('sha256').update(content).digest('hex'),
      content,
      draft: false,
      created_at: IMPORTED,
    })
    .returning('id')
  return row.id
}

const DEFAULT_DETAILS = {
  mandarin: { score: '86.9', grade: '二级乙等', issuer: '广西语委', issuedOn: '2020-05-01' },
  education: {
    school: '南宁师范学校',
    major: '小学教育',
    level: '中等师范学校/幼儿师范学校',
    graduatedOn: '2001-07-01',
  },
  degree: { degreeName: '学士', school: '广西大学', major: '汉语言文学', awardedOn: '2010-07-01' },
} as const

/** A hand-entered item (待核验 unless overridden), with a scan for 普通话 and 学历. */
export async function infoItem(
  db: Db,
  applicantId: number,
  kind: 'mandarin' | 'education' | 'degree',
  overrides: Record<string, unknown> = {},
): Promise<{ id: number; cert_number: string; scan_file_id: string | null }> {
  const scan = kind === 'degree' ? null : await storedScan(db, applicantId, `${kind}_scan`)
  const now = new Date('2026-09-01T02:00:00Z')
  const [row] = await db('info_items')
    .insert({
      applicant_id: applicantId,
      kind,
      source: 'manual',
      category: kind === 'education' ? 'unverifiable' : null,
      cert_number: uniqueNumber('SD'),
      details: JSON.stringify(DEFAULT_DETAILS[kind]),
      scan_file_id: scan,
      status: 'pending',
      created_at: now,
      updated_at: now,
      ...overrides,
    })
    .returning(['id', 'cert_number', 'scan_file_id'])
  return row
}

/** A submitted registration at a confirmation point: what puts the applicant in that point's 信息核验 queue. */
export async function registrationAtPoint(db: Db, applicantId: number, pointId: number): Promise<number> {
  const photo = await storedScan(db, applicantId, 'id_photo')
  const now = new Date('2026-09-10T02:00:00Z')
  const [row] = await db('registrations')
    .insert({
      number: uniqueNumber('2026'),
      applicant_id: applicantId,
      cycle: 2026,
      cert_number: certificateNumber(2015),
      cert_source: 'registry',
      cert: JSON.stringify({}),
      authority_id: 3,
      point_id: pointId,
      stage: '2',
      subject: '语文',
      data: JSON.stringify({}),
      photo_file_id: photo,
      submitted_at: now,
      updated_at: now,
    })
    .returning('id')
  return row.id
}
