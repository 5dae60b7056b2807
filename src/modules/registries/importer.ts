import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { from as copyFrom } from 'pg-copy-streams'
import type { PoolClient } from 'pg'
import type { Db } from '../../db/knex'
import type { RegistryDef, Refs, SqlType } from './definitions'
import type { ImportMode } from './repository'
import type { SourceRow } from './source'
import { MESSAGES, SHOWN_ERRORS } from './messages'

// The one import engine every registry shares. checkRows() checks every row of a file and collects
// errors as "第N行 列名：问题" (all of them counted, the first SHOWN_ERRORS kept), handing good rows
// on while it goes; openLoad() takes them inside the caller's transaction by COPY into a temporary
// table, then runs the checks that need the tables (SQL on that table) and one INSERT ... SELECT
// (追加/更新) or a delete and insert (全部替换). A plain 全部替换 of a table nothing points at COPYs
// straight into it. The first error aborts the COPY; the caller rolls back.

export class ProblemList {
  readonly shown: string[] = []
  count = 0
  add(line: number, header: string | null, message: string): void {
    this.count++
    if (this.shown.length < SHOWN_ERRORS)
      this.shown.push(header ? `第${line}行 ${header}：${message}` : `第${line}行：${message}`)
  }
}

export interface CheckedRows {
  /** How many rows passed (all of them when the file has no errors). */
  good: number
  /** Rows after the header. */
  total: number
  problems: ProblemList
}

/** Where good rows go while the rest of the file is still being checked. */
export interface RowSink {
  push(values: string[], line: number): void
  /** Called every few thousand rows, so the sink can write out what it holds (and wait for room). */
  flush(): Promise<void>
  /** The file has an error: nothing of it will be kept. */
  abort(): void
}

/** A sink that keeps the rows in memory (tests, small callers). */
export function collectRows(): RowSink & { values: string[][]; lines: number[] } {
  const values: string[][] = []
  const lines: number[] = []
  return {
    values,
    lines,
    push: (v, line) => {
      values.push(v)
      lines.push(line)
    },
    flush: async () => undefined,
    abort: () => {
      values.length = 0
      lines.length = 0
    },
  }
}

const PROGRESS_EVERY = 10_000
const FLUSH_EVERY = 2_000

/** Whether the header row is the definition's (checked before anything is loaded). */
export function headerProblems(def: RegistryDef, rows: SourceRow[]): ProblemList {
  const problems = new ProblemList()
  const headers = def.columns.map((c) => c.header)
  if (rows.length === 0) {
    problems.add(1, null, MESSAGES.emptyFile)
    return problems
  }
  const given = trimTrailing(rows[0].cells, headers.length)
  if (given.join(',') !== headers.join(',')) problems.add(rows[0].line, null, MESSAGES.header(headers))
  if (rows.length === 1) problems.add(rows[0].line, null, MESSAGES.noRows)
  return problems
}

/**
 * Checks every row after the header against the definition and hands each good row to `sink` for as
 * long as the file has no error (the first error aborts the sink; checking goes on, counting).
 * `rows` may be lazy (source.ts parses CSV while this checks): one pass, no row kept after its turn.
 * `onProgress` is awaited every PROGRESS_EVERY rows (the status page reads it).
 */
