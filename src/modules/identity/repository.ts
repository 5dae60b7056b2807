import type { Db } from '../../db/knex'
import type { IdentityStatus } from '../../domain/identity'
import { shanghaiDateToUtc } from '../../domain/time'

const DAY_MS = 24 * 60 * 60 * 1000

// Every query the identity module runs. Dates come back as 'YYYY-MM-DD' strings (to_char), so
// nothing depends on the server's time zone.

export interface IdentityApplicant {
  id: number
  doc_type: string
  doc_number: string
  name: string
  email: string
  identity_status: IdentityStatus
}

export interface ReviewRow {
  id: number
  applicant_id: number
  cycle: string
  status: 'pending' | 'approved' | 'rejected'
  name: string
  doc_type: string
  doc_number: string
  details: string
  photo_file_id: string
  submitted_at: Date
  deadline: string
  decided_at: Date | null
  decided_by: number | null
  reason: string | null
  version: number
}

const REVIEW_COLUMNS = [
  'r.id',
  'r.applicant_id',
  'r.cycle',
  'r.status',
  'r.name',
  'r.doc_type',
  'r.doc_number',
  'r.details',
  'r.photo_file_id',
  'r.submitted_at',
  'r.decided_at',
  'r.decided_by',
  'r.reason',
  'r.version',
]

const reviewSelect = (db: Db) => [...REVIEW_COLUMNS, db.raw(`to_char(r.deadline, 'YYYY-MM-DD') AS deadline`)]

/** The applicant row, locked until the transaction ends: serialises everything one person submits. */
export async function lockApplicant(trx: Db, id: number): Promise<IdentityApplicant> {
  const row = await trx('applicants')
    .where({ id })
    .forUpdate()
    .first('id', 'doc_type', 'doc_number', 'name', 'email', 'identity_status')
  if (!row) throw new Error(`applicant ${id} not found`)
  return { ...row, id: Number(row.id) }
}

