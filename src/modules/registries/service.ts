import ExcelJS from 'exceljs'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { JOB_QUEUES } from '../../services/jobs'
import { shanghaiDate } from '../../domain/time'
import { REGISTRIES, registryByKey, type RegistryDef } from './definitions'
import { checkRows, ProblemList } from './importer'
import { openLoad } from './loadRepository'
import { MESSAGES } from './messages'
import * as repo from './repository'
import type { ImportMode, ImportRow } from './repository'
import { CsvError, openSource } from './source'

// Registry imports and exports. An upload is stored as a registry_imports row first; small files are
// then processed at once in the request, larger ones by the background worker (pg-boss queue
// REGISTRY_IMPORT_QUEUE), and both call runImport(). The status page reads the row.

export const REGISTRY_IMPORT_QUEUE = JOB_QUEUES.registryImport

/** A worker that has not finished an import in this long is taken to have died. */
const STALE_MS = 15 * 60_000

/**
 * Uploads waiting to be imported by this process, by import id: runImport takes the bytes from here
 * instead of reading them back from registry_imports (which still holds them, for a worker elsewhere
 * or after a restart). Bounded; the oldest are let go first.
 */
const HANDOFF_MAX_BYTES = 64 * 1024 * 1024
const handoff = new Map<number, Buffer>()
let handoffBytes = 0

function handOver(id: number, content: Buffer): void {
  if (content.length > HANDOFF_MAX_BYTES) return
  handoff.set(id, content)
  handoffBytes += content.length
  for (const [oldId, old] of handoff) {
    if (handoffBytes <= HANDOFF_MAX_BYTES) break
    handoff.delete(oldId)
    handoffBytes -= old.length
  }
}

function takeOver(id: number): Buffer | undefined {
  const content = handoff.get(id)
  if (content) {
    handoff.delete(id)
    handoffBytes -= content.length
  }
  return content
}

export async function startImport(
  services: Services,
  input: {
    def: RegistryDef
    mode: ImportMode
    fileName: string
    content: Buffer
    actor: Actor
    staffId: number | null
  },
): Promise<number> {
  const id = await repo.insertImport(services.db, {
    registry: input.def.key,
    mode: input.mode,
    fileName: input.fileName,
    content: input.content,
    actor: input.actor,
    staffId: input.staffId,
    now: services.clock.now(),
  })
  handOver(id, input.content)
  if (input.content.length <= services.registryImports.inlineMaxBytes) await runImport(services, id)
  else await services.jobs.send(REGISTRY_IMPORT_QUEUE, { id })
  return id
}

/** A file with errors: thrown inside the load's transaction so that it rolls back. */
class TableProblems extends Error {
  constructor(
    readonly problems: ProblemList,
    readonly rowsTotal: number | undefined,
  ) {
    super('the registry file has errors')
  }
}

/**
 * Processes one stored import, exactly once however often it is called: read, check every row,
 * and load a file without errors in one transaction that also records the outcome and the audit
 * entry. A file with errors changes nothing but the import's own row.
 */
export async function runImport(services: Services, id: number): Promise<void> {
  const { db, clock, audit } = services
  const now = clock.now()
  const handed = takeOver(id)
  const job = await repo.claimImport(db, id, now, new Date(now.getTime() - STALE_MS), !handed)
  if (!job) return
  const content = handed ?? job.content
  const def = registryByKey(job.registry)
  const fail = async (problems: ProblemList, rowsTotal?: number) => {
    await repo.finishImport(db, id, {
      status: 'failed',
      now: clock.now(),
      rowsTotal,
      errorCount: problems.count,
      errors: problems.shown,
    })
    await audit.record(db, job.actor, {
      action: def?.audit.import ?? 'registries.import',
      targetType: def?.table ?? job.registry,
      targetId: id,
      detail: { registry: job.registry, mode: job.mode, result: 'failed', errors: problems.count },
    })
  }
  try {
    if (!def) throw new Error(`unknown registry ${job.registry}`)
    // The code lists load while the upload is decoded.
    const refsLoading = repo.loadRefs(db, shanghaiDate(now))
    refsLoading.catch(() => undefined)
    const source = await openSource(content)
    if (!source.ok) {
      const problems = new ProblemList()
      problems.add(source.line, null, source.error)
      return await fail(problems)
    }
    let rowsTotal = source.estimate
    const [refs] = await Promise.all([
      refsLoading,
      repo.setProgress(db, id, { phase: 'checking', rowsTotal, format: source.format }),
    ])
    await db.transaction(async (trx) => {
      // Rows are parsed, checked and loaded in one pass; the first bad row aborts the load.
      const loader = await openLoad(trx, def, job.mode, now)
      let checked
      try {
        checked = await checkRows(def, source.rows, refs, loader, (n) =>
          repo.setProgress(db, id, { rowsChecked: n }),
        )
      } catch (err) {
        loader.abort()
        await loader.settled()
        if (!(err instanceof CsvError)) throw err
        // A file that cannot be read on reports that alone, as when it is read whole.
        const problems = new ProblemList()
        problems.add(err.line, null, err.error)
        throw new TableProblems(problems, undefined)
      }
      rowsTotal = checked.total
      if (checked.problems.count) {
        await loader.settled()
        throw new TableProblems(checked.problems, rowsTotal)
      }
      await repo.setProgress(db, id, { phase: 'loading' })
      const result = await loader.finish()
      if (!result.ok) throw new TableProblems(result.problems, rowsTotal)
      await audit.record(trx, job.actor, {
        action: def.audit.import,
        targetType: def.table,
        targetId: id,
        detail: {
          registry: def.key,
          mode: job.mode,
          rows: checked.good,
          inserted: result.inserted,
          updated: result.updated,
          deleted: result.deleted,
          file: job.file_name.slice(0, 100),
        },
      })
      await repo.finishImport(trx, id, {
        status: 'succeeded',
        now: clock.now(),
        rowsTotal,
        rowsChecked: rowsTotal,
        inserted: result.inserted,
        updated: result.updated,
        deleted: result.deleted,
      })
    })
  } catch (err) {
    if (err instanceof TableProblems) return fail(err.problems, err.rowsTotal)
    services.logger.error({ err, importId: id }, 'registry import failed')
    const problems = new ProblemList()
    problems.shown.push(MESSAGES.failedUnexpectedly)
    problems.count = 1
    await fail(problems)
  }
}

