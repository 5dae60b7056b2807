import type { Knex } from 'knex'
import { prepared } from '../../db/prepared'
import type { Db } from '../../db/knex'
import type { SubmissionTables } from '../applications/repository'
import type { StatusTables } from '../applications/transitions'
import {
  NATIONAL_MANDARIN_RULE,
  TEACHERS_LAW_EDUCATION,
  type CertificationStatus,
  type EarlierApplication,
  type EducationRules,
  type MandarinRule,
  type QualificationType,
} from '../../domain/certification'
import { type RestrictionEntry } from '../../domain/restrictions'

// The certification tables (migrations/20261128000100_certification.ts) and what the wizard reads
// of the registries and settings. Applicant-facing queries are scoped by applicant_id.

type Conn = Db | Knex.Transaction

export { refOptions, refOptionsUnder, regionOptions, type Option } from '../../services/reference'

// ---- the applicant's records ----------------------------------------------------------------------

export interface ExamPassRow {
  certNumber: string
  type: string
  subject: string
  validUntil: string
}

/** 考试合格证明 in the registry under the applicant's name and document number. */
export async function examPassesOf(
  db: Conn,
  who: { name: string; doc_number: string },
): Promise<ExamPassRow[]> {
  const rows = await db('registry_exam_passes')
    .where({ doc_number: who.doc_number.toUpperCase(), name: who.name })
    .orderBy('valid_until', 'desc')
    .select(
      'cert_number',
      'qualification_type',
      'subject',
      db.raw(`to_char(valid_until, 'YYYY-MM-DD') AS until`),
    )
  return rows.map((r) => ({
    certNumber: r.cert_number,
    type: r.qualification_type,
    subject: r.subject,
    validUntil: r.until,
  }))
}

export interface InfoItem {
  id: number
  certNumber: string
  status: 'verified' | 'pending' | 'rejected'
  details: Record<string, string>
}

export type InfoItemKind = 'mandarin' | 'education' | 'degree'

/** The applicant's 普通话, 学历 and 学位 items, each kind in the order they were added (one query). */
export async function infoItemsOf(db: Conn, applicantId: number): Promise<Record<InfoItemKind, InfoItem[]>> {
  const rows = await prepared(
    db('info_items')
      .where({ applicant_id: applicantId })
      .whereIn('kind', ['mandarin', 'education', 'degree'])
      .orderBy('created_at')
      .orderBy('id')
      .select('id', 'kind', 'cert_number', 'status', 'details'),
  )
  const items: Record<InfoItemKind, InfoItem[]> = { mandarin: [], education: [], degree: [] }
  for (const r of rows)
    items[r.kind as InfoItemKind].push({
      id: Number(r.id),
      certNumber: r.cert_number,
      status: r.status,
      details: r.details,
    })
  return items
}

export interface StudentStatus {
  id: number
  school: string
  major: string
  level: string
  fullTime: boolean
  status: string
  expectedGraduation: string
}

export async function studentStatusOf(db: Conn, applicantId: number): Promise<StudentStatus[]> {
  const rows = await db('info_student_status')
    .where({ applicant_id: applicantId })
    .orderBy('school')
    .select('*', db.raw(`to_char(expected_graduation, 'YYYY-MM-DD') AS until`))
  return rows.map((r) => ({
    id: Number(r.id),
    school: r.school,
    major: r.major,
    level: r.level,
    fullTime: !!r.full_time,
    status: r.status,
    expectedGraduation: r.until,
  }))
}

// ---- rules kept as data (settings), with the law as the default -----------------------------------

async function setting(db: Conn, key: string): Promise<unknown> {
  return (await db('settings').where({ key }).first('value'))?.value
}

export interface CertificationRules {
  mandarin: MandarinRule
  education: EducationRules
}

/**
 * The province's rules, in one query: the Mandarin rule (settings key certification_mandarin_rule,
 * else the national one) and the education table (certification_education_rules, else art. 11).
 */
export async function certificationRules(db: Conn): Promise<CertificationRules> {
  const rows: { key: string; value: unknown }[] = await prepared(
    db('settings').whereIn('key', RULE_KEYS).select('key', 'value'),
  )
  return rulesOf(Object.fromEntries(rows.map((r) => [r.key, r.value])))
}

const RULE_KEYS = ['certification_mandarin_rule', 'certification_education_rules']

/** The rules with the law as the default, from the settings rows (key → value). */
function rulesOf(stored: Record<string, unknown> | null): CertificationRules {
  const of = (key: string) => {
    const v = stored?.[key]
    return v && typeof v === 'object' ? v : {}
  }
  return {
    mandarin: { ...NATIONAL_MANDARIN_RULE, ...(of('certification_mandarin_rule') as Partial<MandarinRule>) },
    education: {
      ...TEACHERS_LAW_EDUCATION,
      ...(of('certification_education_rules') as Partial<EducationRules>),
    },
  }
}

