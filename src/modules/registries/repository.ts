import type { Db } from '../../db/knex'
import type { Actor } from '../../services/audit'
import type { RegistryDef, Refs, SqlType } from './definitions'

// The registries' SQL: the imports table (uploads, progress, outcomes), the code lists a check
// needs, row counts and the export query. The bulk load itself (COPY) is in importer.ts.

export type ImportMode = 'replace' | 'upsert'
export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed'

export interface ImportRow {
  id: number
  registry: string
  mode: ImportMode
  file_name: string
  file_bytes: number
  status: ImportStatus
  phase: string
  format: string | null
  rows_total: number | null
  rows_checked: number
  inserted: number | null
  updated: number | null
  deleted: number | null
  error_count: number
  errors: string[]
  actor: Actor
  staff_id: number | null
  created_at: Date
  started_at: Date | null
  finished_at: Date | null
}

const SUMMARY_COLUMNS = [
  'id',
  'registry',
  'mode',
  'file_name',
  'file_bytes',
  'status',
  'phase',
  'format',
  'rows_total',
  'rows_checked',
  'inserted',
  'updated',
  'deleted',
  'error_count',
  'errors',
  'actor',
  'staff_id',
  'created_at',
  'started_at',
  'finished_at',
]

const toImport = (r: Record<string, unknown>): ImportRow =>
  ({ ...r, id: Number(r.id) }) as unknown as ImportRow

export async function insertImport(
  db: Db,
  row: {
    registry: string
    mode: ImportMode
    fileName: string
    content: Buffer
    actor: Actor
    staffId: number | null
    now: Date
  },
): Promise<number> {
  const [r] = await db('registry_imports')
    .insert({
      registry: row.registry,
      mode: row.mode,
      file_name: row.fileName.slice(0, 200),
      file_bytes: row.content.length,
      content: row.content,
      actor: JSON.stringify(row.actor),
      staff_id: row.staffId,
      created_at: row.now,
    })
    .returning('id')
  return Number(r.id)
}

export async function findImport(db: Db, id: number): Promise<ImportRow | undefined> {
  const r = await db('registry_imports').where({ id }).first(SUMMARY_COLUMNS)
  return r && toImport(r)
}

export async function recentImports(db: Db, registry: string, limit = 10): Promise<ImportRow[]> {
  const rows = await db('registry_imports')
    .where({ registry })
    .orderBy('id', 'desc')
    .limit(limit)
    .select(SUMMARY_COLUMNS)
  return rows.map(toImport)
}

/** Imports nobody has finished: queued ones, and running ones whose worker died (older than `staleBefore`). */
export async function pendingImportIds(db: Db, staleBefore: Date): Promise<number[]> {
  const rows = await db('registry_imports')
    .where({ status: 'queued' })
    .orWhere((q) => q.where({ status: 'running' }).andWhere('started_at', '<', staleBefore))
    .orderBy('id')
    .select('id')
  return rows.map((r) => Number(r.id))
}

/** Takes an import for processing, exactly once (a second worker or a retried job gets nothing). */
export async function claimImport(
  db: Db,
  id: number,
  now: Date,
  staleBefore: Date,
  /** false when the caller has the upload in memory already */
  withContent = true,
): Promise<(ImportRow & { content: Buffer }) | undefined> {
  const [r] = await db('registry_imports')
    .where({ id })
    .andWhere((q) =>
      q
        .where({ status: 'queued' })
        .orWhere((q2) => q2.where({ status: 'running' }).andWhere('started_at', '<', staleBefore)),
    )
    .update({ status: 'running', phase: 'reading', started_at: now, rows_checked: 0 })
    // base64 decodes natively; node-postgres parses bytea's hex text in JavaScript, several times slower.
    .returning(
      withContent ? [...SUMMARY_COLUMNS, db.raw(`encode(content, 'base64') AS content64`)] : SUMMARY_COLUMNS,
    )
  if (!r) return undefined
  const { content64, ...rest } = r as Record<string, unknown> & { content64: string | null }
  return { ...toImport(rest), content: Buffer.from(content64 ?? '', 'base64') }
}

