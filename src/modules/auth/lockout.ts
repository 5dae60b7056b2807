import type { Db } from '../../db/knex'
import type { Clock } from '../../services/clock'

export type Realm = 'applicant' | 'staff'

export const LOCKOUT = { failures: 5, windowMinutes: 15, lockMinutes: 30 } as const

// Keyed by the login name as typed (after normalising), so an unknown account is counted and locked
// exactly like a real one and the answer never tells whether an account exists.
export async function isLocked(db: Db, clock: Clock, realm: Realm, loginKey: string): Promise<boolean> {
  const row = await db('login_locks')
    .where({ realm, login_key: loginKey })
    .where('locked_until', '>', clock.now())
    .first('locked_until')
  return !!row
}

/**
 * Records a failure; the fifth inside the window locks the key. Returns true when now locked.
 * Takes the caller's transaction (or the pool) so the failure and its audit entry commit together.
 */
export async function recordFailure(db: Db, clock: Clock, realm: Realm, loginKey: string): Promise<boolean> {
  const now = clock.now()
  return db.transaction(async (trx) => {
    // Serialise failures of one key so parallel wrong guesses cannot all slip under the count.
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`login:${realm}:${loginKey}`])
    await trx('login_failures').insert({ realm, login_key: loginKey, at: now })
    const since = new Date(now.getTime() - LOCKOUT.windowMinutes * 60_000)
    const [{ count }] = await trx('login_failures')
      .where({ realm, login_key: loginKey })
      .where('at', '>', since)
      .count<{ count: string }[]>('* as count')
    if (Number(count) < LOCKOUT.failures) return false
    const until = new Date(now.getTime() + LOCKOUT.lockMinutes * 60_000)
    await trx.raw(
      `INSERT INTO login_locks (realm, login_key, locked_until) VALUES (?, ?, ?)
       ON CONFLICT (realm, login_key) DO UPDATE SET locked_until = EXCLUDED.locked_until`,
      [realm, loginKey, until],
    )
    // A lock starts a fresh count: after it ends the next five failures lock again.
    await trx('login_failures').where({ realm, login_key: loginKey }).del()
    return true
  })
}

/** Forgets failures and any lock of a key: after a successful login, or when the password is reset. */
export async function clearFailures(db: Db, realm: Realm, loginKey: string): Promise<void> {
  await db('login_failures').where({ realm, login_key: loginKey }).del()
  await db('login_locks').where({ realm, login_key: loginKey }).del()
}
