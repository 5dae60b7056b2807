import type { Knex } from 'knex'
import type { Db } from '../db/knex'
import { shanghaiDateToUtc } from '../domain/time'

// The audit log's queries: append (services/audit.ts), search and export batches
// (modules/staff/auditLog.ts), and retirement into the archive (modules/privacy/retention.ts). The app's role may only read and append to it (src/db/roles.ts).

export async function appendAudit(trx: Db, row: Record<string, unknown>): Promise<void> {
  await trx('audit_log').insert(row)
}

export interface AuditFilter {
  from?: string
  to?: string
  actorKind?: string
  action?: string
  q?: string
  ip?: string
}

export interface AuditRow {
  id: number
  at: Date
  actor_kind: string
  actor_id: number | null
  actor_label: string | null
  action: string
  target_type: string | null
  target_id: string | null
  detail: Record<string, unknown>
  ip: string | null
}

const nextDay = (d: Date) => new Date(d.getTime() + 24 * 3600_000)
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

function applyFilter(query: Knex.QueryBuilder, f: AuditFilter): Knex.QueryBuilder {
  if (f.from) query.where('at', '>=', shanghaiDateToUtc(f.from))
  if (f.to) query.where('at', '<', nextDay(shanghaiDateToUtc(f.to)))
  if (f.actorKind) query.where('actor_kind', f.actorKind)
  if (f.action) query.where('action', f.action)
  if (f.q) {
    const pattern = `%${likeEscape(f.q)}%`
    query.where((w) => w.whereILike('actor_label', pattern).orWhereILike('target_id', pattern))
  }
  if (f.ip) query.whereLike('ip', `${likeEscape(f.ip)}%`)
  return query
}

const COLUMNS = [
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'actor_label',
  'action',
  'target_type',
  'target_id',
  'detail',
  'ip',
]

export async function countAudit(db: Db, filter: AuditFilter): Promise<number> {
  const [{ count }] = await applyFilter(db('audit_log'), filter).count<{ count: string }[]>('* as count')
  return Number(count)
}

/**
 * Entries matching the filter, newest first: a page by offset, or (keyset, for long exports) those
 * older than `after`.
 */
export function auditRows(
  db: Db,
  filter: AuditFilter,
  page: { limit: number; offset?: number; after?: { at: Date; id: number } },
): Promise<AuditRow[]> {
  const query = applyFilter(db('audit_log'), filter)
  const after = page.after
  if (after)
    query.where((w) =>
      w.where('at', '<', after.at).orWhere((x) => x.where('at', '=', after.at).andWhere('id', '<', after.id)),
    )
  return query
    .orderBy([
      { column: 'at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit)
    .offset(page.offset ?? 0)
    .select(COLUMNS)
}

export async function distinctActions(db: Db): Promise<string[]> {
  const rows = await db('audit_log').distinct('action').orderBy('action')
  return rows.map((r: { action: string }) => r.action)
}

/**
 * The owner's retire_audit_log (the app's role may not DELETE from the log or its archive): entries
 * past `onlineMonths` into the archive, archived ones past `archiveYears` deleted.
 */
export async function retireAudit(
  trx: Db,
  appNow: Date,
  onlineMonths: number,
  archiveYears: number,
): Promise<{ archived: number; deleted: number }> {
  const { rows } = await trx.raw(
    `SELECT archived, deleted FROM retire_audit_log(?::timestamptz, ?::integer, ?::integer)`,
    [appNow, onlineMonths, archiveYears],
  )
  return { archived: Number(rows[0].archived), deleted: Number(rows[0].deleted) }
}
