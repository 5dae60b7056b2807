import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import { shanghaiDate } from '../../domain/time'
import { prepared } from '../../db/prepared'
import { refOptions, type Option } from '../../services/reference'
import {
  IDENTITY_SNAPSHOT_SQL,
  type IdentitySnapshot,
  type SubmissionTables,
} from '../applications/repository'
import type { StatusTables } from '../applications/transitions'
import { INACTIVE_STATUSES, type RegistrationStatus } from '../../domain/registration'

// The inactive statuses as SQL literals, not parameters: a named statement's generic plan can then
// use the partial indexes on active registrations (a parameter cannot prove their predicate, and
// such a plan scanned every registration).
const INACTIVE_SQL = `(${INACTIVE_STATUSES.map((st) => {
  if (!/^[a-z_]+$/.test(st)) throw new Error(`status ${st} is not a plain word`)
  return `'${st}'`
}).join(', ')})`

type Conn = Db | Knex.Transaction

export { refOptions, regionOptions, type Option } from '../../services/reference'

/**
 * A certificate's 任教学科 as a person reads it: the registry holds subject codes (C03), an added
 * certificate a code or a name; a code is shown by its name, anything else as it is.
 */
export async function subjectNames(db: Conn): Promise<(subject: string) => string> {
  const names = new Map((await refOptions(db, 'subject_code')).map((o) => [o.value, o.text]))
  return (subject) => names.get(subject) ?? subject
}

/**
 * 添加证书's 任教学科, one option per subject: a subject older certificates print as a code (C03 语文)
 * is chosen by that code, named with it; a current name without a code by the name; then 无.
 */
export async function certificateSubjectOptions(db: Conn): Promise<Option[]> {
  const coded = await refOptions(db, 'subject_code')
  const codedNames = new Set(coded.map((o) => o.text))
  return [
    ...coded.map((o) => ({ value: o.value, text: `${o.text}（${o.value}）` })),
    ...(await refOptions(db, 'subject'))
      .filter((o) => !codedNames.has(o.text))
      .map((o) => ({ value: o.text, text: o.text })),
    { value: '无', text: '无' },
  ]
}

// ---- certificates ---------------------------------------------------------------------------------

export interface CertificateChoice {
  certNumber: string
  source: 'registry' | 'added'
  addedId: number | null
  qualificationType: string
  subject: string
  authority: string
  issuedOn: string
  lastRegisteredOn: string | null
  lastResult: string | null
  photoFileIds: string[]
  /** 待核验 for hand-added certificates */
  pending: boolean
}

/**
 * The applicant's certificates: those synced from the registry (same document number and name, with
 * their latest earlier registration) and those added by hand.
 */
// One statement for both kinds, in the order shown: registry certificates newest first, then the
// added ones in the order they were added. Column values are JSON-safe (they are read through
// json_agg at submit).
const CERTIFICATES_SQL = `
  (
    SELECT 'registry' AS source, NULL::bigint AS added_id, c.cert_number, c.qualification_type, c.subject,
           c.authority, to_char(c.issued_on, 'YYYY-MM-DD') AS issued_on,
           last.registered_on AS last_on, last.result AS last_result,
           '{}'::uuid[] AS photo_file_ids, false AS pending, 0 AS part, c.issued_on AS sort_on, 0::bigint AS sort_id
    FROM registry_certificates c
    LEFT JOIN LATERAL (
      SELECT to_char(r.registered_on, 'YYYY-MM-DD') AS registered_on, r.result
      FROM registry_certificate_registrations r WHERE r.cert_number = c.cert_number
      ORDER BY r.registered_on DESC LIMIT 1
    ) last ON true
    WHERE c.doc_number = ? AND c.holder_name = ?
    UNION ALL
    SELECT 'added', a.id, a.cert_number, a.qualification_type, a.subject, a.authority,
           to_char(a.issued_on, 'YYYY-MM-DD'), NULL, NULL, a.photo_file_ids, a.status = 'pending', 1, NULL, a.id
    FROM applicant_added_certificates a
    WHERE a.applicant_id = ?
  ) certs`
const CERTIFICATES_ORDER = 'part, sort_on DESC, sort_id'

type Holder = { id: number; name: string; doc_number: string }
const certificateBindings = (a: Holder) => [a.doc_number.toUpperCase(), a.name, a.id]

interface CertificateRow {
  source: 'registry' | 'added'
  added_id: string | number | null
  cert_number: string
  qualification_type: string
  subject: string
  authority: string
  issued_on: string
  last_on: string | null
  last_result: string | null
  photo_file_ids: string[]
  pending: boolean
}

