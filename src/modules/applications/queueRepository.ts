import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import type { ImageKind } from '../../domain/imageRules'
import { shanghaiDateToUtc } from '../../domain/time'
import { actorKindsFor, type QueueFilter, type QueuePage, type StaffScope } from './queue'

// The staff queue's reads, the same for both businesses (定期注册, 教师资格认定): whose applications a
// staff member sees (their points as 现场确认, their authorities as 审批), the filtered queue and its
// export, one application or a selection in scope. Each business names its table and its own columns
// (src/modules/<business>/staffService.ts).

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

/** The WHERE of a scoped queue: the application's point or authority is one of the staff's. */
export const inScope =
  (scope: StaffScope, alias: string) =>
  (w: Knex.QueryBuilder): void => {
    w.whereIn(`${alias}.point_id`, scope.points.length ? scope.points : [-1]).orWhereIn(
      `${alias}.authority_id`,
      scope.authorities.length ? scope.authorities : [-1],
    )
  }

/**
 * One page of a queue: `make` builds the filtered, scoped query afresh (once to count, once for the
 * rows); the page number is clamped to the pages there are.
 */
async function queuePage<T>(
  make: () => Knex.QueryBuilder,
  o: { page: number; size: number; order: { column: string; order: 'asc' | 'desc' }[]; columns: string[] },
): Promise<QueuePage<T>> {
  const [{ count }] = await make().count<{ count: string }[]>('* as count')
  const total = Number(count)
  const pages = Math.max(1, Math.ceil(total / o.size))
  const page = Math.min(Math.max(1, o.page), pages)
  const rows = (await make()
    .orderBy(o.order)
    .limit(o.size)
    .offset((page - 1) * o.size)
    .select(o.columns)) as T[]
  return { rows, total, page, pages }
}

/** `%`, `_` and `\` taken literally in an ILIKE pattern. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/** Applications by id, in 报名号 order (a staff selection to print or export). */
export function applicationsByIds<Row>(db: Db, table: string, ids: number[]): Promise<Row[]> {
  return db(table).whereIn('id', ids).orderBy('number', 'asc').select('*')
}
