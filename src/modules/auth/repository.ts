import type { Db } from '../../db/knex'
import type { DocType } from '../../domain/idNumber'

// The only place the auth area talks to knex: login failures and locks, and the applicant's 完善个人信息.

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
