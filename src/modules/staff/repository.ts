import type { Db } from '../../db/knex'

// The only place the staff area talks to knex: holidays, instance settings.

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