export async function checkRows(
  def: RegistryDef,
  rows: Iterable<SourceRow>,
  refs: Refs,
  sink: RowSink,
  onProgress: (checked: number) => Promise<void> = async () => undefined,
): Promise<CheckedRows> {
  const problems = new ProblemList()
  const headers = def.columns.map((c) => c.header)
  const columns = def.columns
  const checks = columns.map((c) => c.check)
  const keyIndexes = def.keyFields.map((f) => columns.findIndex((c) => c.field === f))
  const keyHeaders = keyIndexes.map((i) => headers[i])
  const duplicateHeader = keyHeaders[keyHeaders.length - 1]
  const duplicateNote = keyHeaders.length > 1 ? `（${keyHeaders.join('和')}相同）` : ''
  const singleKey = keyIndexes.length === 1 ? keyIndexes[0] : -1
  const seen = new Map<string, number>()
  const n = columns.length
  const rowChecks = def.rowChecks ?? []
  let good = 0
  let header: SourceRow | undefined
  let r = 0

  for (const source of rows) {
    if (!header) {
      header = source
      const given = trimTrailing(source.cells, n)
      if (given.join(',') !== headers.join(','))
        addProblem(problems, sink, source.line, null, MESSAGES.header(headers))
      continue
    }
    r++
    if (r % FLUSH_EVERY === 0 && problems.count === 0) await sink.flush()
    if (r % PROGRESS_EVERY === 0) await onProgress(r - 1)
    const { line, lossy } = source
    const cells = trimTrailing(source.cells, n)
    if (cells.length !== n) {
      addProblem(problems, sink, line, null, MESSAGES.columns(headers, cells.length))
      continue
    }
    const before = problems.count
    const row = new Array<string>(n)
    for (let c = 0; c < n; c++) {
      let raw = cells[c]
      // Our own exports neutralise a leading formula character with an apostrophe (see csvField).
      if (raw.charCodeAt(0) === 39 && /^'[=+\-@]/.test(raw)) raw = raw.slice(1)
      if (lossy?.includes(c)) addProblem(problems, sink, line, columns[c].header, MESSAGES.lossyNumber)
      else if (!raw) addProblem(problems, sink, line, columns[c].header, MESSAGES.required(columns[c].header))
      else {
        const checked = checks[c](raw, refs)
        if ('error' in checked) addProblem(problems, sink, line, columns[c].header, checked.error)
        else row[c] = checked.value
      }
    }
    if (problems.count === before && rowChecks.length) {
      const named: Record<string, string> = {}
      for (let c = 0; c < n; c++) named[columns[c].field] = row[c]
      for (const rule of rowChecks) {
        const p = rule(named, refs)
        if (p) addProblem(problems, sink, line, p.header, p.error)
      }
    }
    if (problems.count !== before) continue
    const key = singleKey >= 0 ? row[singleKey] : keyIndexes.map((i) => row[i]).join('\u0001')
    const first = seen.get(key)
    if (first !== undefined) {
      addProblem(problems, sink, line, duplicateHeader, MESSAGES.duplicate(first) + duplicateNote)
      continue
    }
    seen.set(key, line)
    good++
    if (problems.count === 0) sink.push(row, line)
  }
  if (!header) problems.add(1, null, MESSAGES.emptyFile)
  else if (r === 0) problems.add(header.line, null, MESSAGES.noRows)
  if (problems.count) sink.abort()
  await onProgress(r)
  return { good, total: r, problems }
}

function addProblem(
  problems: ProblemList,
  sink: RowSink,
  line: number,
  header: string | null,
  message: string,
) {
  if (problems.count === 0) sink.abort()
  problems.add(line, header, message)
}

/** Excel often leaves empty cells after the last column; they are not columns. */
function trimTrailing(cells: string[], expected: number): string[] {
  let end = cells.length
  while (end > expected && !cells[end - 1]) end--
  return end === cells.length ? cells : cells.slice(0, end)
}

// ---- loading --------------------------------------------------------------------------------------

const PG_TYPES: Record<SqlType, string> = {
  text: 'text',
  date: 'date',
  numeric: 'numeric',
  boolean: 'boolean',
}

const NEEDS_ESCAPE = /[\\\t\n\r]/
const escapeCopy = (v: string) =>
  NEEDS_ESCAPE.test(v)
    ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : v

export interface LoadResult {
  ok: true
  inserted: number
  updated: number
  deleted: number
  before: number
}

export interface Loader extends RowSink {
  /** Ends the COPY, runs the checks against the tables and writes the rows (or reports problems). */
  finish(): Promise<LoadResult | { ok: false; problems: ProblemList }>
  /** After abort(): waits until the connection is out of COPY, so the transaction can roll back. */
  settled(): Promise<void>
}

const CHUNK_CHARS = 1024 * 1024

/**
 * Opens the load of one registry in the caller's transaction, to be fed by checkRows while it checks
 * (PostgreSQL parses and indexes the rows on its own CPU meanwhile). Rows go by COPY into a temporary
 * table (line numbers kept for the SQL checks) or, for a plain 全部替换 of a table nothing points at,
 * straight into the emptied table.
 */
export async function openLoad(
  trx: Db,
  def: RegistryDef,
  mode: ImportMode,
  importedAt: Date,
): Promise<Loader> {
  const client = (await trx.client.acquireConnection()) as PoolClient
  const fields = def.columns.map((c) => c.field)
  const cols = fields.map((f) => `"${f}"`).join(', ')
  // Imports of one registry run one after another; readers are never blocked.
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`registry:${def.table}`])
  const before = Number((await trx.raw(`SELECT count(*) AS n FROM ${def.table}`)).rows[0].n)
  const checks = (def.sqlChecks ?? []).filter((c) => !c.mode || c.mode === mode)
  const direct = mode === 'replace' && !def.referenced && checks.length === 0
  const stamp = direct ? `\t${importedAt.toISOString()}\n` : '\n'
  if (direct) await trx.raw(`DELETE FROM ${def.table}`)
  else {
    const types = def.columns.map((c) => `"${c.field}" ${PG_TYPES[c.type]}`).join(', ')
    await trx.raw(`CREATE TEMP TABLE tmp (line integer NOT NULL, ${types}) ON COMMIT DROP`)
  }
  const copy = client.query(
    copyFrom(
      direct ? `COPY ${def.table} (${cols}, imported_at) FROM STDIN` : `COPY tmp (line, ${cols}) FROM STDIN`,
    ),
  )
  const done = finished(copy)
  done.catch(() => undefined)
  let chunk = ''
  let rows = 0
  let aborted = false

  const write = async (force: boolean) => {
    if (aborted || (!force && chunk.length < CHUNK_CHARS) || !chunk) return
    const ok = copy.write(chunk)
    chunk = ''
    if (!ok) await Promise.race([once(copy, 'drain'), done])
  }

  return {
    push(values, line) {
      let text = direct ? '' : `${line}\t`
      for (let i = 0; i < values.length; i++) text += (i ? '\t' : '') + escapeCopy(values[i])
      chunk += text + stamp
      rows++
    },
    flush: () => write(false),
    abort() {
      if (aborted) return
      aborted = true
      chunk = ''
      copy.destroy(new Error('registry file has errors'))
    },
    async settled() {
      await done.catch(() => undefined)
    },
    async finish() {
      await write(true)
      copy.end()
      await done
      if (direct) return { ok: true, inserted: rows, updated: 0, deleted: before, before }

      if (checks.length) {
        const problems = new ProblemList()
        for (const check of checks) {
          const found = await trx.raw(`SELECT line, detail FROM (${check.sql}) x ORDER BY line LIMIT ?`, [
            SHOWN_ERRORS + 1,
          ])
          const count = Number((await trx.raw(`SELECT count(*) AS n FROM (${check.sql}) x`)).rows[0].n)
          for (const r of found.rows as { line: number; detail: string }[])
            problems.add(r.line, check.header, check.message(r.detail ?? ''))
          problems.count += count - Math.min(count, found.rows.length)
        }
        if (problems.count) {
          problems.shown.sort((a, b) => lineOf(a) - lineOf(b))
          return { ok: false, problems }
        }
      }

      const select = `SELECT ${cols}, ?::timestamptz FROM tmp`
      if (mode === 'replace' && !def.referenced) {
        await trx.raw(`DELETE FROM ${def.table}`)
        await trx.raw(`INSERT INTO ${def.table} (${cols}, imported_at) ${select}`, [importedAt])
        return { ok: true, inserted: rows, updated: 0, deleted: before, before }
      }
      const keys = def.keyFields.map((f) => `"${f}"`).join(', ')
      const updates = [...fields.filter((f) => !def.keyFields.includes(f)), 'imported_at']
        .map((f) => `"${f}" = EXCLUDED."${f}"`)
        .join(', ')
      const upserted = await trx.raw(
        `WITH up AS (
           INSERT INTO ${def.table} (${cols}, imported_at) ${select}
           ON CONFLICT (${keys}) DO UPDATE SET ${updates}
           RETURNING (xmax = 0) AS ins)
         SELECT count(*) FILTER (WHERE ins) AS inserted, count(*) FILTER (WHERE NOT ins) AS updated FROM up`,
        [importedAt],
      )
      const inserted = Number(upserted.rows[0].inserted)
      const updated = Number(upserted.rows[0].updated)
      let deleted = 0
      if (mode === 'replace') {
        const match = def.keyFields.map((f) => `tmp."${f}" = t."${f}"`).join(' AND ')
        const removed = await trx.raw(
          `DELETE FROM ${def.table} t WHERE NOT EXISTS (SELECT 1 FROM tmp WHERE ${match})`,
        )
        deleted = removed.rowCount ?? 0
      }
      return { ok: true, inserted, updated, deleted, before }
    },
  }
}

const lineOf = (message: string) => Number(/^第(\d+)行/.exec(message)?.[1] ?? 0)