/** What checkConditions weighs about an applicant, and the submit's restriction list: one statement. */
export interface ConditionFacts {
  restrictions: RestrictionEntry[]
  examPasses: ExamPassRow[]
  /** this applicant's applications, every year and status */
  earlier: EarlierApplication[]
  /** types of the teacher certificates the registry holds for the applicant (never the same type twice) */
  heldTypes: string[]
  rules: CertificationRules
  items: Record<InfoItemKind, InfoItem[]>
  /** the 学历 levels' names → codes (ref_codes 'education') */
  educationCodes: Map<string, string>
}

/**
 * Every read of the conditions' checks in one statement (the conditions step's save and the submit,
 * inside its transaction, ran seven): restriction list, exam passes, earlier applications, held
 * types, rules, 普通话/学历/学位 items and the 学历 code list.
 */
export async function conditionFacts(
  db: Conn,
  who: { id: number; name: string; doc_type: string; doc_number: string },
): Promise<ConditionFacts> {
  const docNumber = who.doc_number.toUpperCase()
  const { rows } = await prepared(
    db.raw(
      `SELECT
         (SELECT coalesce(json_agg(json_build_object('kind', kind, 'listedOn', to_char(listed_on, 'YYYY-MM-DD'))), '[]')
            FROM restriction_list WHERE doc_type = ? AND doc_number = ?) AS restrictions,
         (SELECT coalesce(json_agg(json_build_object('certNumber', cert_number, 'type', qualification_type,
                   'subject', subject, 'validUntil', to_char(valid_until, 'YYYY-MM-DD')) ORDER BY valid_until DESC), '[]')
            FROM registry_exam_passes WHERE doc_number = ? AND name = ?) AS exam_passes,
         (SELECT coalesce(json_agg(json_build_object('number', number, 'type', qualification_type, 'year', year,
                   'status', status)), '[]')
            FROM certification_applications WHERE applicant_id = ?) AS earlier,
         (SELECT coalesce(json_agg(DISTINCT qualification_type), '[]')
            FROM registry_certificates WHERE doc_number = ? AND holder_name = ?) AS held_types,
         (SELECT json_object_agg(key, value) FROM settings WHERE key IN (?, ?)) AS rules,
         (SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'certNumber', cert_number,
                   'status', status, 'details', details) ORDER BY created_at, id), '[]')
            FROM info_items WHERE applicant_id = ? AND kind IN ('mandarin', 'education', 'degree')) AS items,
         (SELECT coalesce(json_agg(json_build_object('code', code, 'name', name)), '[]')
            FROM ref_codes WHERE kind = 'education') AS education`,
      [who.doc_type, docNumber, docNumber, who.name, who.id, docNumber, who.name, ...RULE_KEYS, who.id],
    ),
  )
  const r = rows[0] as {
    restrictions: RestrictionEntry[]
    exam_passes: ExamPassRow[]
    earlier: (Omit<EarlierApplication, 'year'> & { year: number | string })[]
    held_types: unknown[]
    rules: Record<string, unknown> | null
    items: (InfoItem & { kind: InfoItemKind })[]
    education: { code: string; name: string }[]
  }
  const items: Record<InfoItemKind, InfoItem[]> = { mandarin: [], education: [], degree: [] }
  for (const { kind, ...item } of r.items) items[kind].push({ ...item, id: Number(item.id) })
  return {
    restrictions: r.restrictions,
    examPasses: r.exam_passes,
    earlier: r.earlier.map((e) => ({ ...e, year: Number(e.year) })),
    heldTypes: r.held_types.map(String),
    rules: rulesOf(r.rules),
    items,
    educationCodes: new Map(r.education.map((o) => [o.name, o.code])),
  }
}

/** An instance setting holding text (one paragraph per line), if the administrator set it. */
export async function settingLines(db: Conn, key: string): Promise<string[] | undefined> {
  const v = await setting(db, key)
  if (typeof v !== 'string' || !v.trim()) return undefined
  return v
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
}

// ---- applications ---------------------------------------------------------------------------------

export interface ApplicationRow {
  id: number
  number: string
  /** 核验码: what the printed form's QR code opens /verify with (set by the column's default) */
  verify_code: string
  applicant_id: number
  year: number
  authority_id: number
  point_id: number
  qualification_type: QualificationType
  subject: string
  exam_route: 'national_exam' | 'non_national'
  exam_pass_number: string | null
  status: CertificationStatus
  data: Record<string, unknown>
  photo_file_id: string
  commitment_file_id: string
  commitment_crop_file_id: string
  collection: 'on_site' | 'post'
  submitted_at: Date
  updated_at: Date
  certificate_number: string | null
  certificate_issued_on: Date | null
  version: number
  correction: { fields: string[]; note: string } | null
  missing_materials: string[] | null
  reason: string | null
  decided_by: number | null
  decided_at: Date | null
}

