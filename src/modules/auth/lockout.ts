import type { Db } from '../../db/knex'
import { afterCommit } from '../../db/afterCommit'
import type { Clock } from '../../services/clock'
import type { Metrics } from '../../services/metrics'
import * as repo from './repository'
import type { Realm } from './repository'

export type { Realm }

export const LOCKOUT = { failures: 5, windowMinutes: 15, lockMinutes: 30 } as const

// Keyed by the login name as typed (after normalising), so an unknown account is counted and locked
// exactly like a real one and the answer never tells whether an account exists.
export async function isLocked(db: Db, clock: Clock, realm: Realm, loginKey: string): Promise<boolean> {
  return repo.hasLiveLock(db, realm, loginKey, clock.now())
}

/**
 * Records a failure; the fifth inside the window locks the key (counted once committed). Returns true
 * when now locked. Takes the caller's transaction (or the pool) so the failure and its audit entry
 * commit together.
 */
export async function recordFailure(
  db: Db,
  clock: Clock,
  metrics: Pick<Metrics, 'lockout'>,
  realm: Realm,
  loginKey: string,
): Promise<boolean> {
  const now = clock.now()
  return db.transaction(async (trx) => {
    // Serialise failures of one key so parallel wrong guesses cannot all slip under the count.
    await repo.serialiseFailures(trx, realm, loginKey)
    const since = new Date(now.getTime() - LOCKOUT.windowMinutes * 60_000)
    if ((await repo.addFailure(trx, realm, loginKey, now, since)) < LOCKOUT.failures) return false
    await repo.lockUntil(trx, realm, loginKey, new Date(now.getTime() + LOCKOUT.lockMinutes * 60_000))
    // A lock starts a fresh count: after it ends the next five failures lock again.
    await repo.deleteFailures(trx, realm, loginKey)
    afterCommit(trx, () => metrics.lockout(realm))
    return true
  })
}

/** Forgets failures and any lock of a key: after a successful login, or when the password is reset. */
export async function clearFailures(db: Db, realm: Realm, loginKey: string): Promise<void> {
  await repo.deleteFailures(db, realm, loginKey)
  await repo.deleteLock(db, realm, loginKey)
}

/** clearFailures for a name whose typed capitalisation is unknown (an administrator's password reset). */
export async function clearFailuresAnyCase(db: Db, realm: Realm, loginKey: string): Promise<void> {
  await repo.deleteFailuresAnyCase(db, realm, loginKey)
}