const certificateChoice = (r: CertificateRow): CertificateChoice => ({
  certNumber: r.cert_number,
  source: r.source,
  addedId: r.added_id === null ? null : Number(r.added_id),
  qualificationType: r.qualification_type,
  subject: r.subject,
  authority: r.authority,
  issuedOn: r.issued_on,
  lastRegisteredOn: r.last_on,
  lastResult: r.last_result,
  photoFileIds: r.photo_file_ids,
  pending: r.pending,
})

export async function certificatesOf(db: Conn, applicant: Holder): Promise<CertificateChoice[]> {
  const { rows } = await prepared(
    db.raw(
      `SELECT * FROM ${CERTIFICATES_SQL} ORDER BY ${CERTIFICATES_ORDER}`,
      certificateBindings(applicant),
    ),
  )
  return (rows as CertificateRow[]).map(certificateChoice)
}

/** What a submit checks and keeps, read in one statement (inside the submit's transaction). */
export interface SubmitFacts {
  /** the applicant's active registration of the cycle */
  active: number | null
  certificates: CertificateChoice[]
  /** another active registration of the chosen certificate in the cycle */
  certificateInUse: boolean
  /** the latest 注册合格 (年-月-日), here or in the registry's earlier registrations */
  lastApproval: string | null
  /** the information centre's synced copy of the chosen certificate */
  infoCertificateId: number | undefined
  identity: Identity
  /** the `windowOpen` SQL's answer */
  windowOpen: boolean
}

export type Identity = IdentitySnapshot

export async function submitFacts(
  trx: Knex.Transaction,
  applicant: Holder,
  certNumber: string,
  cycle: number,
  windowOpen: Knex.Raw,
): Promise<SubmitFacts> {
  const { rows } = await prepared(
    trx.raw(
      `WITH certs AS (SELECT * FROM ${CERTIFICATES_SQL})
     SELECT
       (SELECT id FROM registrations WHERE applicant_id = ? AND cycle = ?
         AND status NOT IN ${INACTIVE_SQL} LIMIT 1) AS active,
       (SELECT json_agg(certs ORDER BY ${CERTIFICATES_ORDER}) FROM certs) AS certificates,
       EXISTS (SELECT 1 FROM registrations WHERE cert_number = ? AND cycle = ?
               AND status NOT IN ${INACTIVE_SQL}) AS in_use,
       (SELECT max(decided_at) FROM registrations WHERE applicant_id = ? AND status = 'approved') AS here_at,
       (SELECT to_char(max(registered_on), 'YYYY-MM-DD') FROM registry_certificate_registrations
         WHERE cert_number IN (SELECT cert_number FROM certs) AND result IN ('合格', '注册合格')) AS earlier_on,
       (SELECT id FROM info_certificates WHERE applicant_id = ? AND cert_number = ?) AS info_id,
       ${IDENTITY_SNAPSHOT_SQL} AS identity,
       ? AS window_open`,
      [
        ...certificateBindings(applicant),
        applicant.id,
        cycle,
        certNumber,
        cycle,
        applicant.id,
        applicant.id,
        certNumber,
        applicant.id,
        windowOpen,
      ],
    ),
  )
  const r = rows[0]
  const dates = [r.here_at ? shanghaiDate(r.here_at as Date) : null, r.earlier_on as string | null].filter(
    (d): d is string => !!d,
  )
  return {
    active: r.active === null ? null : Number(r.active),
    certificates: ((r.certificates ?? []) as CertificateRow[]).map(certificateChoice),
    certificateInUse: r.in_use === true,
    lastApproval: dates.sort().pop() ?? null,
    infoCertificateId: r.info_id === null ? undefined : Number(r.info_id),
    identity: r.identity as Identity,
    windowOpen: r.window_open === true,
  }
}

export async function inRegistry(db: Conn, certNumber: string): Promise<boolean> {
  return !!(await db('registry_certificates').where({ cert_number: certNumber }).first('cert_number'))
}

export async function addedCertificateExists(db: Conn, applicantId: number, certNumber: string) {
  return !!(await db('applicant_added_certificates')
    .where({ applicant_id: applicantId, cert_number: certNumber })
    .first('id'))
}

export interface NewAddedCertificate {
  applicant_id: number
  holder_name: string
  doc_number: string
  cert_number: string
  issued_on: string
  province_code: string
  city_code: string
  qualification_type: string
  subject: string
  authority: string
  photo_file_ids: string[]
  created_at: Date
}

export async function insertAddedCertificate(trx: Conn, row: NewAddedCertificate): Promise<number> {
  const [r] = await trx('applicant_added_certificates').insert(row).returning('id')
  return Number(r.id)
}

// ---- schools --------------------------------------------------------------------------------------

