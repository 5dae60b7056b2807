import type { Db } from '../../db/knex'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { clearFailures, isLocked, recordFailure } from '../auth/lockout'
import { getSettings } from '../staff/settings'
import * as repo from './repository'

// Staff account security: password rotation (an instance setting: a password older than N days must
// be changed at the next login, and none of the last K may come back), the administrators' second
// factor (TOTP: enrol with a QR code, then a code after the password at every login; another
// administrator may reset it), and signing a staff member out of every session at once.

/** Whether the staff member's password is older than the instance allows (系统设置). */
export async function passwordExpired(services: Services, staffId: number): Promise<boolean> {
  const [row, settings] = await Promise.all([
    repo.findCredentials(services.db, staffId),
    getSettings(services.db),
  ])
  if (!row || settings.staffPasswordMaxAgeDays <= 0) return false
  const expiresAt = row.password_set_at.getTime() + settings.staffPasswordMaxAgeDays * 24 * 3600_000
  return services.clock.now().getTime() >= expiresAt
}

export interface Enrolment {
  /** the secret in Base32, for typing into an app that cannot scan */
  secret: string
  uri: string
}

/**
 * The secret an administrator enrols with: the one already waiting (a reloaded page shows the same
 * QR code the phone may have scanned), else a new one, stored encrypted until a code confirms it.
 */
export async function enrolment(services: Services, staffId: number): Promise<Enrolment | undefined> {
  const row = await repo.findCredentials(services.db, staffId)
  if (!row || row.totp_enrolled_at) return undefined
  let secret = row.totp_secret ? services.totp.decrypt(row.totp_secret) : undefined
  if (!secret) {
    secret = services.totp.newSecret()
    await repo.savePendingSecret(services.db, staffId, services.totp.encrypt(secret))
  }
  return { secret, uri: services.totp.uri(row.username, secret) }
}

export type CodeOutcome = { ok: true } | { ok: false; reason: 'wrong' | 'locked' }

/** Failures of the code count against the account apart from its password's, so a right password never clears them. */
const codeKey = (username: string) => `${username}#totp`

/**
 * Checks the administrator's code (enrolling: the first code confirms the secret). A code's time
 * step is taken once: the same code again, even within its 30 seconds, is refused. Five wrong codes
 * lock the second step for the lockout period; every outcome is audited.
 */
export async function checkSecondFactor(
  services: Services,
  staffId: number,
  code: string,
  actor: Omit<Actor, 'kind' | 'id'>,
): Promise<CodeOutcome> {
  const { db, clock, audit } = services
  const row = await repo.findCredentials(db, staffId)
  if (!row?.totp_secret) return { ok: false, reason: 'wrong' }
  const who: Actor = { ...actor, kind: 'staff', id: row.id, label: row.username }
  const target = { targetType: 'staff', targetId: row.id }
  const enrolling = !row.totp_enrolled_at
  if (await isLocked(db, clock, 'staff', codeKey(row.username))) {
    await audit.record(db, who, {
      action: 'staff.second_factor_failed',
      ...target,
      detail: { reason: 'locked' },
    })
    return { ok: false, reason: 'locked' }
  }
  const step = await services.totp.check(services.totp.decrypt(row.totp_secret), code.trim())
  if (step !== null && (await repo.takeTimeStep(db, row.id, step, clock.now()))) {
    await db.transaction(async (trx) => {
      if (enrolling) await audit.record(trx, who, { action: 'staff.second_factor_enrol', ...target })
      await audit.record(trx, who, { action: 'staff.login', ...target, detail: { secondFactor: 'totp' } })
    })
    return { ok: true }
  }
  const locked = await db.transaction(async (trx) => {
    const now = await recordFailure(trx, clock, services.metrics, 'staff', codeKey(row.username))
    await audit.record(trx, who, {
      action: 'staff.second_factor_failed',
      ...target,
      detail: { reason: step === null ? 'wrong_code' : 'reused_code', ...(now ? { lockedNow: true } : {}) },
    })
    return now
  })
  return { ok: false, reason: locked ? 'locked' : 'wrong' }
}

/**
 * Another administrator (or the reset-totp command on the server) clears a colleague's second factor
 * (a lost phone); they enrol again at their next login.
 */
export async function resetSecondFactor(
  services: Pick<Services, 'db' | 'audit'>,
  actor: Actor,
  staffId: number,
): Promise<boolean> {
  if (actor.id === staffId) return false
  return services.db.transaction(async (trx) => {
    const username = await repo.clearSecondFactor(trx, staffId)
    if (!username) return false
    await clearFailures(trx, 'staff', codeKey(username))
    const ended = await repo.deleteStaffSessions(trx, staffId)
    await services.audit.record(trx, actor, {
      action: 'staff.reset_second_factor',
      targetType: 'staff',
      targetId: staffId,
      detail: { sessionsEnded: ended },
    })
    return true
  })
}

export type PasswordChangeOutcome =
  { ok: true } | { ok: false; field: 'currentPassword' | 'password'; reason: 'wrong_current' | 'reused' }

/**
 * The staff member sets a new password: the current one must be right and the new one none of the
 * last K (系统设置). The old hash joins the history, the password counts from now, and every other
 * session of the account ends.
 */
export async function changeOwnPassword(
  services: Services,
  actor: Actor & { id: number },
  input: { current: string; password: string; sessionId: string; expired: boolean },
): Promise<PasswordChangeOutcome> {
  const { db, passwords, clock, audit } = services
  const row = await repo.findCredentials(db, actor.id)
  if (!row || !(await passwords.verify(row.password_hash, input.current)).ok)
    return { ok: false, field: 'currentPassword', reason: 'wrong_current' }
  const { staffPasswordHistory } = await getSettings(db)
  const earlier = [
    row.password_hash,
    ...(await repo.previousPasswordHashes(db, row.id, staffPasswordHistory - 1)),
  ]
  for (const hash of earlier)
    if ((await passwords.verify(hash, input.password)).ok)
      return { ok: false, field: 'password', reason: 'reused' }
  const hash = await passwords.hash(input.password)
  await db.transaction(async (trx) => {
    await repo.replacePassword(trx, row.id, hash, clock.now(), staffPasswordHistory - 1)
    const ended = await repo.deleteStaffSessions(trx, row.id, input.sessionId)
    await audit.record(trx, actor, {
      action: 'staff.change_password',
      targetType: 'staff',
      targetId: row.id,
      detail: { ...(input.expired ? { reason: 'expired' } : {}), sessionsEnded: ended },
    })
  })
  return { ok: true }
}

/**
 * Ends every session of a staff member (deactivated, or their password reset by an administrator),
 * inside the caller's transaction so the change and the sign-out commit together.
 */
export const endStaffSessions = (trx: Db, staffId: number): Promise<number> =>
  repo.deleteStaffSessions(trx, staffId)

/** Keeps the history when an administrator sets a staff member's password (it counts as a change). */
export async function replaceStaffPassword(
  trx: Db,
  staffId: number,
  hash: string,
  now: Date,
): Promise<string | undefined> {
  const { staffPasswordHistory } = await getSettings(trx)
  return repo.replacePassword(trx, staffId, hash, now, staffPasswordHistory - 1)
}
