import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import type { DocType } from '../../domain/idNumber'
import { AGREEMENT_STANDING } from '../privacy/repository'

// The only place the auth area talks to knex: logins, login failures and locks, and the applicant's
// 完善个人信息.

export type Realm = 'applicant' | 'staff'

export async function hasLiveLock(db: Db, realm: Realm, loginKey: string, now: Date): Promise<boolean> {
  const row = await db('login_locks')
    .where({ realm, login_key: loginKey })
    .where('locked_until', '>', now)
    .first('locked_until')
  return !!row
}

/** Holds the key's failures still until the transaction ends, so parallel wrong guesses are counted one by one. */
export async function serialiseFailures(trx: Db, realm: Realm, loginKey: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`login:${realm}:${loginKey}`])
}

/** Adds a failure at `at`; returns how many the key has after `since`. */
export async function addFailure(
  trx: Db,
  realm: Realm,
  loginKey: string,
  at: Date,
  since: Date,
): Promise<number> {
  await trx('login_failures').insert({ realm, login_key: loginKey, at })
  const [{ count }] = await trx('login_failures')
    .where({ realm, login_key: loginKey })
    .where('at', '>', since)
    .count<{ count: string }[]>('* as count')
  return Number(count)
}

export async function lockUntil(trx: Db, realm: Realm, loginKey: string, until: Date): Promise<void> {
  await trx.raw(
    `INSERT INTO login_locks (realm, login_key, locked_until) VALUES (?, ?, ?)
     ON CONFLICT (realm, login_key) DO UPDATE SET locked_until = EXCLUDED.locked_until`,
    [realm, loginKey, until],
  )
}

export async function deleteFailures(db: Db, realm: Realm, loginKey: string): Promise<void> {
  await db('login_failures').where({ realm, login_key: loginKey }).del()
}

export async function deleteLock(db: Db, realm: Realm, loginKey: string): Promise<void> {
  await db('login_locks').where({ realm, login_key: loginKey }).del()
}

export interface ProfileApplicantRow {
  id: number
  doc_type: DocType
  doc_number: string
  name: string
  sex: string | null
  birth_date: string | Date | null
  profile_completed_at: Date | null
}

export function findProfileApplicant(db: Db, id: number): Promise<ProfileApplicantRow | undefined> {
  return db('applicants')
    .where({ id })
    .first<ProfileApplicantRow | undefined>(
      'id',
      'doc_type',
      'doc_number',
      'name',
      'sex',
      'birth_date',
      'profile_completed_at',
    )
}

export function ethnicities(db: Db): Promise<{ code: string; name: string }[]> {
  return db('ref_codes')
    .where({ kind: 'ethnicity' })
    .orderBy('sort')
    .select<{ code: string; name: string }[]>('code', 'name')
}

export async function isEthnicity(db: Db, code: string): Promise<boolean> {
  return !!(await db('ref_codes').where({ kind: 'ethnicity', code }).first('code'))
}

export interface CompletedProfile {
  ethnicity: string
  sex: string | null
  birth_date: string | Date | null
  local_id_number?: string
  pass_number?: string
}

/** Completes the profile once: false when it was already complete. */
export async function completeProfile(
  trx: Db,
  id: number,
  fields: CompletedProfile,
  now: Date,
): Promise<boolean> {
  const updated = await trx('applicants')
    .where({ id })
    .whereNull('profile_completed_at')
    .update({ ...fields, profile_completed_at: now, updated_at: now, version: trx.raw('version + 1') })
  return updated > 0
}

/** Forgets failures and any lock of a login name however it was capitalised when typed. */
export async function deleteFailuresAnyCase(trx: Db, realm: Realm, loginKey: string): Promise<void> {
  for (const table of ['login_failures', 'login_locks'])
    await trx(table).where({ realm }).whereRaw('lower(login_key) = lower(?)', [loginKey]).del()
}

export type LoginAccount = Record<string, unknown> & {
  id: number | null
  password_hash: string
  locked: boolean
  has_failures: boolean
  is_admin: boolean
}

/**
 * The account of a login name with its lock, in one round trip (every login pays for each query twice
 * over: the argon2 verify already fills the CPU). A row of nulls (id null) when no account has it.
 */
export function findLoginAccount(
  db: Db,
  q: { realm: Realm; table: string; keyColumn: string; loginKey: string; now: Date },
): Promise<LoginAccount | undefined> {
  return db
    .select(
      'a.*',
      db.raw(
        'EXISTS (SELECT 1 FROM login_locks WHERE realm = ? AND login_key = ? AND locked_until > ?) AS locked',
        [q.realm, q.loginKey, q.now],
      ),
      db.raw('EXISTS (SELECT 1 FROM login_failures WHERE realm = ? AND login_key = ?) AS has_failures', [
        q.realm,
        q.loginKey,
      ]),
      db.raw(
        q.realm === 'staff'
          ? `EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = a.id AND r.role = 'admin') AS is_admin`
          : 'false AS is_admin',
      ),
    )
    .from(db.raw('(SELECT 1) AS one'))
    .leftJoin(`${q.table} as a`, `a.${q.keyColumn}`, db.raw('?', [q.loginKey]))
    .first<LoginAccount>()
}

/**
 * A successful login in one statement: login times, a rehashed password, cleared failures, the audit
 * row — and, for an applicant, their standing on the 用户账号注册协议 (null for staff), which the login
 * needs next.
 */
export async function signIn(
  db: Db,
  q: {
    realm: Realm
    table: string
    id: number
    loginKey: string
    now: Date
    newHash: string | null
    clearFailures: boolean
    audit: Record<string, unknown>
  },
): Promise<{ current: number; agreed: number } | null> {
  const columns = Object.keys(q.audit)
  const applicant = q.realm === 'applicant'
  const audit = `INSERT INTO audit_log (${columns.map(() => '??').join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`
  // Data-modifying CTEs all run, atomically, in the one statement (referenced or not).
  const { rows } = await db.raw(
    `WITH signed_in AS (
       UPDATE ?? SET previous_login_at = last_login_at, last_login_at = ?,
         password_hash = COALESCE(?, password_hash)
       WHERE id = ?
     )${
       q.clearFailures
         ? `, cleared_failures AS (DELETE FROM login_failures WHERE realm = ? AND login_key = ?),
     cleared_lock AS (DELETE FROM login_locks WHERE realm = ? AND login_key = ?)`
         : ''
     }
     ${applicant ? `, logged AS (${audit}) SELECT ${AGREEMENT_STANDING}` : audit}`,
    [
      q.table,
      q.now,
      q.newHash,
      q.id,
      ...(q.clearFailures ? [q.realm, q.loginKey, q.realm, q.loginKey] : []),
      ...columns,
      ...(Object.values(q.audit) as Knex.Value[]),
      ...(applicant ? [q.id] : []),
    ],
  )
  return applicant ? { current: Number(rows[0].current), agreed: Number(rows[0].agreed) } : null
}