export async function countChecksOn(db: Db, applicantId: number, day: string): Promise<number> {
  const row = await db('identity_checks').where({ applicant_id: applicantId, day }).count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

export async function insertCheck(
  trx: Db,
  check: { applicantId: number; day: string; name: string; at: Date },
): Promise<number> {
  const [row] = await trx('identity_checks')
    .insert({
      applicant_id: check.applicantId,
      day: check.day,
      name_tried: check.name,
      passed: false,
      at: check.at,
    })
    .returning('id')
  return Number(row.id)
}

export async function settleCheck(trx: Db, id: number, passed: boolean): Promise<void> {
  await trx('identity_checks').where({ id }).update({ passed })
}

export async function deleteCheck(db: Db, id: number): Promise<void> {
  await db('identity_checks').where({ id }).delete()
}

export async function lastCheck(
  db: Db,
  applicantId: number,
): Promise<{ passed: boolean; at: Date; name_tried: string } | undefined> {
  return db('identity_checks')
    .where({ applicant_id: applicantId })
    .orderBy([
      { column: 'at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first('passed', 'at', 'name_tried')
}

export async function hasFailedCheck(db: Db, applicantId: number): Promise<boolean> {
  return !!(await db('identity_checks').where({ applicant_id: applicantId, passed: false }).first('id'))
}

export async function setApplicantIdentity(
  trx: Db,
  id: number,
  change: { status: IdentityStatus; name?: string; verifiedAt?: Date },
  now: Date,
): Promise<void> {
  await trx('applicants')
    .where({ id })
    .update({
      identity_status: change.status,
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.verifiedAt ? { identity_verified_at: change.verifiedAt } : {}),
      updated_at: now,
      version: trx.raw('version + 1'),
    })
}

export async function pendingReview(db: Db, applicantId: number): Promise<ReviewRow | undefined> {
  return db('identity_reviews as r')
    .where({ 'r.applicant_id': applicantId, 'r.status': 'pending' })
    .first(reviewSelect(db))
}

/** The applicant's own reviews, latest first. */
export async function reviewsOf(db: Db, applicantId: number): Promise<ReviewRow[]> {
  return db('identity_reviews as r')
    .where({ 'r.applicant_id': applicantId })
    .orderBy([
      { column: 'r.submitted_at', order: 'desc' },
      { column: 'r.id', order: 'desc' },
    ])
    .select(reviewSelect(db))
}

/** Reviews submitted in [start, end): the half-year cycle's count, whatever their outcome. */
export async function countReviewsBetween(
  db: Db,
  applicantId: number,
  start: Date,
  end: Date,
): Promise<number> {
  const row = await db('identity_reviews')
    .where({ applicant_id: applicantId })
    .andWhere('submitted_at', '>=', start)
    .andWhere('submitted_at', '<', end)
    .count({ n: '*' })
    .first()
  return Number(row?.n ?? 0)
}

export async function insertReview(
  trx: Db,
  review: {
    applicantId: number
    cycle: string
    name: string
    docType: string
    docNumber: string
    details: string
    photoFileId: string
    submittedAt: Date
    deadline: string
  },
): Promise<number> {
  const [row] = await trx('identity_reviews')
    .insert({
      applicant_id: review.applicantId,
      cycle: review.cycle,
      status: 'pending',
      name: review.name,
      doc_type: review.docType,
      doc_number: review.docNumber,
      details: review.details,
      photo_file_id: review.photoFileId,
      submitted_at: review.submittedAt,
      deadline: review.deadline,
    })
    .returning('id')
  return Number(row.id)
}

/** Holiday-table rows from `from` on; a 7-working-day deadline never reaches 60 days out. */
export async function holidaysFrom(db: Db, from: string): Promise<{ day: string; kind: string }[]> {
  return db('holidays')
    .where('day', '>=', from)
    .andWhere('day', '<', db.raw(`?::date + 60`, [from]))
    .select(db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'kind')
}

export interface QueueFilter {
  status: 'pending' | 'approved' | 'rejected' | 'all'
  from?: string
  to?: string
  q?: string
}

export interface QueueRow extends ReviewRow {
  account_name: string
}

export const QUEUE_PAGE_SIZE = 50

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** The reviewer's queue: pending first, the nearest deadline on top. */
export async function searchReviews(
  db: Db,
  filter: QueueFilter,
  page: number,
): Promise<{ rows: QueueRow[]; total: number }> {
  const base = db('identity_reviews as r').join('applicants as a', 'a.id', 'r.applicant_id')
  if (filter.status !== 'all') base.where('r.status', filter.status)
  // Submitted dates are Shanghai calendar days; `to` includes its whole day.
  if (filter.from) base.where('r.submitted_at', '>=', shanghaiDateToUtc(filter.from))
  if (filter.to) base.where('r.submitted_at', '<', new Date(shanghaiDateToUtc(filter.to).getTime() + DAY_MS))
  if (filter.q) {
    const like = likePattern(filter.q)
    base.where((w) =>
      w.whereILike('r.name', like).orWhereILike('a.name', like).orWhereILike('r.doc_number', like),
    )
  }
  const countRow = await base.clone().count({ n: '*' }).first()
  const rows = await base
    .select([...reviewSelect(db), 'a.name as account_name'])
    .orderByRaw(`(r.status = 'pending') DESC, r.deadline ASC, r.submitted_at ASC, r.id ASC`)
    .limit(QUEUE_PAGE_SIZE)
    .offset((page - 1) * QUEUE_PAGE_SIZE)
  return { rows: rows as QueueRow[], total: Number(countRow?.n ?? 0) }
}

export interface ReviewDetail extends ReviewRow {
  account_name: string
  identity_status: IdentityStatus
  decided_by_name: string | null
}

export async function findReview(db: Db, id: number): Promise<ReviewDetail | undefined> {
  return db('identity_reviews as r')
    .join('applicants as a', 'a.id', 'r.applicant_id')
    .leftJoin('staff_users as s', 's.id', 'r.decided_by')
    .where('r.id', id)
    .first([...reviewSelect(db), 'a.name as account_name', 'a.identity_status', 's.name as decided_by_name'])
}

/** Whether some 人工审核 request carries this photo. */
export async function reviewHoldsPhoto(db: Db, fileId: string): Promise<boolean> {
  return !!(await db('identity_reviews').where({ photo_file_id: fileId }).first('id'))
}

/** The guarded decision: only a pending review at the version the reviewer saw. */
export async function decideReviewRow(
  trx: Db,
  id: number,
  version: number,
  decision: { status: 'approved' | 'rejected'; reason: string | null; staffId: number; at: Date },
): Promise<{ applicant_id: number; name: string } | undefined> {
  const [row] = await trx('identity_reviews')
    .where({ id, status: 'pending', version })
    .update({
      status: decision.status,
      reason: decision.reason,
      decided_by: decision.staffId,
      decided_at: decision.at,
      version: trx.raw('version + 1'),
    })
    .returning(['applicant_id', 'name'])
  return row ? { applicant_id: Number(row.applicant_id), name: row.name } : undefined
}
