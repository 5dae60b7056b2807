import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import { afterCommit } from '../../db/afterCommit'
import { prepared } from '../../db/prepared'
import type { RowSource, StatementPart } from '../../db/statementPart'

// One application as the kernel reads and writes it, the same for every business: its status
// history, the guarded writes of 修改, the identity snapshot, /verify's look-up, 留言, the submit's
// one statement. The staff queue's reads are queueRepository.ts.

export interface HistoryEntry {
  from_status: string | null
  to_status: string
  actor_kind: string
  reason: string | null
  at: Date
}

/** An application's status history, oldest first. */
export function statusHistory(db: Db, t: HistoryTable, applicationId: number): Promise<HistoryEntry[]> {
  return db(t.historyTable)
    .where({ [t.historyKey]: applicationId })
    .orderBy([
      { column: 'at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select('from_status', 'to_status', 'actor_kind', 'reason', 'at')
}

/** An application by id (in a business's table). */
export async function applicationById<Row>(db: Db, table: string, id: number): Promise<Row | undefined> {
  if (!Number.isSafeInteger(id)) return undefined
  return db(table).where({ id }).first()
}

/**
 * Writes a change if the application still has the status and version that were seen, moving the
 * version on; false if someone changed it first.
 */
export async function updateGuarded(
  trx: Db,
  table: string,
  seen: { id: number; status: string; version: number },
  patch: Record<string, unknown>,
): Promise<boolean> {
  const n = await trx(table)
    .where({ id: seen.id, status: seen.status, version: seen.version })
    .update({ ...patch, version: seen.version + 1 })
  return n === 1
}

/** Where a business keeps its status history: the table and the column naming the application. */
export interface HistoryTable {
  historyTable: string
  historyKey: string
}

export async function insertStatusHistory(
  trx: Db,
  t: HistoryTable,
  row: {
    applicationId: number
    from_status: string | null
    to_status: string
    actor_kind: 'applicant' | 'staff' | 'system'
    actor_id: number | null
    reason: string | null
    at: Date
  },
): Promise<void> {
  const { applicationId, ...rest } = row
  await trx(t.historyTable).insert({ [t.historyKey]: applicationId, ...rest })
}

/**
 * The applicant's identity as an application keeps it (姓名, 证件, 性别, 出生日期, 民族, 联系方式): one SQL
 * expression (a json object, the birth date as YYYY-MM-DD) of the applicant whose id is its one
 * binding, for a statement that reads it with other facts (registration's submitFacts).
 */
export const IDENTITY_SNAPSHOT_SQL = `(SELECT json_build_object('name', name, 'doc_type', doc_type,
    'doc_number', doc_number, 'sex', sex, 'birth_date', to_char(birth_date, 'YYYY-MM-DD'),
    'ethnicity', ethnicity, 'phone', phone, 'email', email)
  FROM applicants WHERE id = ?)`

export type IdentitySnapshot = Record<string, unknown> & { birth_date: string | null }

/** The applicant's identity as an application keeps it (IDENTITY_SNAPSHOT_SQL). */
export async function identitySnapshot(trx: Db, applicantId: number): Promise<IdentitySnapshot> {
  const { rows } = await trx.raw(`SELECT ${IDENTITY_SNAPSHOT_SQL} AS identity`, [applicantId])
  return rows[0].identity
}

/** What /verify shows of the application with this 核验码: its number, status and identity snapshot. */
export function applicationByVerifyCode(
  db: Db,
  table: string,
  code: string,
): Promise<
  { number: string; status: string; data: { identity?: Record<string, unknown> } | null } | undefined
> {
  return db(table).where({ verify_code: code }).first('number', 'status', 'data')
}

// ---- 留言 ------------------------------------------------------------------------------------------

/** Where a business keeps its 留言: its table and the column naming the application. */
export interface MessageTable {
  table: string
  key: string
}

export interface MessageRow {
  id: number
  body: string
  created_at: Date
  read_at: Date | null
  staff_name: string | null
}

/** How many messages each application has, and how many of them are unread. */
export async function messageCounts(
  db: Db,
  t: MessageTable,
  ids: number[],
): Promise<Map<number, { all: number; unread: number }>> {
  if (!ids.length) return new Map()
  const rows: Record<string, string>[] = await db(t.table)
    .whereIn(t.key, ids)
    .groupBy(t.key)
    .select(t.key, db.raw('count(*) AS "all"'), db.raw('count(*) FILTER (WHERE read_at IS NULL) AS unread'))
  return new Map(rows.map((r) => [Number(r[t.key]), { all: Number(r.all), unread: Number(r.unread) }]))
}

/** The messages of one application, oldest first, with the names of the staff who wrote them. */
export function messagesOf(db: Db, t: MessageTable, applicationId: number): Promise<MessageRow[]> {
  return db(`${t.table} as m`)
    .leftJoin('staff_users as s', 's.id', 'm.staff_id')
    .where(`m.${t.key}`, applicationId)
    .orderBy([
      { column: 'm.created_at', order: 'asc' },
      { column: 'm.id', order: 'asc' },
    ])
    .select('m.id', 'm.body', 'm.created_at', 'm.read_at', 's.name as staff_name')
}

export async function markMessagesRead(db: Db, t: MessageTable, applicationId: number, now: Date) {
  await db(t.table).where(t.key, applicationId).whereNull('read_at').update({ read_at: now })
}

/** Writes a message to the applicant; its id. */
export async function insertMessage(
  trx: Db,
  t: MessageTable,
  m: { applicationId: number; staffId: number; body: string; at: Date },
): Promise<number> {
  const [row] = await trx(t.table)
    .insert({ [t.key]: m.applicationId, staff_id: m.staffId, body: m.body, created_at: m.at })
    .returning('id')
  return Number(row.id)
}

// ---- 提交 ------------------------------------------------------------------------------------------

// A submitted application row, its first status-history row and its audit entry, written by one
// statement, the same for every business. The 报名号 is the year and the authority's 4-digit number
// (`prefix`) followed by the next value of the counter row of the business, authority and year
// (application_number_counters, bumped in that statement): numbers start at 1 and have no gaps, since
// a submit that rolls back rolls its number back too. The bump locks the counter row until COMMIT,
// so the submits of one authority take their numbers one after the other; submits to other
// authorities never wait. Call this after every check and as late as the writes allow: the lock is
// held from here to COMMIT.

export interface SubmissionTables extends HistoryTable {
  /** e.g. registrations (its history table e.g. registration_status_history) */
  table: string
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
  /**
   * More of the same statement (db/statementPart), each given the new application as a query whose
   * `id` column is its id: e.g. the files the application takes into use, the information centre's
   * locks. Their results come back under the same names.
   */
  also?: Record<string, (application: RowSource) => StatementPart>
}

/**
 * Inserts the application unless the table's unique rules refuse it (ON CONFLICT DO NOTHING: then
 * no `written`, and the caller must roll back, which gives the number it drew back), with its
 * history and audit rows and the `also` parts (whose results come back either way); counted as
 * submitted once the caller's transaction commits.
 */
export async function insertSubmission(
  trx: Knex.Transaction,
  t: SubmissionTables,
  input: SubmissionInput,
  /** called once the caller's transaction commits (the submit is counted then) */
  committed: () => void,
): Promise<{ written?: { id: number; number: string }; also: Record<string, unknown> }> {
  const row = Object.fromEntries(
    Object.entries(input.row).map(([k, v]) => [
      k,
      v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v)
        ? JSON.stringify(v)
        : v,
    ]),
  )
  const n = input.numbering
  // (a column left undefined takes its default, as in a knex insert)
  const columns = Object.keys(row).filter((c) => row[c] !== undefined)
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
  const also = Object.entries(input.also ?? {}).map(([name, part]) => {
    if (!/^[a-z]+$/.test(name)) throw new Error(`insertSubmission: part name ${name}`)
    return { name, ...part({ sql: 'SELECT id FROM app', bindings: [] }) }
  })
  // A part with a guard comes before the application's insert (which it cannot read), the rest after.
  const before = also.filter((p) => p.guard)
  const after = also.filter((p) => !p.guard)
  const ctes = (parts: typeof also) => parts.map((p) => `${p.ctes},\n     `).join('')
  const { rows } = await prepared(
    trx.raw(
      `WITH seq AS (
       INSERT INTO application_number_counters AS c (business, authority_id, year, last_seq)
       VALUES (?, ?, ?, 1)
       ON CONFLICT (business, authority_id, year) DO UPDATE SET last_seq = c.last_seq + 1
       RETURNING last_seq
     ),
     ${ctes(before)}app AS (
       INSERT INTO ?? (${columns.map(() => '??').join(', ')}, number)
       SELECT ${columns.map(() => '?').join(', ')},
         ?::text || lpad((SELECT last_seq FROM seq)::text, ${Number(t.digits)}, '0')
       ${before.length ? `WHERE ${before.map((p) => p.guard).join(' AND ')}` : ''}
       ON CONFLICT DO NOTHING RETURNING id, number
     ),
     hist AS (
       INSERT INTO ?? (??, from_status, to_status, actor_kind, actor_id, reason, at)
       SELECT app.id, NULL, ?, ?, ?, NULL, ? FROM app
     ),
     audited AS (
       INSERT INTO audit_log (${auditColumns.map(() => '??').join(', ')}) SELECT ${auditValues.join(', ')} FROM app
     )${after.map((p) => `,\n     ${p.ctes}`).join('')}
     SELECT app.id, app.number${also.map((p) => `, ${p.result} AS ${p.name}`).join('')}
     FROM (SELECT 1) one LEFT JOIN app ON true`,
      [
        t.business,
        n.authorityId,
        n.year,
        ...before.flatMap((p) => p.bindings),
        t.table,
        ...columns,
        ...(columns.map((c) => row[c]) as Knex.Value[]),
        n.prefix,
        t.historyTable,
        t.historyKey,
        h.to_status,
        h.actor_kind,
        h.actor_id,
        h.at,
        ...auditColumns,
        ...auditBindings,
        ...after.flatMap((p) => p.bindings),
      ],
    ),
  )
  const r = rows[0]
  const results = Object.fromEntries(also.map((p) => [p.name, r[p.name]]))
  if (r.id === null) return { also: results }
  afterCommit(trx, committed)
  return { written: { id: Number(r.id), number: String(r.number) }, also: results }
}
