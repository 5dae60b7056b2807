import type { Db } from '../../db/knex'
import { prepared } from '../../db/prepared'
import type { RowSource, StatementPart } from '../../db/statementPart'

// The information centre's tables (migrations/20261126000300_info_centre.ts) and the registries it
// reads (migrations/20261126000100_registries.ts). Every applicant-facing query is scoped by
// applicant_id, so an id from another account finds nothing.

export type ItemKind = 'mandarin' | 'education' | 'degree'
export type ItemStatus = 'verified' | 'pending' | 'rejected'
export type LockableKind = ItemKind | 'student_status' | 'certificate'

export interface InfoItemRow {
  id: number
  applicant_id: number
  kind: ItemKind
  source: 'registry' | 'manual'
  category: string | null
  cert_number: string
  details: Record<string, string>
  scan_file_id: string | null
  status: ItemStatus
  reason: string | null
  decided_by: number | null
  decided_at: Date | null
  created_at: Date
  updated_at: Date
  version: number
}

export interface Person {
  id: number
  name: string
  doc_number: string
}

const dateOf = (d: unknown): string =>
  d instanceof Date
    ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    : String(d ?? '')

// ---------------------------------------------------------------------------------------------
// Registries (read only)

export async function examPassesOf(db: Db, who: Person) {
  return db('registry_exam_passes')
    .where({ doc_number: who.doc_number.toUpperCase(), name: who.name })
    .orderBy('valid_until', 'desc')
    .select('cert_number', 'qualification_type', 'subject', 'valid_until')
}

export async function registryMandarin(db: Db, certNumber: string) {
  const row = await db('registry_mandarin').where({ cert_number: certNumber }).first()
  return row && { ...row, score: String(row.score), issued_on: dateOf(row.issued_on) }
}

export async function registryEducation(db: Db, certNumber: string) {
  const row = await db('registry_education').where({ cert_number: certNumber }).first()
  return row && { ...row, graduated_on: dateOf(row.graduated_on) }
}

export async function registryStudentStatus(db: Db, docNumber: string) {
  return db('registry_student_status').where({ doc_number: docNumber.toUpperCase() }).orderBy('school')
}

/** The registry's certificates for this ID number, with their registration history, oldest first. */
export async function registryCertificates(db: Db, docNumber: string) {
  const certs = await db('registry_certificates')
    .where({ doc_number: docNumber.toUpperCase() })
    .orderBy('issued_on')
  const history = certs.length
    ? await db('registry_certificate_registrations')
        .whereIn(
          'cert_number',
          certs.map((c) => c.cert_number),
        )
        .orderBy('registered_on')
    : []
  return certs.map((c) => ({
    ...c,
    issued_on: dateOf(c.issued_on),
    history: history
      .filter((h) => h.cert_number === c.cert_number)
      .map((h) => ({ registeredOn: dateOf(h.registered_on), result: h.result, authority: h.authority })),
  }))
}

// ---------------------------------------------------------------------------------------------
// Items (普通话, 学历, 学位)

export async function itemsOf(db: Db, applicantId: number, kind: ItemKind): Promise<InfoItemRow[]> {
  return db('info_items').where({ applicant_id: applicantId, kind }).orderBy('created_at').orderBy('id')
}

export async function findItem(
  db: Db,
  applicantId: number,
  kind: ItemKind,
  id: number,
): Promise<InfoItemRow | undefined> {
  return db('info_items').where({ id, applicant_id: applicantId, kind }).first()
}

export async function countItems(db: Db, applicantId: number): Promise<Record<string, number>> {
  const rows = await db('info_items')
    .where({ applicant_id: applicantId })
    .groupBy('kind')
    .select('kind')
    .count<{ kind: string; count: string }[]>('* as count')
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.count)]))
}

export async function insertItem(
  trx: Db,
  row: Omit<InfoItemRow, 'id' | 'reason' | 'decided_by' | 'decided_at' | 'version' | 'updated_at'>,
): Promise<number | undefined> {
  const [inserted] = await trx('info_items')
    .insert({ ...row, details: JSON.stringify(row.details), updated_at: row.created_at })
    .onConflict(['applicant_id', 'kind', 'cert_number'])
    .ignore()
    .returning('id')
  return inserted?.id
}

