import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import type { ImageKind } from '../../domain/imageRules'
import { shanghaiDate, shanghaiDateToUtc } from '../../domain/time'
import {
  actorKindsFor,
  inScope,
  likeEscape,
  queuePage,
  type QueueFilter,
  type QueuePage,
  type StaffScope,
} from '../../web/staffQueue'

// The applications of both businesses as the kernel reads them: the staff side's reads (定期注册, 教师资格认定), the same for both:
// whose applications a staff member sees (their points as 现场确认, their authorities as 审批), the
// filtered queue and its export, one application or a selection in scope. Each business names its
// table and its own columns (src/modules/<business>/staffService.ts).

export const QUEUE_PAGE_SIZE = 50

export interface QueueTable {
  /** the applications table (its columns are qualified by its name: the queue joins applicants as `a`) */
  table: string
  isStatus: (s: string) => boolean
  /** the certificate number a search term matches exactly, besides 报名号, name and 证件号码 */
  certificateColumn: string
  /** the business's own columns of a queue row, besides those every queue shows */
  columns: readonly string[]
  /** the stored files an application holds, by kind: a uuid column, or a uuid[] column (`many`) */
  files: Partial<Record<ImageKind, { column: string; many?: boolean }>>
}

/** The columns every queue row has; a business adds its own (QueueTable.columns). */
export interface QueueRowBase<Status extends string> {
  id: number
  number: string
  name: string
  doc_number: string
  subject: string
  status: Status
  authority_id: number
  point_id: number
  data: Record<string, unknown>
  submitted_at: Date
  version: number
}

interface ScopedRow {
  point_id: number | string
  authority_id: number | string
}

export interface ApplicationQueue<Row, QueueRow> {
  table: string
  /** The applications in scope under the filter, joined to their applicants (`a`). */
  scoped(db: Db, scope: StaffScope, f: QueueFilter): Knex.QueryBuilder
  /** One page of the queue, oldest submission first (the order people arrive at the point). */
  searchQueue(db: Db, scope: StaffScope, f: QueueFilter, page: number): Promise<QueuePage<QueueRow>>
  /** Every row of the filter (for the export), in queue order. */
  allInQueue(db: Db, scope: StaffScope, f: QueueFilter): Promise<QueueRow[]>
  /** How many rows the filter holds (a large export goes to the job queue). */
  countInQueue(db: Db, scope: StaffScope, f: QueueFilter): Promise<number>
  /** The next `limit` rows of the filter in queue order after `after` (the last row of the batch before). */
  batchInQueue(
    db: Db,
    scope: StaffScope,
    f: QueueFilter,
    after: QueuePosition | null,
    limit: number,
  ): Promise<(QueueRow & QueuePosition)[]>
  /** The application if it belongs to one of the staff member's points or authorities. */
  scopedApplication(db: Db, scope: StaffScope, id: number): Promise<Row | undefined>
  /** Those of `ids` the staff member may see. */
  scopedIds(db: Db, scope: StaffScope, ids: number[]): Promise<number[]>
  /** Whether an application in scope holds this file (of this kind): who may open the file. */
  holdsFile(db: Db, scope: StaffScope, file: { id: string; kind: string }): Promise<boolean>
}

/** Where a row stands in queue order. */
export interface QueuePosition {
  id: number
  submitted_at: Date
}

const SHARED_COLUMNS = [
  'id',
  'number',
  'subject',
  'status',
  'authority_id',
  'point_id',
  'data',
  'submitted_at',
  'version',
]