export async function searchSchools(
  db: Conn,
  q: string,
  limit = 20,
): Promise<{ id: number; name: string }[]> {
  const term = q.trim()
  if (!term) return []
  const rows = await db('schools')
    .whereRaw('name ILIKE ?', [`%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`])
    .orderByRaw('length(name), name')
    .limit(limit)
    .select('id', 'name')
  return rows.map((r) => ({ id: Number(r.id), name: r.name }))
}

export async function schoolNamed(db: Conn, name: string): Promise<boolean> {
  return !!(await db('schools').where({ name }).first('id'))
}

// ---- registrations --------------------------------------------------------------------------------

export interface RegistrationRow {
  id: number
  number: string
  /** 核验码: what the printed form's QR code opens /verify with (set by the column's default) */
  verify_code: string
  applicant_id: number
  cycle: number
  cert_number: string
  cert_source: 'registry' | 'added'
  /** the applicant_added_certificates row when cert_source is 'added' */
  added_certificate_id: number | null
  cert: Record<string, unknown>
  authority_id: number
  point_id: number
  stage: string
  subject: string
  status: RegistrationStatus
  data: Record<string, unknown>
  photo_file_id: string
  certificate_photo_file_ids: string[]
  correction: { fields: string[]; note: string } | null
  missing_materials: string[] | null
  submitted_at: Date
  updated_at: Date
  version: number
  decided_by: number | null
  decided_at: Date | null
  reason: string | null
}

const activeOnly = (q: Knex.QueryBuilder) => q.whereNotIn('status', INACTIVE_STATUSES as string[])

/**
 * The wizard guard's facts as one SQL expression: the applicant's active registration of the cycle
 * (its id, or null) and whether the chosen authority's window is open (`windowOpen`, SQL).
 */
export function guardFactsSql(db: Conn, applicantId: number, cycle: number, windowOpen: Knex.Raw): Knex.Raw {
  return db.raw(
    `json_build_object(
       'active', (SELECT id FROM registrations
                  WHERE applicant_id = ? AND cycle = ? AND status NOT IN ${INACTIVE_SQL}
                  LIMIT 1),
       'windowOpen', ?)`,
    [applicantId, cycle, windowOpen],
  )
}

export interface GuardFacts {
  active: number | null
  windowOpen: boolean
}

export async function activeRegistration(
  db: Conn,
  applicantId: number,
  cycle: number,
): Promise<Pick<RegistrationRow, 'id' | 'status' | 'number'> | undefined> {
  return activeOnly(db('registrations').where({ applicant_id: applicantId, cycle })).first(
    'id',
    'status',
    'number',
  )
}

/** What a submit writes of a registration (applications/repository.ts adds the number). */
export type NewRegistration = Omit<
  RegistrationRow,
  | 'id'
  | 'number'
  | 'verify_code'
  | 'version'
  | 'decided_by'
  | 'decided_at'
  | 'reason'
  | 'correction'
  | 'missing_materials'
>

/** The registration row of a submit, written by applications/submissions.ts (number, history, audit). */
export const SUBMISSION_TABLES: SubmissionTables = {
  table: 'registrations',
  historyTable: 'registration_status_history',
  historyKey: 'registration_id',
  business: 'registration',
  digits: 6,
}

/** A registration's status changes (applications/transitions.ts). */
export const STATUS_TABLES: StatusTables & SubmissionTables = {
  ...SUBMISSION_TABLES,
  audit: { prefix: 'registration', targetType: 'registration' },
}

export async function registrationOf(
  db: Conn,
  id: number,
  applicantId: number,
): Promise<RegistrationRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined
  return db('registrations').where({ id, applicant_id: applicantId }).first()
}

export async function registrationById(db: Conn, id: number): Promise<RegistrationRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined
  return db('registrations').where({ id }).first()
}

export async function registrationsOf(db: Conn, applicantId: number): Promise<RegistrationRow[]> {
  return db('registrations').where({ applicant_id: applicantId }).orderBy('submitted_at', 'desc')
}

/** An instance setting holding text (one paragraph per line), if the administrator set it. */
export async function settingLines(db: Conn, key: string): Promise<string[] | undefined> {
  const row = await db('settings').where({ key }).first('value')
  const v: unknown = row?.value
  if (typeof v !== 'string' || !v.trim()) return undefined
  return v
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
}

/** How many registrations the registry knows for a certificate. */
export async function registryRegistrationCount(db: Conn, certNumber: string): Promise<number> {
  const row = await db('registry_certificate_registrations')
    .where({ cert_number: certNumber })
    .count<{ n: string }[]>('* as n')
    .first()
  return Number(row?.n ?? 0)
}