/** An applicant's edit: back to 待核验 for staff to look at again. */
export async function updateItem(
  trx: Db,
  applicantId: number,
  id: number,
  change: {
    cert_number: string
    category?: string | null
    details: Record<string, string>
    scan_file_id: string | null
  },
  now: Date,
): Promise<boolean> {
  const n = await trx('info_items')
    .where({ id, applicant_id: applicantId, source: 'manual' })
    .update({
      ...change,
      details: JSON.stringify(change.details),
      status: 'pending',
      reason: null,
      decided_by: null,
      decided_at: null,
      updated_at: now,
      version: trx.raw('version + 1'),
    })
  return n === 1
}

export async function deleteItem(trx: Db, applicantId: number, kind: ItemKind, id: number): Promise<boolean> {
  return (await trx('info_items').where({ id, applicant_id: applicantId, kind }).del()) === 1
}

export async function certNumberTaken(
  db: Db,
  applicantId: number,
  kind: ItemKind,
  certNumber: string,
  exceptId?: number,
): Promise<boolean> {
  const q = db('info_items').where({ applicant_id: applicantId, kind, cert_number: certNumber })
  if (exceptId) q.whereNot({ id: exceptId })
  return !!(await q.first('id'))
}

// ---------------------------------------------------------------------------------------------
// Locks

export async function isLocked(db: Db, kind: LockableKind, id: number): Promise<boolean> {
  return !!(await db('info_item_uses').where({ item_kind: kind, item_id: id }).first('item_id'))
}

export async function lockedIds(db: Db, applicantId: number): Promise<Set<string>> {
  const rows = await db('info_item_uses').where({ applicant_id: applicantId }).select('item_kind', 'item_id')
  return new Set(rows.map((r) => `${r.item_kind}:${r.item_id}`))
}

/**
 * Records that an application used these items, as a part of a statement (db/statementPart):
 * `info_owned` is the wanted items that are the applicant's (the lock hook refuses anything else),
 * and each of them is recorded (info_item_uses; again is no change) as used by the application whose id `application` gives (an
 * SQL query with an `id` column: a binding, or the new application inside the submit's own
 * statement, applications/repository insertSubmission). Its result is how many of the items were
 * the applicant's: fewer than wanted means an item is someone else's.
 */
export function itemUsesPart(
  applicantId: number,
  items: { kind: LockableKind; id: number }[],
  applicationKind: string,
  application: RowSource,
): StatementPart {
  // One shape whatever the kinds (the items as two arrays), so the statement can be a named one.
  return {
    ctes: `info_owned AS (
       SELECT w.kind, w.id FROM unnest(?::text[], ?::bigint[]) AS w(kind, id)
       WHERE EXISTS (SELECT 1 FROM info_items t
                     WHERE w.kind IN ('mandarin', 'education', 'degree') AND t.kind = w.kind
                       AND t.id = w.id AND t.applicant_id = ?)
          OR EXISTS (SELECT 1 FROM info_student_status t
                     WHERE w.kind = 'student_status' AND t.id = w.id AND t.applicant_id = ?)
          OR EXISTS (SELECT 1 FROM info_certificates t
                     WHERE w.kind = 'certificate' AND t.id = w.id AND t.applicant_id = ?)
     ),
     info_uses AS (
       INSERT INTO info_item_uses (item_kind, item_id, applicant_id, application_kind, application_id, locked_at)
       SELECT o.kind, o.id, ?, ?, application.id, now() FROM info_owned o, (${application.sql}) application
       ON CONFLICT (item_kind, item_id, application_kind, application_id) DO NOTHING
     )`,
    bindings: [
      items.map((i) => i.kind),
      items.map((i) => i.id),
      applicantId,
      applicantId,
      applicantId,
      applicantId,
      applicationKind,
      ...application.bindings,
    ],
    result: '(SELECT count(*) FROM info_owned)::int',
  }
}

/** itemUsesPart as a statement of its own: how many of the items were the applicant's. */
export async function insertItemUses(
  trx: Db,
  applicantId: number,
  items: { kind: LockableKind; id: number }[],
  application: { kind: string; id: number },
): Promise<number> {
  const part = itemUsesPart(applicantId, items, application.kind, {
    sql: 'SELECT ?::bigint AS id',
    bindings: [application.id],
  })
  const { rows } = await prepared(trx.raw(`WITH ${part.ctes} SELECT ${part.result} AS n`, part.bindings))
  return rows[0].n as number
}