export type NewApplication = Omit<
  ApplicationRow,
  | 'id'
  | 'verify_code'
  | 'certificate_number'
  | 'certificate_issued_on'
  | 'version'
  | 'correction'
  | 'missing_materials'
  | 'reason'
  | 'decided_by'
  | 'decided_at'
>

/** The application row of a submit, written by applications/submissions.ts (number, history, audit). */
export const SUBMISSION_TABLES: SubmissionTables = {
  table: 'certification_applications',
  historyTable: 'certification_status_history',
  historyKey: 'application_id',
  business: 'certification',
  digits: 7,
}

/** An application's status changes (applications/transitions.ts). */
export const STATUS_TABLES: StatusTables & SubmissionTables = {
  ...SUBMISSION_TABLES,
  audit: { prefix: 'certification', targetType: 'certification_application' },
}

export async function applicationOf(
  db: Conn,
  id: number,
  applicantId: number,
): Promise<ApplicationRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined
  return db('certification_applications').where({ id, applicant_id: applicantId }).first()
}

/** The applicant's latest application (where a finished run leads). */
export async function latestApplication(db: Conn, applicantId: number): Promise<{ id: number } | undefined> {
  const row = await db('certification_applications')
    .where({ applicant_id: applicantId })
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc')
    .first('id')
  return row ? { id: Number(row.id) } : undefined
}

// ---- decisions and certificates -------------------------------------------------------------------

export interface IssuingAuthority {
  name: string
  region_code: string
  certificate_bureau_code: string | null
}

export function issuingAuthority(db: Conn, authorityId: number): Promise<IssuingAuthority | undefined> {
  return db('authorities')
    .where({ id: authorityId })
    .first<IssuingAuthority | undefined>('name', 'region_code', 'certificate_bureau_code')
}

export function certificateHolder(
  db: Conn,
  applicantId: number,
): Promise<{ name: string; doc_number: string; sex: 'M' | 'F' | null } | undefined> {
  return db('applicants').where({ id: applicantId }).first('name', 'doc_number', 'sex')
}

/** The applicant of an application, as the information centre's certificate sync wants them. */
export async function applicantOfApplication(
  db: Conn,
  applicationId: number,
): Promise<{ id: number; name: string; doc_number: string } | undefined> {
  const who = await db('certification_applications as c')
    .join('applicants as a', 'a.id', 'c.applicant_id')
    .where('c.id', applicationId)
    .first('a.id', 'a.name', 'a.doc_number')
  return who ? { id: Number(who.id), name: who.name, doc_number: who.doc_number } : undefined
}

/** Adds the certificate to the registry; false when the registry already holds its number. */
export async function insertRegistryCertificate(
  trx: Conn,
  row: {
    cert_number: string
    holder_name: string
    doc_number: string
    qualification_type: string
    subject: string
    authority: string
    issued_on: string
    imported_at: Date
  },
): Promise<boolean> {
  const inserted = await trx('registry_certificates')
    .insert(row)
    .onConflict('cert_number')
    .ignore()
    .returning('cert_number')
  return inserted.length > 0
}

export async function setCertificate(trx: Conn, id: number, number: string, issuedOn: string): Promise<void> {
  await trx('certification_applications')
    .where({ id })
    .update({ certificate_number: number, certificate_issued_on: issuedOn })
}

/**
 * Bumps the bureau's counter for the year with one INSERT ... ON CONFLICT DO UPDATE in the caller's
 * transaction and returns the new sequence.
 */
export async function nextCertificateSequence(
  trx: Knex.Transaction,
  counter: { provinceCode: string; bureauCode: string; year: number },
): Promise<number> {
  const { rows } = await trx.raw(
    `INSERT INTO certificate_number_counters (province_code, bureau_code, year, last_seq) VALUES (?, ?, ?, 1)
     ON CONFLICT (province_code, bureau_code, year)
     DO UPDATE SET last_seq = certificate_number_counters.last_seq + 1
     RETURNING last_seq`,
    [counter.provinceCode, counter.bureauCode, counter.year],
  )
  return Number(rows[0].last_seq)
}

/** The applicant's applications, newest first. */
export function applicationsOf(db: Conn, applicantId: number): Promise<ApplicationRow[]> {
  return db('certification_applications')
    .where({ applicant_id: applicantId })
    .orderBy([
      { column: 'submitted_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .select('*')
}
