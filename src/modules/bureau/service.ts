import type { Db } from '../../db/knex'
import type { Actor, Audit } from '../../services/audit'
import type { PerMinute } from '../../services/perMinute'
import type { Clock } from '../../services/clock'
import type { Role } from '../../domain/roles'
import {
  defaultRegistrationWindow,
  isWindowOpen,
  relevantWindow,
  type Business,
  type Window,
} from '../../domain/windows'
import type { AuthorityInfo, BureauPort, PointInfo } from '../registration/bureauPort'
import { getSettings } from '../staff/settings'
import * as repo from './repository'
import * as pointRepo from './pointRepository'
import type { AuthorityFields, AuthorityRow, Conn, WindowRow } from './repository'
import type { PointFields, PointRow } from './pointRepository'
import { m } from './messages'

export { isWindowOpen }
export type { AuthorityRow, PointRow, WindowRow }

// ---- What the wizards use -------------------------------------------------------------------------
// Registration and certification read the bureau set-up only through these functions, and re-check
// the window with windowFor + isWindowOpen at submit and at every edit (a window may close, or the
// administrator may move it, while an applicant is half-way through).

/** Which authorities a look-up asks for: the business, where, and the 学段 or 资格种类. */
export interface AuthorityQuery {
  business: Business
  provinceCode?: string
  cityCode?: string
  stage?: string
  qualificationType?: string
}

/**
 * Enabled authorities doing `business` for the city (its own, its counties' and its province's
 * authorities) or, without a city, the whole province; registration filters by 现任教学段 `stage`,
 * certification by 资格种类 `qualificationType`. Only those whose window is open at `at`.
 */
export function openAuthorities(db: Conn, q: AuthorityQuery & { at: Date }): Promise<AuthorityRow[]> {
  const { at, ...filter } = q
  return repo.findAuthorities(db, { ...filter, openAt: at })
}

/** The same authorities whatever their windows (the public look-up then says why one is closed). */
export function authoritiesFor(db: Conn, q: AuthorityQuery): Promise<AuthorityRow[]> {
  return repo.findAuthorities(db, q)
}

/** 咨询服务's 各省份认定工作联系方式: every enabled authority of either business, by name. */
export function contactAuthorities(db: Conn): Promise<AuthorityRow[]> {
  return repo.contactAuthorities(db)
}

/**
 * The confirmation points an applicant may choose at `at`: enabled, staffed (an active staff member
 * holds 现场确认 on it), of an enabled authority, and not past their 现场确认结束时间.
 */
export function pointsFor(db: Conn, authorityId: number, o: { at: Date }): Promise<PointRow[]> {
  return pointRepo.offeredPoints(db, { authorityId, at: o.at })
}

/**
 * The offered point whose covered schools include the applicant's 现任教学校 (exact full name, from
 * the schools directory or the point's typed names); the lowest id when several do. Without `at`,
 * any enabled and staffed point of the authority.
 */
export async function suggestPoint(
  db: Conn,
  authorityId: number,
  schoolName: string,
  o: { at?: Date } = {},
): Promise<PointRow | undefined> {
  const points = o.at
    ? await pointsFor(db, authorityId, { at: o.at })
    : await pointRepo.pointsOf(db, authorityId)
  const offered = points.filter((p) => p.enabled && p.staffed)
  const ids = await pointRepo.pointsCovering(
    db,
    offered.map((p) => p.id),
    schoolName.trim(),
  )
  return offered.find((p) => p.id === ids[0])
}

/**
 * The authority's window for the business that matters at `at`: the open one, else the next, else
 * the last that closed; undefined when it has none (该机构未设置网报计划). Open means
 * start <= at < end (isWindowOpen).
 */
export async function windowFor(
  db: Conn,
  authorityId: number,
  business: Business,
  at: Date,
): Promise<WindowRow | undefined> {
  return relevantWindow(await repo.windowsOf(db, authorityId, business), at)
}

export const openWindowSql = repo.openWindowSql

/** Whether any authority has the business's window open at `at`, and the nearest windows either side. */
export const seasonOf = (db: Conn, business: Business, at: Date) => repo.seasonOf(db, business, at)

/** The authority, enabled or not (records keep naming it after it is disabled). */
export const authorityById = (db: Conn, id: number) => repo.authorityById(db, id)

/** The point, enabled or not (records keep showing it). */
export const pointById = (db: Conn, id: number) => pointRepo.pointById(db, id)

/** The window a new one is prefilled with: registration's half-year setting; none for certification. */
export async function suggestedWindow(db: Conn, business: Business, at: Date): Promise<Window | undefined> {
  if (business !== 'registration') return undefined
  const { registrationHalf } = await getSettings(db as Db)
  return defaultRegistrationWindow(registrationHalf, at)
}