/** Every import nobody is processing (for the worker at start, and for tests that run jobs by hand). */
export async function pendingImports(services: Services): Promise<number[]> {
  return repo.pendingImportIds(services.db, new Date(services.clock.now().getTime() - STALE_MS))
}

export async function runPendingImports(services: Services): Promise<void> {
  for (const id of await pendingImports(services)) await runImport(services, id)
}

/** Starts the queue (if it is not yet) with the import worker, and queues what is waiting. */
export async function startRegistryWorker(services: Services): Promise<void> {
  await services.jobs.start({
    [REGISTRY_IMPORT_QUEUE]: async (data) => runImport(services, Number(data.id)),
  })
  for (const id of await pendingImports(services)) await services.jobs.send(REGISTRY_IMPORT_QUEUE, { id })
}

/** What the status page says about a finished import. */
export function outcomeText(row: ImportRow): string | null {
  if (row.status === 'failed') return MESSAGES.hasErrors(row.error_count)
  if (row.status !== 'succeeded') return null
  const rows = (row.inserted ?? 0) + (row.updated ?? 0)
  return row.mode === 'replace'
    ? MESSAGES.importedReplace(rows, (row.updated ?? 0) + (row.deleted ?? 0))
    : MESSAGES.importedUpsert(rows, row.inserted ?? 0, row.updated ?? 0)
}

// ---- lists, exports and templates -----------------------------------------------------------------

export async function registryOverview(services: Services) {
  return Promise.all(
    REGISTRIES.map(async (def) => ({
      def,
      rows: await repo.countRows(services.db, def.table),
      lastImportedAt: await repo.lastImportedAt(services.db, def.table),
    })),
  )
}

/** One CSV field; a leading formula character is neutralised so a spreadsheet shows it as text. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

const csvLine = (fields: readonly string[]) => `${fields.map(csvField).join(',')}\r\n`

const BOM = '\uFEFF'

/** UTF-8 with a BOM (so Excel opens the Chinese text), the header and one example row. */
export function templateCsv(def: RegistryDef): string {
  return BOM + csvLine(def.columns.map((c) => c.header)) + csvLine(def.columns.map((c) => c.example))
}

async function exportedTable(services: Services, def: RegistryDef): Promise<string[][]> {
  const refs = await repo.loadRefs(services.db, shanghaiDate(services.clock.now()))
  const rows = await repo.exportRows(services.db, def)
  const shows = def.columns.map((c) => c.show)
  return rows.map((r) => r.map((v, i) => shows[i]?.(v, refs) ?? v))
}

export async function exportRegistry(
  services: Services,
  def: RegistryDef,
  format: 'csv' | 'xlsx',
  actor: Actor,
): Promise<{ body: Buffer; rows: number }> {
  const rows = await exportedTable(services, def)
  const headers = def.columns.map((c) => c.header)
  let body: Buffer
  if (format === 'csv') {
    const parts = [BOM + csvLine(headers)]
    for (const r of rows) parts.push(csvLine(r))
    body = Buffer.from(parts.join(''), 'utf8')
  } else {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet(def.title)
    // Text cells throughout, so an 18-digit ID number keeps every digit when the file is edited.
    sheet.columns = headers.map((h) => ({
      header: h,
      width: Math.max(12, h.length * 3),
      style: { numFmt: '@' },
    }))
    sheet.getRow(1).font = { bold: true }
    sheet.addRows(rows)
    body = Buffer.from(await workbook.xlsx.writeBuffer())
  }
  await services.audit.record(services.db, actor, {
    action: def.audit.export,
    targetType: def.table,
    detail: { registry: def.key, format, rows: rows.length },
  })
  return { body, rows: rows.length }
}
