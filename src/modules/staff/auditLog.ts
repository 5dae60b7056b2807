import type { Db } from '../../db/knex'
import { shanghaiDateTime } from '../../domain/time'
import { actionLabel, ACTOR_KIND_LABELS } from './messages'
import * as repo from '../../services/auditRepository'
import type { AuditFilter, AuditRow } from '../../services/auditRepository'

export type { AuditFilter, AuditRow }
export { distinctActions } from '../../services/auditRepository'

// Searching and exporting the audit log. The app's role may only read and append to it
// (src/db/roles.ts); under that, the table itself refuses UPDATE and TRUNCATE, and DELETE of anything
// younger than the 6-month retention period, even to its owner (trigger in the core migration).
// Older entries move to the archive (src/modules/privacy/retention.ts).

export const AUDIT_PAGE_SIZE = 50

export async function searchAudit(
  db: Db,
  filter: AuditFilter,
  page: number,
): Promise<{ rows: AuditRow[]; total: number; page: number; pages: number }> {
  const total = await repo.countAudit(db, filter)
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE))
  const current = Math.min(Math.max(1, page), pages)
  const rows = await repo.auditRows(db, filter, {
    limit: AUDIT_PAGE_SIZE,
    offset: (current - 1) * AUDIT_PAGE_SIZE,
  })
  return { rows, total, page: current, pages }
}

/** One line of the detail JSON for the table: short, never the whole object when it is long. */
export function compactDetail(detail: unknown, max = 160): string {
  if (!detail || (typeof detail === 'object' && !Object.keys(detail).length)) return ''
  const text = JSON.stringify(detail)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

// Spreadsheet programs run cells starting with these as formulas; a leading apostrophe defuses them.
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const AUDIT_CSV_HEADER = [
  '时间',
  '操作者类型',
  '操作者',
  '操作者编号',
  '操作',
  '操作代码',
  '对象类型',
  '对象',
  'IP地址',
  '详情',
]
export const AUDIT_EXPORT_LIMIT = 100_000

/** The filtered log as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese), newest first. */
export async function auditCsv(db: Db, filter: AuditFilter): Promise<{ csv: string; rows: number }> {
  const lines = [AUDIT_CSV_HEADER.map(csvCell).join(',')]
  let count = 0
  let after: { at: Date; id: number } | undefined
  // Keyset pages keep memory flat on a long log.
  while (count < AUDIT_EXPORT_LIMIT) {
    const batch = await repo.auditRows(db, filter, {
      limit: Math.min(5000, AUDIT_EXPORT_LIMIT - count),
      after,
    })
    for (const r of batch)
      lines.push(
        [
          shanghaiDateTime(r.at),
          ACTOR_KIND_LABELS[r.actor_kind] ?? r.actor_kind,
          r.actor_label,
          r.actor_id,
          actionLabel(r.action),
          r.action,
          r.target_type,
          r.target_id,
          r.ip,
          compactDetail(r.detail, 2000),
        ]
          .map(csvCell)
          .join(','),
      )
    count += batch.length
    if (batch.length < 5000) break
    after = { at: batch[batch.length - 1].at, id: batch[batch.length - 1].id }
  }
  return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, rows: count }
}
