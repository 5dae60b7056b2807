import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import type { AuditRow } from '../../services/auditRepository'

// The agreement's versions and consents, the audit entries an applicant may read about themselves
// (online and archived), everything the instance holds about one applicant, and the retention purges
// (migrations/20261207001900_personal_information.ts).

export interface AgreementVersionRow {
  version: number
  body: string | null
  published_at: Date
  published_by: number | null
  published_by_name?: string | null
}

export async function latestAgreementVersion(db: Db): Promise<AgreementVersionRow> {
  return db('agreement_versions').orderBy('version', 'desc').first()
}

export async function agreementVersions(db: Db): Promise<AgreementVersionRow[]> {
  return db('agreement_versions as v')
    .leftJoin('staff_users as s', 's.id', 'v.published_by')
    .orderBy('v.version', 'desc')
    .select('v.version', 'v.published_at', 'v.published_by', 's.name as published_by_name')
}

/** Until the caller's transaction ends, nobody else publishes (two edits at once get two numbers). */
export async function lockAgreementVersions(trx: Db): Promise<void> {
  await trx.raw('LOCK TABLE agreement_versions IN SHARE ROW EXCLUSIVE MODE')
}

/** The next version, numbered after the latest (under lockAgreementVersions). */
export async function insertAgreementVersion(
  trx: Db,
  row: { body: string; published_at: Date; published_by: number },
): Promise<number> {
  const latest = await trx('agreement_versions').max('version as v').first()
  const version = Number(latest?.v ?? 0) + 1
  await trx('agreement_versions').insert({ version, ...row })
  return version
}

/**
 * The current version and the latest the applicant agreed to, in one round trip (every login asks);
 * an account without a consent row agreed to version 1.
 */
/**
 * The version in force and the latest one the applicant agreed to (those who registered before any
 * change count as agreeing to version 1), as select-list columns `current` and `agreed`; one
 * placeholder, the applicant's id. Also read by the login statement (auth/repository.ts signIn).
 */
export const AGREEMENT_STANDING = `(SELECT max(version) FROM agreement_versions) AS current,
       COALESCE((SELECT max(version) FROM agreement_consents WHERE applicant_id = ?), 1) AS agreed`

export async function agreementStanding(
  db: Db,
  applicantId: number,
): Promise<{ current: number; agreed: number }> {
  const { rows } = await db.raw(`SELECT ${AGREEMENT_STANDING}`, [applicantId])
  return { current: Number(rows[0].current), agreed: Number(rows[0].agreed) }
}

export async function insertConsent(
  trx: Db,
  row: { applicant_id: number; version: number; at: Date; ip: string | null },
): Promise<void> {
  await trx('agreement_consents').insert(row)
}

// ---- the audit log about one applicant ----------------------------------------------------------

export type AuditAboutRow = Omit<AuditRow, 'id'>

const AUDIT_COLUMNS = 'at, actor_kind, actor_id, actor_label, action, target_type, target_id, detail, ip'

/** Entries from the log and its archive matching `where` (SQL with ? placeholders), newest first. */
async function auditEntries(db: Db, where: string, bindings: Knex.Value[], limit: number) {
  const { rows } = await db.raw(
    `SELECT ${AUDIT_COLUMNS} FROM (
       SELECT ${AUDIT_COLUMNS}, id FROM audit_log WHERE ${where}
       UNION ALL
       SELECT ${AUDIT_COLUMNS}, id FROM audit_log_archive WHERE ${where}
     ) e ORDER BY at DESC, id DESC LIMIT ?`,
    [...bindings, ...bindings, limit],
  )
  return rows as AuditAboutRow[]
}

export const RECORD_VIEWED = 'applicant.record_viewed'

/** Staff views of the applicant's record. */
export async function recordViewsOf(db: Db, applicantId: number, limit: number): Promise<AuditAboutRow[]> {
  return auditEntries(
    db,
    `action = ? AND target_type = 'applicant' AND target_id = ?`,
    [RECORD_VIEWED, String(applicantId)],
    limit,
  )
}

/** What the applicant did (logins included) and the logins tried on their account. */
export async function activityOf(db: Db, applicantId: number, limit: number): Promise<AuditAboutRow[]> {
  return auditEntries(
    db,
    `(actor_kind = 'applicant' AND actor_id = ?)
     OR (action = 'applicant.login_failed' AND target_type = 'applicant' AND target_id = ?)`,
    [applicantId, String(applicantId)],
    limit,
  )
}

export async function scopeNames(
  db: Db,
  ids: { authorities: number[]; points: number[] },
): Promise<{ authorities: Map<number, string>; points: Map<number, string> }> {
  const [authorities, points] = await Promise.all([
    ids.authorities.length ? db('authorities').whereIn('id', ids.authorities).select('id', 'name') : [],
    ids.points.length ? db('confirmation_points').whereIn('id', ids.points).select('id', 'name') : [],
  ])
  const map = (rows: { id: number; name: string }[]) => new Map(rows.map((r) => [Number(r.id), r.name]))
  return { authorities: map(authorities), points: map(points) }
}