export async function deleteUses(trx: Db, application: { kind: string; id: number }): Promise<number> {
  return trx('info_item_uses')
    .where({ application_kind: application.kind, application_id: application.id })
    .del()
}

// ---------------------------------------------------------------------------------------------
// Synced copies (学籍, 教师资格证书)

/**
 * Whether the certificate registry holds, for this number, a certificate or an earlier registration
 * imported after `since` (an import or an approval that the applicant's copy has not seen yet).
 */
export async function registryCertificatesChangedSince(
  db: Db,
  docNumber: string,
  since: Date,
): Promise<boolean> {
  const row = await db('registry_certificates as c')
    .where('c.doc_number', docNumber.toUpperCase())
    .where((q) =>
      q
        .where('c.imported_at', '>', since)
        .orWhereExists(
          db('registry_certificate_registrations as r')
            .whereRaw('r.cert_number = c.cert_number')
            .where('r.imported_at', '>', since),
        ),
    )
    .first(db.raw('1 as hit'))
  return !!row
}

export async function lastSync(db: Db, applicantId: number, what: 'certificates' | 'student_status') {
  const row = await db('info_syncs').where({ applicant_id: applicantId, what }).first('synced_at')
  return row?.synced_at as Date | undefined
}

export async function markSynced(
  trx: Db,
  applicantId: number,
  what: 'certificates' | 'student_status',
  at: Date,
) {
  await trx('info_syncs')
    .insert({ applicant_id: applicantId, what, synced_at: at })
    .onConflict(['applicant_id', 'what'])
    .merge()
}

export async function certificatesOf(db: Db, applicantId: number) {
  const rows = await db('info_certificates').where({ applicant_id: applicantId }).orderBy('issued_on')
  return rows.map((r) => ({ ...r, issued_on: dateOf(r.issued_on) }))
}

export async function studentStatusOf(db: Db, applicantId: number) {
  const rows = await db('info_student_status').where({ applicant_id: applicantId }).orderBy('school')
  return rows.map((r) => ({ ...r, expected_graduation: dateOf(r.expected_graduation) }))
}

/**
 * Replaces the applicant's copies with `rows`, keyed by `key`: rows still in the registry are
 * updated in place (ids, and so locks, survive); rows gone from it are removed unless locked.
 */
export async function replaceSynced<T extends Record<string, unknown>>(
  trx: Db,
  table: 'info_certificates' | 'info_student_status',
  lockKind: LockableKind,
  applicantId: number,
  key: string,
  rows: T[],
): Promise<void> {
  const keep = rows.map((r) => String(r[key]))
  const gone = trx(table).where({ applicant_id: applicantId })
  if (keep.length) gone.whereNotIn(key, keep)
  await gone
    .whereNotExists(
      trx('info_item_uses')
        .where({ item_kind: lockKind })
        .whereRaw('info_item_uses.item_id = ??', [`${table}.id`]),
    )
    .del()
  if (rows.length)
    await trx(table)
      .insert(rows.map((r) => ({ ...r, applicant_id: applicantId })))
      .onConflict(['applicant_id', key])
      .merge()
}

/** code → name for the ref_codes of one kind (qualification_type, subject_code), for display. */
export async function refNames(db: Db, kind: string): Promise<Map<string, string>> {
  const rows: { code: string; name: string }[] = await db('ref_codes').where({ kind }).select('code', 'name')
  return new Map(rows.map((r) => [r.code, r.name]))
}

/** Locks an item's row until the transaction ends (a concurrent submit's lockInfoItems waits, or wins). */
export async function lockItemRow(trx: Db, id: number): Promise<void> {
  await trx('info_items').where({ id }).forUpdate().first('id')
}

/** The issuer an applicant's 普通话 certificate item names, or '' when there is none. */
export async function mandarinIssuer(db: Db, applicantId: number, certNumber: string): Promise<string> {
  const row = await db('info_items')
    .where({ applicant_id: applicantId, kind: 'mandarin', cert_number: certNumber })
    .first('details')
  return row?.details?.issuer ?? ''
}