export function applicationQueue<Row extends ScopedRow, QueueRow>(
  t: QueueTable,
): ApplicationQueue<Row, QueueRow> {
  const col = (name: string) => `${t.table}.${name}`
  const columns = ['a.name', 'a.doc_number', ...[...SHARED_COLUMNS, ...t.columns].map(col)]
  const order = [
    { column: col('submitted_at'), order: 'asc' as const },
    { column: col('id'), order: 'asc' as const },
  ]

  function scoped(db: Db, scope: StaffScope, f: QueueFilter): Knex.QueryBuilder {
    const q = db(t.table).join('applicants as a', 'a.id', col('applicant_id')).where(inScope(scope, t.table))
    if (f.status && t.isStatus(f.status)) q.where(col('status'), f.status)
    if (f.from) q.where(col('submitted_at'), '>=', shanghaiDateToUtc(f.from))
    if (f.to) q.where(col('submitted_at'), '<', new Date(shanghaiDateToUtc(f.to).getTime() + 24 * 3600_000))
    const term = f.q?.trim()
    if (term) {
      const like = `%${likeEscape(term)}%`
      q.where((w) => {
        w.where(col('number'), term)
          .orWhereILike('a.name', like)
          .orWhere('a.doc_number', term.toUpperCase())
          .orWhere(col(t.certificateColumn), term)
      })
    }
    return q
  }

  return {
    table: t.table,
    scoped,
    searchQueue: (db, scope, f, page) =>
      queuePage<QueueRow>(() => scoped(db, scope, f), { page, size: QUEUE_PAGE_SIZE, order, columns }),
    async allInQueue(db, scope, f) {
      return (await scoped(db, scope, f).orderBy(order).select(columns)) as QueueRow[]
    },
    async countInQueue(db, scope, f) {
      const [{ count }] = await scoped(db, scope, f).count<{ count: string }[]>('* as count')
      return Number(count)
    },
    async batchInQueue(db, scope, f, after, limit) {
      const q = scoped(db, scope, f)
      if (after)
        q.whereRaw('(??, ??) > (?, ?)', [col('submitted_at'), col('id'), after.submitted_at, after.id])
      return (await q.orderBy(order).limit(limit).select(columns)) as (QueueRow & QueuePosition)[]
    },
    async scopedApplication(db, scope, id) {
      if (!Number.isSafeInteger(id)) return undefined
      const row: Row | undefined = await db(t.table).where({ id }).first()
      return row && actorKindsFor(scope, row).length ? row : undefined
    },
    async scopedIds(db, scope, ids) {
      const safe = ids.filter((n) => Number.isSafeInteger(n))
      if (!safe.length) return []
      const rows = await scoped(db, scope, {}).whereIn(col('id'), safe).select(col('id'))
      return rows.map((r: { id: string }) => Number(r.id))
    },
    async holdsFile(db, scope, file) {
      const held = Object.prototype.hasOwnProperty.call(t.files, file.kind)
        ? t.files[file.kind as ImageKind]
        : undefined
      if (!held) return false
      const q = scoped(db, scope, {})
      if (held.many) q.whereRaw('?::uuid = ANY (??)', [file.id, col(held.column)])
      else q.where(col(held.column), file.id)
      return !!(await q.first(col('id')))
    },
  }
}

// ---- one application ------------------------------------------------------------------------------

export interface HistoryEntry {
  from_status: string | null
  to_status: string
  actor_kind: string
  reason: string | null
  at: Date
}

/** An application's status history, oldest first. */
export function statusHistory(
  db: Db,
  history: { table: string; key: string },
  applicationId: number,
): Promise<HistoryEntry[]> {
  return db(history.table)
    .where({ [history.key]: applicationId })
    .orderBy([
      { column: 'at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select('from_status', 'to_status', 'actor_kind', 'reason', 'at')
}

/** Writes an applicant's 修改 if the application still waits for confirmation at the version they saw. */
export async function updatePendingApplication(
  trx: Db,
  table: string,
  seen: { id: number; version: number },
  fields: Record<string, unknown>,
): Promise<boolean> {
  const n = await trx(table)
    .where({ id: seen.id, status: 'pending_confirmation', version: seen.version })
    .update({ ...fields, version: seen.version + 1 })
  return n === 1
}

/** The applicant's identity as an application keeps it (姓名, 证件, 性别, 出生日期, 民族, 联系方式). */
export async function identitySnapshot(trx: Db, applicantId: number) {
  const a = await trx('applicants')
    .where({ id: applicantId })
    .first('name', 'doc_type', 'doc_number', 'sex', 'birth_date', 'ethnicity', 'phone', 'email')
  return { ...a, birth_date: a?.birth_date ? shanghaiDate(new Date(a.birth_date)) : null }
}

/** What /verify shows of the application with this 核验码: its number, status and identity snapshot. */
export function applicationByVerifyCode(
  db: Db,
  table: string,
  code: string,
): Promise<
  { number: string; status: string; data: { identity?: Record<string, unknown> } | null } | undefined
> {
  return db(table).where({ verify_code: code }).first('number', 'status', 'data')
}

/** The account's identity as the wizards show it, read only (填写身份信息). */
export function applicantIdentity(
  db: Db,
  applicantId: number,
): Promise<
  | {
      name: string
      doc_type: string
      doc_number: string
      ethnicity: string | null
      sex: 'M' | 'F' | null
      birth_date: string | Date | null
      phone: string
    }
  | undefined
> {
  return db('applicants')
    .where({ id: applicantId })
    .first('name', 'doc_type', 'doc_number', 'ethnicity', 'sex', 'birth_date', 'phone')
}