// ---- everything about one applicant ---------------------------------------------------------------

/** Tables keyed by applicant_id whose rows are the applicant's own data, with what to leave out. */
const OWN_TABLES = {
  identityChecks: 'identity_checks',
  identityReviews: 'identity_reviews',
  infoItems: 'info_items',
  studentStatus: 'info_student_status',
  certificates: 'info_certificates',
  addedCertificates: 'applicant_added_certificates',
  infoSyncs: 'info_syncs',
  itemUses: 'info_item_uses',
  wizardDrafts: 'wizard_progress',
  consents: 'agreement_consents',
} as const

export type OwnTable = keyof typeof OWN_TABLES

export async function applicantAccount(db: Db, id: number): Promise<Record<string, unknown> | undefined> {
  const row = await db('applicants').where({ id }).first()
  if (!row) return undefined
  // A hash of the password is no information about the person, and a lead for anyone holding the file.
  delete row.password_hash
  return row
}

export async function ownRows(db: Db, applicantId: number): Promise<Record<OwnTable, unknown[]>> {
  const out = {} as Record<OwnTable, unknown[]>
  for (const [key, table] of Object.entries(OWN_TABLES) as [OwnTable, string][])
    out[key] = await db(table).where({ applicant_id: applicantId }).select()
  return out
}

/** One business's applications, each with its status history and its messages (staff names given). */
export async function applicationsWithHistory(
  db: Db,
  applicantId: number,
  tables: { applications: string; history: string; messages: string; key: string },
): Promise<Record<string, unknown>[]> {
  const apps = await db(tables.applications).where({ applicant_id: applicantId }).orderBy('submitted_at')
  if (!apps.length) return []
  const ids = apps.map((a: { id: number }) => a.id)
  const [history, messages] = await Promise.all([
    db(tables.history).whereIn(tables.key, ids).orderBy(['at', 'id']),
    db(`${tables.messages} as m`)
      .leftJoin('staff_users as s', 's.id', 'm.staff_id')
      .whereIn(`m.${tables.key}`, ids)
      .orderBy(['m.created_at', 'm.id'])
      .select('m.*', 's.name as staff_name'),
  ])
  return apps.map((a: { id: number }) => ({
    ...a,
    statusHistory: history.filter((h: Record<string, unknown>) => Number(h[tables.key]) === Number(a.id)),
    messages: messages.filter((m: Record<string, unknown>) => Number(m[tables.key]) === Number(a.id)),
  }))
}

export interface OwnFile {
  id: string
  kind: string
  mime: string
  filename: string
  size: number
  sha256: string
  draft: boolean
  created_at: Date
  content: Buffer
}

export async function ownFiles(db: Db, applicantId: number): Promise<OwnFile[]> {
  return db('files')
    .where({ owner_kind: 'applicant', owner_id: applicantId })
    .orderBy('created_at')
    .select('id', 'kind', 'mime', 'filename', 'size', 'sha256', 'draft', 'created_at', 'content')
}

// ---- retention ----------------------------------------------------------------------------------

/** Wizard drafts (and the tombstones of finished runs) untouched since `before`, and unadopted uploads. */
export async function deleteStaleDrafts(
  trx: Db,
  before: Date,
): Promise<{ wizardDrafts: number; uploads: number }> {
  const wizardDrafts = await trx('wizard_progress').where('updated_at', '<', before).delete()
  const uploads = await trx('files').where('draft', true).andWhere('created_at', '<', before).delete()
  return { wizardDrafts, uploads }
}

/**
 * Accounts nobody signed in to since `before` (registered before it and never signed in, or signed in
 * last before it) that never submitted an application of either business: the account and everything
 * hanging off it (cascading foreign keys), then the files it owned. Applications are the bureau's
 * records and keep their account.
 */
export async function deleteAbandonedAccounts(trx: Db, before: Date): Promise<number[]> {
  const { rows } = await trx.raw(
    `DELETE FROM applicants a
     WHERE COALESCE(a.last_login_at, a.created_at) < ?
       AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.applicant_id = a.id)
       AND NOT EXISTS (SELECT 1 FROM certification_applications c WHERE c.applicant_id = a.id)
     RETURNING a.id`,
    [before],
  )
  const ids = rows.map((r: { id: string }) => Number(r.id))
  if (ids.length) await trx('files').where({ owner_kind: 'applicant' }).whereIn('owner_id', ids).delete()
  return ids
}

export async function readSetting(db: Db, key: string): Promise<unknown> {
  return (await db('settings').where({ key }).first('value'))?.value
}

export async function writeSetting(trx: Db, key: string, value: unknown, at: Date): Promise<void> {
  await trx.raw(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?::jsonb, ?)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, JSON.stringify(value), at],
  )
}
