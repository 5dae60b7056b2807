import type { Services } from '../../services'
import { maskDocNumber } from '../../domain/idNumber'
import { recordFailure, type Realm } from './lockout'
import * as repo from './repository'
import { dueVersion } from '../privacy/agreement'

export interface LoginRequest {
  /** The login name as typed, already normalised: the document number or the staff username. */
  loginKey: string
  password: string
  ip: string
  userAgent: string | undefined
}

export type LoginOutcome =
  | {
      ok: true
      userId: number
      profileCompleted: boolean
      /** the 用户账号注册协议 version an applicant must agree to before going on (null: none; staff) */
      agreementDue: number | null
      /** an administrator's second step before the session starts (ADMIN_TOTP): enrol or give a code */
      secondFactor: 'enrol' | 'verify' | null
    }
  | { ok: false; reason: 'locked' | 'bad_credentials' }

interface RealmSpec {
  realm: Realm
  table: 'applicants' | 'staff_users'
  keyColumn: 'doc_number' | 'username'
  /** How the login name appears in the audit log (document numbers masked). */
  label(loginKey: string): string
  /** Rows that may sign in even with the right password (inactive staff may not). */
  usable(row: Record<string, unknown>): boolean
}

const REALMS: Record<Realm, RealmSpec> = {
  applicant: {
    realm: 'applicant',
    table: 'applicants',
    keyColumn: 'doc_number',
    label: (key) => maskDocNumber(key),
    usable: () => true,
  },
  staff: {
    realm: 'staff',
    table: 'staff_users',
    keyColumn: 'username',
    label: (key) => key,
    usable: (row) => row.active === true,
  },
}

/**
 * Checks a login name and password. The same work is done whether or not the account exists (a
 * dummy argon2 verify stands in for the missing hash), failures count against the name as typed,
 * and the outcome says only "locked" or "bad credentials", never which part was wrong.
 */
export async function logIn(services: Services, realm: Realm, attempt: LoginRequest): Promise<LoginOutcome> {
  const { db, clock, passwords, audit, metrics } = services
  const spec = REALMS[realm]
  const anonymous = {
    kind: 'anonymous' as const,
    label: spec.label(attempt.loginKey),
    ip: attempt.ip,
    userAgent: attempt.userAgent,
  }
  const failed = `${realm}.login_failed`

  // One round trip for the account and its lock: every login pays for each query twice over (the
  // argon2 verify already fills the CPU), so the success path below is a single statement too.
  const found = await repo.findLoginAccount(db, {
    realm,
    table: spec.table,
    keyColumn: spec.keyColumn,
    loginKey: attempt.loginKey,
    now: clock.now(),
  })
  const row = found?.id != null ? (found as typeof found & { id: number }) : undefined
  // Staff searching the audit log see which account was tried; the person trying never does.
  const target = row ? { targetType: realm, targetId: row.id } : {}

  if (found?.locked) {
    await audit.record(db, anonymous, { action: failed, ...target, detail: { reason: 'locked' } })
    metrics.login(realm, 'locked')
    return { ok: false, reason: 'locked' }
  }

  let verified = { ok: false, rehash: false }
  if (row) verified = await passwords.verify(row.password_hash, attempt.password)
  else await passwords.verifyNothing(attempt.password)

  if (row && verified.ok && spec.usable(row)) {
    const newHash = verified.rehash ? await passwords.hash(attempt.password) : null
    const secondFactor =
      realm === 'staff' && services.config.adminTotp && row.is_admin
        ? row.totp_enrolled_at
          ? ('verify' as const)
          : ('enrol' as const)
        : null
    const entry = audit.row(
      { kind: realm, id: row.id, label: anonymous.label, ip: attempt.ip, userAgent: attempt.userAgent },
      {
        // An administrator is signed in only once the second factor is given (staff.second_factor).
        action: secondFactor ? `${realm}.login_password` : `${realm}.login`,
        targetType: realm,
        targetId: row.id,
        detail: newHash ? { rehashed: true } : {},
      },
    )
    // One statement: the login times, a rehashed password, cleared failures, the audit entry and the
    // applicant's standing on the 用户账号注册协议.
    const standing = await repo.signIn(db, {
      realm,
      table: spec.table,
      id: row.id,
      loginKey: attempt.loginKey,
      now: clock.now(),
      newHash,
      clearFailures: !!found?.has_failures,
      audit: entry,
    })
    metrics.login(realm, 'success')
    return {
      ok: true,
      userId: Number(row.id),
      profileCompleted: !!row.profile_completed_at,
      agreementDue: standing && dueVersion(standing),
      secondFactor,
    }
  }

  const lockedNow = await db.transaction(async (trx) => {
    const locked = await recordFailure(trx, clock, metrics, realm, attempt.loginKey)
    await audit.record(trx, anonymous, {
      action: failed,
      ...target,
      detail: { reason: 'bad_credentials', ...(locked ? { lockedNow: true } : {}) },
    })
    return locked
  })
  metrics.login(realm, 'bad_credentials')
  return { ok: false, reason: lockedNow ? 'locked' : 'bad_credentials' }
}

/** A login refused before the password was looked at (wrong CAPTCHA); recorded, never counted. */
export async function recordRefusedLogin(
  services: Services,
  realm: Realm,
  attempt: Omit<LoginRequest, 'password'>,
  reason: 'captcha',
): Promise<void> {
  const label = attempt.loginKey ? REALMS[realm].label(attempt.loginKey) : null
  await services.audit.record(
    services.db,
    { kind: 'anonymous', label, ip: attempt.ip, userAgent: attempt.userAgent },
    { action: `${realm}.login_failed`, detail: { reason } },
  )
  services.metrics.login(realm, reason)
}

export async function recordLogout(
  services: Services,
  realm: Realm,
  actor: { id: number; ip: string; userAgent: string | undefined },
): Promise<void> {
  await services.audit.record(
    services.db,
    { kind: realm, id: actor.id, ip: actor.ip, userAgent: actor.userAgent },
    { action: `${realm}.logout`, targetType: realm, targetId: actor.id },
  )
}
