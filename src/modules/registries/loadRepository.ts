import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { from as copyFrom } from 'pg-copy-streams'
import type { PoolClient } from 'pg'
import type { Db } from '../../db/knex'
import type { RegistryDef, SqlType } from './definitions'
import { ProblemList, type RowSink } from './importer'
import { SHOWN_ERRORS } from './messages'
import type { ImportMode } from './repository'

// Loading a checked registry file inside the caller's transaction: rows come by COPY into a temporary
// table, then the checks that need the tables run (SQL on that table) and one INSERT ... SELECT
// (追加/更新) or a delete and insert (全部替换). A plain 全部替换 of a table nothing points at COPYs
// straight into it. The first error aborts the COPY; the caller rolls back.

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
