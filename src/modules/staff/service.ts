import type { Db } from '../../db/knex'
import type { Actor, Audit } from '../../services/audit'
import type { Clock } from '../../services/clock'
import type { Passwords } from '../../services/passwords'
import type { RoleGrant } from '../../domain/roles'
import { endStaffSessions, replaceStaffPassword } from '../staffSecurity/service'
import { clearFailuresAnyCase } from '../auth/lockout'
import * as repo from './repository'

// Staff accounts: create, edit, deactivate / reactivate, reset password. Accounts are never
// deleted (the audit log names them); a deactivated account cannot sign in, and deactivating it or
// resetting its password ends its open sessions at once (a reactivated account starts signed out).

export interface StaffDeps {
  db: Db
  audit: Audit
  passwords: Passwords
  clock: Clock
}

export interface StaffDetails {
  username: string
  name: string
  phone: string
  email: string
  grants: RoleGrant[]
}

/** A staff account with its grants (totp_enrolled_at: the account page only). */
export type StaffListRow = repo.StaffUserRow & { grants: RoleGrant[] }

export type Outcome = { ok: true; id: number } | { ok: false; field: string; message: string }

const UNIQUE_VIOLATION = '23505'
export const USERNAME_TAKEN = '该用户名已被使用，请换一个'

export function usernameTaken(db: Db, username: string): Promise<boolean> {
  return repo.usernameExists(db, username)
}

export async function listStaff(db: Db): Promise<StaffListRow[]> {
  const users = await repo.staffUsers(db)
  const grants = await repo.grantsOf(
    db,
    users.map((u) => u.id),
  )
  return users.map((u) => ({ ...u, grants: grants.get(Number(u.id)) ?? [] }))
}

export async function findStaff(db: Db, id: number): Promise<StaffListRow | undefined> {
  const u = await repo.staffUser(db, id)
  if (!u) return undefined
  return { ...u, grants: (await repo.grantsOf(db, [id])).get(id) ?? [] }
}

const grantKey = (g: RoleGrant) => `${g.role}@${g.scope_type}:${g.scope_id ?? ''}`
const describe = (grants: RoleGrant[]) => grants.map(grantKey).sort()

function writeGrants(trx: Db, staffId: number, grants: RoleGrant[]): Promise<void> {
  return repo.replaceGrants(trx, staffId, [...new Map(grants.map((g) => [grantKey(g), g])).values()])
}

export async function createStaffAccount(
  deps: StaffDeps,
  actor: Actor,
  input: StaffDetails & { password: string },
): Promise<Outcome> {
  const hash = await deps.passwords.hash(input.password)
  const now = deps.clock.now()
  try {
    return await deps.db.transaction(async (trx) => {
      const id = await repo.insertStaffUser(trx, {
        username: input.username,
        name: input.name,
        phone: input.phone || null,
        email: input.email || null,
        password_hash: hash,
        now,
      })
      await writeGrants(trx, id, input.grants)
      await deps.audit.record(trx, actor, {
        action: 'staff.create',
        targetType: 'staff',
        targetId: id,
        detail: { username: input.username, roles: describe(input.grants) },
      })
      return { ok: true as const, id }
    })
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION)
      return { ok: false, field: 'username', message: USERNAME_TAKEN }
    throw err
  }
}

export async function updateStaffAccount(
  deps: StaffDeps,
  actor: Actor,
  id: number,
  input: Omit<StaffDetails, 'username'>,
): Promise<Outcome> {
  return deps.db.transaction(async (trx) => {
    const before = await repo.lockStaffDetails(trx, id)
    if (!before) return { ok: false as const, field: '_form', message: '该工作人员账号不存在' }
    const beforeGrants = describe((await repo.grantsOf(trx, [id])).get(id) ?? [])
    // An administrator cannot take the administrator role away from themselves and lock everyone out.
    if (
      actor.id === id &&
      beforeGrants.some((g) => g.startsWith('admin@')) &&
      !input.grants.some((g) => g.role === 'admin')
    )
      return { ok: false as const, field: 'roles', message: '不能取消自己的系统管理员角色' }
    await repo.updateStaffDetails(trx, id, {
      name: input.name,
      phone: input.phone || null,
      email: input.email || null,
      updated_at: deps.clock.now(),
    })
    await writeGrants(trx, id, input.grants)
    const afterGrants = describe(input.grants)
    const changed = (['name', 'phone', 'email'] as const).filter(
      (k) => (before[k] ?? '') !== (input[k] ?? ''),
    )
    const detail: Record<string, unknown> = { changed }
    if (beforeGrants.join() !== [...new Set(afterGrants)].join())
      detail.roles = { from: beforeGrants, to: [...new Set(afterGrants)] }
    await deps.audit.record(trx, actor, { action: 'staff.update', targetType: 'staff', targetId: id, detail })
    return { ok: true as const, id }
  })
}

/** Deactivates or reactivates; guarded in SQL so a second press changes nothing and says so. */
export async function setStaffActive(
  deps: StaffDeps,
  actor: Actor,
  id: number,
  active: boolean,
): Promise<Outcome> {
  if (!active && actor.id === id) return { ok: false, field: '_form', message: '不能停用自己的账号' }
  return deps.db.transaction(async (trx) => {
    if (!(await repo.setActive(trx, id, active, deps.clock.now())))
      return { ok: false as const, field: '_form', message: active ? '该账号已是启用状态' : '该账号已停用' }
    await deps.audit.record(trx, actor, {
      action: active ? 'staff.reactivate' : 'staff.deactivate',
      targetType: 'staff',
      targetId: id,
      ...(active ? {} : { detail: { sessionsEnded: await endStaffSessions(trx, id) } }),
    })
    return { ok: true as const, id }
  })
}

/**
 * Sets a new password chosen by the administrator (kept in the password history, counting from now),
 * clears the account's failed-login count and ends its sessions.
 */
export async function resetStaffPassword(
  deps: StaffDeps,
  actor: Actor,
  id: number,
  password: string,
): Promise<Outcome> {
  const hash = await deps.passwords.hash(password)
  return deps.db.transaction(async (trx) => {
    const username = await replaceStaffPassword(trx, id, hash, deps.clock.now())
    if (!username) return { ok: false as const, field: '_form', message: '该工作人员账号不存在' }
    await clearFailuresAnyCase(trx, 'staff', username)
    await deps.audit.record(trx, actor, {
      action: 'staff.reset_password',
      targetType: 'staff',
      targetId: id,
      detail: { sessionsEnded: await endStaffSessions(trx, id) },
    })
    return { ok: true as const, id }
  })
}
