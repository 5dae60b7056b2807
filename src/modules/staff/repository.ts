import type { Db } from '../../db/knex'
import type { RoleGrant } from '../../domain/roles'

// The staff area's queries: holidays, instance settings, staff accounts (the audit log's are in
// auditRepository.ts).

// ---- holidays -------------------------------------------------------------------------------------

export interface HolidayDay {
  day: string
  kind: 'holiday' | 'workday'
  name: string
}

/** A year's rows, days as 'YYYY-MM-DD' text so no server time zone can shift them. */
export async function holidaysOfYear(db: Db, year: number): Promise<HolidayDay[]> {
  const rows = await db('holidays')
    .whereBetween('day', [`${year}-01-01`, `${year}-12-31`])
    .orderBy('day')
    .select(db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'kind', 'name')
  return rows as HolidayDay[]
}

export async function holidayYears(db: Db): Promise<number[]> {
  const rows = await db('holidays').distinct(db.raw('extract(year from day)::int AS year')).orderBy('year')
  return rows.map((r: { year: number }) => Number(r.year))
}

/** Adds rows, replacing the kind and name of days already there. */
export async function upsertHolidays(trx: Db, rows: HolidayDay[]): Promise<void> {
  await trx('holidays').insert(rows).onConflict('day').merge(['kind', 'name'])
}

/** Deletes a day; what it was, or undefined when there was none. */
export async function deleteHoliday(
  trx: Db,
  day: string,
): Promise<{ kind: HolidayDay['kind']; name: string } | undefined> {
  const [gone] = await trx('holidays').where({ day }).del().returning(['kind', 'name'])
  return gone
}

// ---- settings -------------------------------------------------------------------------------------

export function settingsRows(db: Db, keys: string[]): Promise<{ key: string; value: unknown }[]> {
  return db('settings').whereIn('key', keys).select('key', 'value')
}

/** A setting's stored value, locked until the transaction ends (undefined when never saved). */
export async function lockSetting(trx: Db, key: string): Promise<unknown> {
  return (await trx('settings').where({ key }).forUpdate().first('value'))?.value
}

export async function saveSetting(trx: Db, key: string, value: unknown, now: Date): Promise<void> {
  await trx.raw(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?::jsonb, ?)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, JSON.stringify(value), now],
  )
}

// ---- staff accounts -------------------------------------------------------------------------------

export interface StaffUserRow {
  id: number
  username: string
  name: string
  phone: string | null
  email: string | null
  active: boolean
  last_login_at: Date | null
  totp_enrolled_at?: Date | null
}

export async function usernameExists(db: Db, username: string): Promise<boolean> {
  return !!(await db('staff_users').where({ username }).first('id'))
}

/** Every account, active ones first. */
export function staffUsers(db: Db): Promise<StaffUserRow[]> {
  return db('staff_users')
    .orderBy([{ column: 'active', order: 'desc' }, 'username'])
    .select('id', 'username', 'name', 'phone', 'email', 'active', 'last_login_at')
}

export function staffUser(db: Db, id: number): Promise<StaffUserRow | undefined> {
  return db('staff_users')
    .where({ id })
    .first('id', 'username', 'name', 'phone', 'email', 'active', 'last_login_at', 'totp_enrolled_at')
}

/** The role grants of these accounts, by account id. */
export async function grantsOf(db: Db, ids: number[]): Promise<Map<number, RoleGrant[]>> {
  const out = new Map<number, RoleGrant[]>()
  if (!ids.length) return out
  const rows = await db('staff_roles')
    .whereIn('staff_id', ids)
    .orderBy(['staff_id', 'role', 'scope_type', 'scope_id'])
    .select('staff_id', 'role', 'scope_type', 'scope_id')
  for (const r of rows) {
    const list = out.get(Number(r.staff_id)) ?? []
    list.push({
      role: r.role,
      scope_type: r.scope_type,
      scope_id: r.scope_id === null ? null : Number(r.scope_id),
    })
    out.set(Number(r.staff_id), list)
  }
  return out
}

/** Replaces an account's grants with these (already free of repeats). */
export async function replaceGrants(trx: Db, staffId: number, grants: RoleGrant[]): Promise<void> {
  await trx('staff_roles').where({ staff_id: staffId }).del()
  if (grants.length)
    await trx('staff_roles').insert(
      grants.map((g) => ({
        staff_id: staffId,
        role: g.role,
        scope_type: g.scope_type,
        scope_id: g.scope_id,
      })),
    )
}

export async function insertStaffUser(
  trx: Db,
  row: {
    username: string
    name: string
    phone: string | null
    email: string | null
    password_hash: string
    now: Date
  },
): Promise<number> {
  const { now, ...fields } = row
  const [inserted] = await trx('staff_users')
    .insert({ ...fields, password_changed_at: now, active: true, created_at: now, updated_at: now })
    .returning('id')
  return Number(inserted.id)
}

/** The editable details of an account, locked until the transaction ends. */
export function lockStaffDetails(
  trx: Db,
  id: number,
): Promise<{ id: number; name: string; phone: string | null; email: string | null } | undefined> {
  return trx('staff_users').where({ id }).forUpdate().first('id', 'name', 'phone', 'email')
}

export async function updateStaffDetails(
  trx: Db,
  id: number,
  fields: { name: string; phone: string | null; email: string | null; updated_at: Date },
): Promise<void> {
  await trx('staff_users').where({ id }).update(fields)
}

/** Sets the account active or not if it is not already; false when nothing changed. */
export async function setActive(trx: Db, id: number, active: boolean, now: Date): Promise<boolean> {
  return (await trx('staff_users').where({ id, active: !active }).update({ active, updated_at: now })) > 0
}