// ---- The registration wizard's port ---------------------------------------------------------------

const authorityInfo = (a: AuthorityRow): AuthorityInfo => ({
  id: a.id,
  name: a.name,
  address: a.address,
  phone: a.phone,
  reminder: a.reminder,
  formDownloadEnd: a.form_download_end,
})

const pointInfo = (p: PointRow): PointInfo => ({
  id: p.id,
  name: p.name,
  scope: p.scope,
  address: p.address,
  confirmStart: p.confirm_start,
  confirmEnd: p.confirm_end,
})

/** This module's adapter behind src/modules/registration/bureauPort.ts, reading the time from `clock`. */
export function createBureauPort(clock: Clock): BureauPort {
  return {
    openAuthorities: async (db, q) =>
      (
        await openAuthorities(db, {
          business: 'registration',
          cityCode: q.cityCode,
          stage: q.stage,
          at: q.now,
        })
      ).map(authorityInfo),
    authority: async (db, id) => {
      const a = await repo.authorityById(db, id)
      return a && authorityInfo(a)
    },
    pointsFor: async (db, id) => (await pointsFor(db, id, { at: clock.now() })).map(pointInfo),
    point: async (db, id) => {
      const p = await pointById(db, id)
      return p && pointInfo(p)
    },
    suggestPoint: async (db, id, school) => {
      const p = await suggestPoint(db, id, school, { at: clock.now() })
      return p && pointInfo(p)
    },
    windowFor: async (db, id) => {
      const w = await windowFor(db, id, 'registration', clock.now())
      return w && { start: w.start, end: w.end }
    },
    openWindowSql: (db, authorityIdText, now) => repo.openWindowSql(db, 'registration', authorityIdText, now),
    season: (db, now) => repo.seasonOf(db, 'registration', now),
  }
}

// ---- Administration (each one transaction, audited inside it) -----------------------------------

export interface AdminDeps {
  db: Db
  audit: Audit
  clock: Clock
  /** What pages keep for a minute (the registration season): forgotten after each edit of authorities and windows. */
  perMinute: PerMinute
}

/** `edit`'s outcome, once what the pages kept from before it is forgotten. */
const forgetting = <T>(deps: AdminDeps, edit: Promise<T>): Promise<T> =>
  edit.finally(() => deps.perMinute.forget())

export type Outcome = { ok: true; id: number } | { ok: false; field: string; message: string }

/**
 * Saves one row in its own transaction: the `refuse` checks first (a taken name …), then inserts it
 * (id null) or updates it (gone: NOT_FOUND), audited as `<action>.create` / `.update`.
 */
async function saveRow(
  deps: AdminDeps,
  actor: Actor,
  id: number | null,
  o: {
    refuse?: (trx: Db) => Promise<Outcome | undefined>
    insert: (trx: Db, now: Date) => Promise<number>
    update: (trx: Db, id: number, now: Date) => Promise<boolean>
    action: string
    targetType: string
    detail: Record<string, unknown>
  },
): Promise<Outcome> {
  const now = deps.clock.now()
  return deps.db.transaction(async (trx) => {
    const refused = await o.refuse?.(trx)
    if (refused) return refused
    let savedId = id
    if (id === null) savedId = await o.insert(trx, now)
    else if (!(await o.update(trx, id, now))) return { ok: false, field: '_form', message: m.NOT_FOUND }
    await deps.audit.record(trx, actor, {
      action: `${o.action}.${id === null ? 'create' : 'update'}`,
      targetType: o.targetType,
      targetId: savedId!,
      detail: o.detail,
    })
    return { ok: true, id: savedId! }
  })
}

export async function saveAuthority(
  deps: AdminDeps,
  actor: Actor,
  id: number | null,
  fields: AuthorityFields,
): Promise<Outcome> {
  const refuse = async (trx: Db): Promise<Outcome | undefined> => {
    if (await repo.authorityNameTaken(trx, fields.name, id ?? undefined))
      return { ok: false, field: 'name', message: m.AUTHORITY_NAME_TAKEN }
    const code = fields.certificate_bureau_code
    if (code && (await repo.bureauCodeTaken(trx, fields.region_code, code, id ?? undefined)))
      return { ok: false, field: 'certificateBureauCode', message: m.BUREAU_CODE_TAKEN }
  }
  return forgetting(
    deps,
    saveRow(deps, actor, id, {
      refuse,
      insert: (trx, now) => repo.insertAuthority(trx, fields, now),
      update: (trx, id, now) => repo.updateAuthority(trx, id, fields, now),
      action: 'bureau.authority',
      targetType: 'authority',
      detail: { ...fields },
    }),
  )
}

