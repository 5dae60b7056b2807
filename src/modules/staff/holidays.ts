import type { Db } from '../../db/knex'
import type { Actor, Audit } from '../../services/audit'
import * as repo from './repository'

// The holiday table that working-day deadlines read: public holidays ('holiday') and the weekend
// days China makes up as working days ('workday', 调休上班).

export type HolidayRow = repo.HolidayDay
export type HolidayKind = HolidayRow['kind']

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDay(s: string): boolean {
  const m = ISO_DAY.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  )
}

const KIND_WORDS: Record<string, HolidayKind> = {
  holiday: 'holiday',
  节假日: 'holiday',
  放假: 'holiday',
  workday: 'workday',
  调休上班: 'workday',
  上班: 'workday',
}

/**
 * Reads pasted lines "2026-10-01,holiday,国庆节" (the kind may also be written 节假日 / 调休上班;
 * Chinese commas are accepted). Blank lines are skipped. Every bad line is reported by number.
 */
export function parseHolidayLines(text: string): {
  rows: HolidayRow[]
  errors: { line: number; message: string }[]
} {
  const rows: HolidayRow[] = []
  const errors: { line: number; message: string }[] = []
  const seen = new Map<string, number>()
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1
    if (!raw.trim()) return
    const parts = raw.split(/[,，]/).map((p) => p.trim())
    const [day, kindWord, ...rest] = parts
    const name = rest.join('，')
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day ?? ''))
      return errors.push({ line, message: `第${line}行：日期应为“年-月-日”格式，例如2026-10-01` })
    if (!isIsoDay(day)) return errors.push({ line, message: `第${line}行：${day}不是有效的日期` })
    const kind = KIND_WORDS[(kindWord ?? '').toLowerCase()]
    if (!kind)
      return errors.push({ line, message: `第${line}行：类型应为 holiday（节假日）或 workday（调休上班）` })
    if (name.length > 50) return errors.push({ line, message: `第${line}行：名称不能超过50个字符` })
    if (seen.has(day))
      return errors.push({ line, message: `第${line}行：日期${day}与第${seen.get(day)}行重复` })
    seen.set(day, line)
    rows.push({ day, kind, name })
  })
  return { rows, errors }
}

export function listHolidays(db: Db, year: number): Promise<HolidayRow[]> {
  return repo.holidaysOfYear(db, year)
}

export function holidayYears(db: Db): Promise<number[]> {
  return repo.holidayYears(db)
}

/** Adds or replaces rows by date (one transaction, one audit entry). */
export async function addHolidays(db: Db, audit: Audit, actor: Actor, rows: HolidayRow[]): Promise<void> {
  if (!rows.length) return
  await db.transaction(async (trx) => {
    await repo.upsertHolidays(trx, rows)
    const days = rows.map((r) => r.day).sort()
    await audit.record(trx, actor, {
      action: 'holiday.add',
      targetType: 'holiday',
      targetId: days.length === 1 ? days[0] : `${days[0]}..${days[days.length - 1]}`,
      detail: rows.length === 1 ? { kind: rows[0].kind, name: rows[0].name } : { count: rows.length },
    })
  })
}

export async function deleteHoliday(db: Db, audit: Audit, actor: Actor, day: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const gone = await repo.deleteHoliday(trx, day)
    if (!gone) return false
    await audit.record(trx, actor, {
      action: 'holiday.delete',
      targetType: 'holiday',
      targetId: day,
      detail: gone,
    })
    return true
  })
}
