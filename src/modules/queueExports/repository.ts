import type { Db } from '../../db/knex'
import type { QueueFilter, StaffScope } from '../applications/queue'

// The SQL of large queue exports: the request, its progress, the finished file (bytea), and the
// sweep of old ones. Every read for a person is scoped to the staff member who asked.

export type ExportFormat = 'csv' | 'xlsx'
export type ExportStatus = 'queued' | 'running' | 'succeeded' | 'failed'

export interface ExportRow {
  id: number
  staff_id: number
  business: string
  format: ExportFormat
  scope: StaffScope
  filter: QueueFilter
  status: ExportStatus
  rows_total: number | null
  rows_done: number
  file_name: string
  created_at: Date
  started_at: Date | null
  finished_at: Date | null
}

const SUMMARY = [
  'id',
  'staff_id',
  'business',
  'format',
  'scope',
  'filter',
  'status',
  'rows_total',
  'rows_done',
  'file_name',
  'created_at',
  'started_at',
  'finished_at',
]

const toRow = (r: Record<string, unknown>): ExportRow =>
  ({ ...r, id: Number(r.id), staff_id: Number(r.staff_id) }) as unknown as ExportRow

export async function insertExport(
  db: Db,
  row: {
    staffId: number
    business: string
    format: ExportFormat
    scope: StaffScope
    filter: QueueFilter
    rowsTotal: number
    fileName: string
    now: Date
  },
): Promise<number> {
  const [r] = await db('queue_exports')
    .insert({
      staff_id: row.staffId,
      business: row.business,
      format: row.format,
      scope: JSON.stringify(row.scope),
      filter: JSON.stringify(row.filter),
      rows_total: row.rowsTotal,
      file_name: row.fileName,
      created_at: row.now,
    })
    .returning('id')
  return Number(r.id)
}

/** The export if this staff member asked for it. */
export async function findOwnExport(db: Db, id: number, staffId: number): Promise<ExportRow | undefined> {
  const r = await db('queue_exports').where({ id, staff_id: staffId }).first(SUMMARY)
  return r ? toRow(r) : undefined
}

/** The finished file, only for the staff member who asked. */
export async function ownExportFile(
  db: Db,
  id: number,
  staffId: number,
): Promise<{ file_name: string; format: ExportFormat; content: Buffer } | undefined> {
  return db('queue_exports')
    .where({ id, staff_id: staffId, status: 'succeeded' })
    .first('file_name', 'format', 'content')
}

/**
 * Takes a queued export (or one whose worker died: running since before `staleBefore`) to work on;
 * undefined when another worker has it or it is done.
 */
export async function claimExport(
  db: Db,
  id: number,
  now: Date,
  staleBefore: Date,
): Promise<ExportRow | undefined> {
  const [r] = await db('queue_exports')
    .where({ id })
    .where((w) =>
      w
        .where({ status: 'queued' })
        .orWhere((s) => s.where({ status: 'running' }).where('started_at', '<', staleBefore)),
    )
    .update({ status: 'running', started_at: now, rows_done: 0 })
    .returning(SUMMARY)
  return r ? toRow(r) : undefined
}

export async function setProgress(db: Db, id: number, rowsDone: number): Promise<void> {
  await db('queue_exports').where({ id }).update({ rows_done: rowsDone })
}

export async function finishExport(
  db: Db,
  id: number,
  outcome: { status: 'succeeded' | 'failed'; content?: Buffer; rowsDone: number; now: Date },
): Promise<void> {
  await db('queue_exports')
    .where({ id })
    .update({
      status: outcome.status,
      content: outcome.content ?? null,
      rows_done: outcome.rowsDone,
      finished_at: outcome.now,
    })
}

/** Exports nobody is working on (for a starting worker). */
export async function pendingExportIds(db: Db, staleBefore: Date): Promise<number[]> {
  const rows: { id: string }[] = await db('queue_exports')
    .where({ status: 'queued' })
    .orWhere((w) => w.where({ status: 'running' }).where('started_at', '<', staleBefore))
    .orderBy('id')
    .select('id')
  return rows.map((r) => Number(r.id))
}

/** Finished files are kept for a week; the bureau keeps what it sent on. */
export async function deleteExportsBefore(db: Db, before: Date): Promise<void> {
  await db('queue_exports').where('created_at', '<', before).del()
}
