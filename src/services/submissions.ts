import type { Knex } from 'knex'
import { prepared } from '../db/prepared'
import { afterCommit } from '../db/knex'
import type { Metrics } from './metrics'

// A submitted application row, its first status-history row and its audit entry, written by one
// statement, the same for every business. The 报名号 is the year and the authority's 4-digit number
// (`prefix`) followed by the next value of the counter row of the business, authority and year
// (application_number_counters, bumped in that statement): numbers start at 1 and have no gaps, since
// a submit that rolls back rolls its number back too. The bump locks the counter row until COMMIT,
// so the submits of one authority take their numbers one after the other; submits to other
// authorities never wait. Call this after every check and as late as the writes allow: the lock is
// held from here to COMMIT.

export interface SubmissionTables {
  /** e.g. registrations */
  table: string
  /** e.g. registration_status_history */
  historyTable: string
  /** the history table's column naming the application */
  historyKey: string
  /** the counter rows' business (migrations/20261207000200_gapless_numbers.ts) */
  business: 'registration' | 'certification'
  /** how many digits the sequence takes at the end of the number */
  digits: number
}

export interface SubmissionInput {
  /** the application's columns, without `number` (objects are stored as JSON) */
  row: Record<string, unknown>
  /** whose series the number is in; `prefix` is the number's leading digits made of them */
  numbering: { authorityId: number; year: number; prefix: string }
  history: { to_status: string; actor_kind: string; actor_id: number | null; at: Date }
  /** services.audit.row(...): its target_id is set to the new id, and the number added to detail */
  audit: Record<string, unknown>
}

/**
 * Inserts the application unless the table's unique rules refuse it (ON CONFLICT DO NOTHING: then
 * undefined, and the caller must roll back, which gives the number it drew back), with its history
 * and audit rows; counted as submitted once the caller's transaction commits.
 */
export async function insertSubmission(
  trx: Knex.Transaction,
  t: SubmissionTables,
  metrics: Pick<Metrics, 'submitted'>,
  input: SubmissionInput,
): Promise<{ id: number; number: string } | undefined> {
  const row = Object.fromEntries(
    Object.entries(input.row).map(([k, v]) => [
      k,
      v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v)
        ? JSON.stringify(v)
        : v,
    ]),
  )
  const n = input.numbering
  const insert = trx(t.table)
    .insert({
      ...row,
      number: trx.raw(`?::text || lpad((SELECT last_seq FROM seq)::text, ${Number(t.digits)}, '0')`, [
        n.prefix,
      ]),
    })
    .toSQL()
  const h = input.history
  const auditColumns = Object.keys(input.audit)
  const auditValues = auditColumns.map((c) =>
    c === 'target_id'
      ? 'app.id::text'
      : c === 'detail'
        ? "jsonb_set(?::jsonb, '{number}', to_jsonb(app.number))"
        : '?',
  )
  const auditBindings = auditColumns
    .filter((c) => c !== 'target_id')
    .map((c) => input.audit[c]) as Knex.Value[]
  const { rows } = await prepared(
    trx.raw(
      `WITH seq AS (
       INSERT INTO application_number_counters AS c (business, authority_id, year, last_seq)
       VALUES (?, ?, ?, 1)
       ON CONFLICT (business, authority_id, year) DO UPDATE SET last_seq = c.last_seq + 1
       RETURNING last_seq
     ),
     app AS (${insert.sql} ON CONFLICT DO NOTHING RETURNING id, number),
     hist AS (
       INSERT INTO ?? (??, from_status, to_status, actor_kind, actor_id, reason, at)
       SELECT app.id, NULL, ?, ?, ?, NULL, ? FROM app
     ),
     audited AS (
       INSERT INTO audit_log (${auditColumns.map(() => '??').join(', ')}) SELECT ${auditValues.join(', ')} FROM app
     )
     SELECT id, number FROM app`,
      [
        t.business,
        n.authorityId,
        n.year,
        ...(insert.bindings as Knex.Value[]),
        t.historyTable,
        t.historyKey,
        h.to_status,
        h.actor_kind,
        h.actor_id,
        h.at,
        ...auditColumns,
        ...auditBindings,
      ],
    ),
  )
  if (!rows[0]) return undefined
  afterCommit(trx, () => metrics.submitted(t.business))
  return { id: Number(rows[0].id), number: String(rows[0].number) }
}
