export type DayKind = 'holiday' | 'workday'

/**
 * Days that differ from the Monday–Friday pattern: public holidays on weekdays, and the weekend days
 * China makes up as working days (调休). Rows straight from the holidays table are accepted too, so
 * callers need not build the map themselves.
 */
export type DayOverrides = ReadonlyMap<string, DayKind> | readonly { day: string; kind: string }[]

const DAY_MS = 24 * 60 * 60 * 1000

function parseDay(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new RangeError(`not a real YYYY-MM-DD date: ${date}`)
  return ms
}

const formatDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function toMap(overrides: DayOverrides): ReadonlyMap<string, string> {
  if (overrides instanceof Map) return overrides
  return new Map((overrides as readonly { day: string; kind: string }[]).map((o) => [o.day, o.kind]))
}

function isWorkingDayIn(ms: number, kind: string | undefined): boolean {
  if (kind === 'workday') return true
  if (kind === 'holiday') return false
  const weekday = new Date(ms).getUTCDay()
  return weekday !== 0 && weekday !== 6
}

/** Whether `date` (YYYY-MM-DD) is a working day once holidays and makeup days are taken into account. */
export function isWorkingDay(date: string, overrides: DayOverrides): boolean {
  return isWorkingDayIn(parseDay(date), toMap(overrides).get(date))
}

/**
 * The date of the nth working day after `start`; the start day itself never counts, because a deadline
 * such as "within 7 working days" runs from the day after submission.
 */
export function addWorkingDays(start: string, n: number, overrides: DayOverrides): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`)
  const kinds = toMap(overrides)
  let ms = parseDay(start)
  for (let counted = 0; counted < n;) {
    ms += DAY_MS
    if (isWorkingDayIn(ms, kinds.get(formatDay(ms)))) counted++
  }
  return formatDay(ms)
}