export async function setProgress(
  db: Db,
  id: number,
  p: { phase?: string; rowsTotal?: number; rowsChecked?: number; format?: string },
): Promise<void> {
  const patch: Record<string, unknown> = {}
  if (p.phase !== undefined) patch.phase = p.phase
  if (p.rowsTotal !== undefined) patch.rows_total = p.rowsTotal
  if (p.rowsChecked !== undefined) patch.rows_checked = p.rowsChecked
  if (p.format !== undefined) patch.format = p.format
  await db('registry_imports').where({ id }).update(patch)
}

/** The outcome; the upload itself is dropped (the table keeps what happened, not the personal data). */
export async function finishImport(
  db: Db,
  id: number,
  outcome: {
    status: 'succeeded' | 'failed'
    now: Date
    rowsTotal?: number
    rowsChecked?: number
    inserted?: number
    updated?: number
    deleted?: number
    errorCount?: number
    errors?: string[]
  },
): Promise<void> {
  await db('registry_imports')
    .where({ id })
    .update({
      status: outcome.status,
      phase: 'done',
      finished_at: outcome.now,
      content: null,
      ...(outcome.rowsTotal !== undefined ? { rows_total: outcome.rowsTotal } : {}),
      ...(outcome.rowsChecked !== undefined ? { rows_checked: outcome.rowsChecked } : {}),
      inserted: outcome.inserted ?? null,
      updated: outcome.updated ?? null,
      deleted: outcome.deleted ?? null,
      error_count: outcome.errorCount ?? 0,
      errors: JSON.stringify(outcome.errors ?? []),
    })
}

export async function loadRefs(db: Db, today: string): Promise<Refs> {
  const [codes, regions] = await Promise.all([
    db('ref_codes').orderBy(['kind', 'sort', 'code']).select('kind', 'code', 'name'),
    db('ref_regions').select('code', 'name'),
  ])
  const byKind = new Map<string, Map<string, string>>()
  for (const c of codes) {
    if (!byKind.has(c.kind)) byKind.set(c.kind, new Map())
    byKind.get(c.kind)!.set(c.code, c.name)
  }
  return { today, codes: byKind, regions: new Map(regions.map((r) => [String(r.code).trim(), r.name])) }
}

export async function countRows(db: Db, table: string): Promise<number> {
  const r = await db(table).count({ n: '*' }).first()
  return Number(r?.n ?? 0)
}

export async function lastImportedAt(db: Db, table: string): Promise<Date | null> {
  const r = await db(table).max({ last: 'imported_at' }).first()
  return (r?.last as Date | null) ?? null
}

const asText = (field: string, type: SqlType) =>
  type === 'date'
    ? `to_char(${field}, 'YYYY-MM-DD')`
    : type === 'boolean'
      ? `CASE WHEN ${field} THEN 't' ELSE 'f' END`
      : `${field}::text`

/** Every row of the registry as stored text, in key order. */
export async function exportRows(db: Db, def: RegistryDef): Promise<string[][]> {
  const select = def.columns.map((c) => `${asText(c.field, c.type)} AS "${c.field}"`).join(', ')
  const order = def.keyFields.join(', ')
  const result = await db.raw(`SELECT ${select} FROM ${def.table} ORDER BY ${order}`)
  return (result.rows as Record<string, string>[]).map((r) => def.columns.map((c) => r[c.field] ?? ''))
}

/** Whether the imported identity registry holds this person with this document (real-name verification). */
export async function identityRegistryHas(
  db: Db,
  claim: { docType: string; docNumber: string; name: string },
): Promise<boolean> {
  return !!(await db('identity_registry')
    .where({ doc_type: claim.docType, doc_number: claim.docNumber, name: claim.name })
    .first('id'))
}
