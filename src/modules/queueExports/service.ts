import type { Db } from '../../db/knex'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { JOB_QUEUES } from '../../services/jobs'
import { toCsv, toXlsx } from '../applications/exportFiles'
import type { QueueFilter, StaffScope } from '../applications/queue'
import type { ApplicationQueue } from '../applications/queueRepository'
import * as repo from './repository'
import type { ExportFormat, ExportRow } from './repository'

// Exports of a staff queue (定期注册, 教师资格认定) as a bureau sends them on: small ones are written
// during the request; one of more rows than services.queueExports.inlineMaxRows is stored as a
// queue_exports row and written by a pg-boss job (QUEUE_EXPORT_QUEUE) into the same row, batch by
// batch, while the staff member watches its progress page. Both write the same file (toCsv/toXlsx).

export const QUEUE_EXPORT_QUEUE = JOB_QUEUES.queueExport

/** A worker that has not finished an export in this long is taken to have died. */
const STALE_MS = 15 * 60_000
const BATCH_ROWS = 500
const KEEP_DAYS = 7

/** One business's export: its columns (the order is ours, see README) and how to read its rows. */
export interface QueueExport<QueueRow = never> {
  /** stored with a queued export: the job finds the definition by it */
  key: string
  /** the file name before its time stamp */
  name: string
  sheet: string
  header: readonly string[]
  queue: Pick<ApplicationQueue<unknown, QueueRow>, 'allInQueue' | 'countInQueue' | 'batchInQueue'>
  cells: (db: Db) => Promise<(r: QueueRow) => string[]>
}

// The job works with any business's rows; their type is the business's own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyQueueExport = QueueExport<any>

export type ExportRequest = {
  def: AnyQueueExport
  format: ExportFormat
  scope: StaffScope
  filter: QueueFilter
  fileName: string
  actor: Actor & { id: number }
  audit: { action: string; targetType: string }
}

export type ExportStart =
  { inline: true; body: Buffer | string; rows: number } | { inline: false; id: number; rows: number }

/**
 * An export as asked for, audited (format, rows, filter): the file at once when it is small,
 * else the id of the queued export whose progress page the staff member is sent to.
 */
export async function startQueueExport(services: Services, req: ExportRequest): Promise<ExportStart> {
  const { db, clock, audit } = services
  const rows = await req.def.queue.countInQueue(db, req.scope, req.filter)
  const detail = { format: req.format, rows, filter: req.filter }
  if (rows <= services.queueExports.inlineMaxRows) {
    const cells = await req.def.cells(db)
    const table = (await req.def.queue.allInQueue(db, req.scope, req.filter)).map(cells)
    await audit.record(db, req.actor, { ...req.audit, detail: { ...detail, rows: table.length } })
    return { inline: true, body: await writeFile(req.def, req.format, table), rows: table.length }
  }
  const now = clock.now()
  await repo.deleteExportsBefore(db, new Date(now.getTime() - KEEP_DAYS * 24 * 3600_000))
  const id = await db.transaction(async (trx) => {
    const created = await repo.insertExport(trx, {
      staffId: req.actor.id,
      business: req.def.key,
      format: req.format,
      scope: req.scope,
      filter: req.filter,
      rowsTotal: rows,
      fileName: req.fileName,
      now,
    })
    await audit.record(trx, req.actor, { ...req.audit, detail: { ...detail, exportId: created } })
    return created
  })
  await services.jobs.send(QUEUE_EXPORT_QUEUE, { id })
  return { inline: false, id, rows }
}

const writeFile = (def: AnyQueueExport, format: ExportFormat, rows: string[][]) =>
  format === 'csv' ? toCsv(def.header, rows) : toXlsx(def.sheet, def.header, rows)

/** Writes one queued export, exactly once however often it is called. */
export async function runQueueExport(
  services: Services,
  defs: readonly AnyQueueExport[],
  id: number,
): Promise<void> {
  const { db, clock } = services
  const now = clock.now()
  const job = await repo.claimExport(db, id, now, new Date(now.getTime() - STALE_MS))
  if (!job) return
  let done = 0
  try {
    const def = defs.find((d) => d.key === job.business)
    if (!def) throw new Error(`unknown export ${job.business}`)
    const cells = await def.cells(db)
    const table: string[][] = []
    let after = null
    for (;;) {
      const batch = await def.queue.batchInQueue(db, job.scope, job.filter, after, BATCH_ROWS)
      for (const r of batch) table.push(cells(r))
      done = table.length
      if (batch.length < BATCH_ROWS) break
      after = batch[batch.length - 1]
      await repo.setProgress(db, id, done)
    }
    const body = await writeFile(def, job.format, table)
    await repo.finishExport(db, id, {
      status: 'succeeded',
      content: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      rowsDone: done,
      now: clock.now(),
    })
  } catch (err) {
    services.logger.error({ err, exportId: id }, 'queue export failed')
    await repo.finishExport(db, id, { status: 'failed', rowsDone: done, now: clock.now() })
  }
}

/** Starts the queue (if it is not yet) with the export worker, and queues what is waiting. */
export async function startQueueExportWorker(
  services: Services,
  defs: readonly AnyQueueExport[],
): Promise<void> {
  await services.jobs.start({
    [QUEUE_EXPORT_QUEUE]: async (data) => runQueueExport(services, defs, Number(data.id)),
  })
  const stale = new Date(services.clock.now().getTime() - STALE_MS)
  for (const id of await repo.pendingExportIds(services.db, stale))
    await services.jobs.send(QUEUE_EXPORT_QUEUE, { id })
}

/** What the progress page shows. */
export function exportProgress(row: ExportRow) {
  const running = row.status === 'queued' || row.status === 'running'
  const total = row.rows_total ?? 0
  return { running, percent: total ? Math.min(100, Math.floor((100 * row.rows_done) / total)) : 0 }
}

export const findOwnExport = (db: Db, id: number, staffId: number) => repo.findOwnExport(db, id, staffId)
export const ownExportFile = (db: Db, id: number, staffId: number) => repo.ownExportFile(db, id, staffId)