export const savePoint = (deps: AdminDeps, actor: Actor, id: number | null, fields: PointFields) =>
  saveRow(deps, actor, id, {
    refuse: async (trx) =>
      (await pointRepo.pointNameTaken(trx, fields.authority_id, fields.name, id ?? undefined))
        ? { ok: false, field: 'name', message: m.POINT_NAME_TAKEN }
        : undefined,
    insert: (trx, now) => pointRepo.insertPoint(trx, fields, now),
    update: (trx, id, now) => pointRepo.updatePoint(trx, id, fields, now),
    action: 'bureau.point',
    targetType: 'confirmation_point',
    detail: { ...fields },
  })

/** Adds schools from the directory to the point's 确认范围 and/or removes some. */
export async function changePointSchools(
  deps: AdminDeps,
  actor: Actor,
  pointId: number,
  change: { add: number[]; remove: number[] },
): Promise<{ added: number; removed: number }> {
  return deps.db.transaction(async (trx) => {
    const current = (await pointRepo.schoolsOfPoint(trx, pointId)).map((s) => s.id)
    const add = (await pointRepo.existingSchoolIds(trx, change.add)).filter((s) => !current.includes(s))
    const remove = change.remove.filter((s) => current.includes(s) && !add.includes(s))
    if (add.length || remove.length) {
      await pointRepo.linkSchools(trx, pointId, add)
      await pointRepo.unlinkSchools(trx, pointId, remove)
      await deps.audit.record(trx, actor, {
        action: 'bureau.point.schools',
        targetType: 'confirmation_point',
        targetId: pointId,
        detail: { added: add, removed: remove },
      })
    }
    return { added: add.length, removed: remove.length }
  })
}

/**
 * Creates or moves a window; the exclusion constraint refuses an overlap with another window of the
 * same authority and business, also when two administrators save at the same moment.
 */
export async function saveWindow(
  deps: AdminDeps,
  actor: Actor,
  id: number | null,
  w: { authorityId: number; business: Business; start: Date; end: Date },
): Promise<Outcome> {
  try {
    return await forgetting(
      deps,
      saveRow(deps, actor, id, {
        insert: (trx, now) => repo.insertWindow(trx, w, now),
        update: (trx, id) => repo.updateWindow(trx, id, w),
        action: 'bureau.window',
        targetType: 'online_window',
        detail: {
          authorityId: w.authorityId,
          business: w.business,
          start: w.start.toISOString(),
          end: w.end.toISOString(),
        },
      }),
    )
  } catch (err) {
    if (repo.isOverlap(err)) return { ok: false, field: 'start', message: m.WINDOW_OVERLAP }
    throw err
  }
}

export async function removeWindow(deps: AdminDeps, actor: Actor, id: number): Promise<boolean> {
  return forgetting(
    deps,
    deps.db.transaction(async (trx) => {
      const w = await repo.windowById(trx, id)
      if (!w || !(await repo.deleteWindow(trx, id))) return false
      await deps.audit.record(trx, actor, {
        action: 'bureau.window.delete',
        targetType: 'online_window',
        targetId: id,
        detail: {
          authorityId: w.authority_id,
          business: w.business,
          start: w.start.toISOString(),
          end: w.end.toISOString(),
        },
      })
      return true
    }),
  )
}

// ---- Staff roles scoped to authorities and points --------------------------------------------------

/** The authorities and points staff roles can be scoped to, for the staff form's hints. */
export async function scopeChoices(db: Conn) {
  const authorities = await repo.listAuthorities(db)
  const points = (await Promise.all(authorities.map((a) => pointRepo.pointsOf(db, a.id)))).flat()
  return {
    authorityChoices: authorities.map((a) => `${a.id} ${a.name}`).join('；'),
    pointChoices: points.map((p) => `${p.id} ${p.name}（${p.authority_name}）`).join('；'),
  }
}

/** Errors for scoped grants naming an authority or point that does not exist, by form field. */
export async function unknownScopes(
  db: Conn,
  grants: { role: string; scope_type: string; scope_id: number | string | null }[],
  fieldOf: (role: Role) => string,
): Promise<Record<string, string>> {
  const errors: Record<string, string> = {}
  for (const g of grants) {
    if (g.scope_type === 'instance' || errors[fieldOf(g.role as Role)]) continue
    const id = Number(g.scope_id)
    const found =
      g.scope_type === 'authority' ? await repo.authorityById(db, id) : await pointRepo.pointById(db, id)
    if (!found)
      errors[fieldOf(g.role as Role)] =
        `没有编号为 ${g.scope_id} 的${g.scope_type === 'authority' ? '机构' : '确认点'}`
  }
  return errors
}
