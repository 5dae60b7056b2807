// China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for every date the
// system handles and keeps results independent of the server's TZ setting.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME_RE = /^(\d{2}):(\d{2})$/

/** The same instant expressed so that its UTC fields read as Shanghai wall-clock time. */
const asShanghaiWallClock = (d: Date) => new Date(d.getTime() + SHANGHAI_OFFSET_MS)

/** 'YYYY-MM-DD' in Asia/Shanghai. */
export function shanghaiDate(d: Date): string {
  return asShanghaiWallClock(d).toISOString().slice(0, 10)
}

/** 'HH:MM' in Asia/Shanghai. */
export function shanghaiTime(d: Date): string {
  return asShanghaiWallClock(d).toISOString().slice(11, 16)
}

/** 'YYYY-MM-DD HH:MM' in Asia/Shanghai. */
export function shanghaiDateTime(d: Date): string {
  const iso = asShanghaiWallClock(d).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
}

/** The instant at which the Shanghai calendar day containing `d` began. */
export function startOfShanghaiDay(d: Date): Date {
  const wallClockDays = Math.floor((d.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS)
  return new Date(wallClockDays * DAY_MS - SHANGHAI_OFFSET_MS)
}

/** The instant of a Shanghai wall-clock date and time; throws on anything that is not a real date/time. */
export function shanghaiDateToUtc(dateStr: string, hhmm = '00:00'): Date {
  const date = DATE_RE.exec(dateStr)
  const time = TIME_RE.exec(hhmm)
  if (!date) throw new RangeError(`not a YYYY-MM-DD date: ${dateStr}`)
  if (!time) throw new RangeError(`not an HH:MM time: ${hhmm}`)
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])]
  const [hour, minute] = [Number(time[1]), Number(time[2])]
  if (hour > 23 || minute > 59) throw new RangeError(`not an HH:MM time: ${hhmm}`)
  const wallClock = new Date(Date.UTC(year, month - 1, day, hour, minute))
  // Date.UTC silently rolls 02-30 over into March; a rollover means the date was not real.
  if (wallClock.toISOString().slice(0, 10) !== dateStr) throw new RangeError(`not a real date: ${dateStr}`)
  return new Date(wallClock.getTime() - SHANGHAI_OFFSET_MS)
}

export interface HalfYearCycle {
  /** e.g. '2026-H1' */
  key: string
  start: Date
  /** exclusive */
  end: Date
}

/**
 * The manuals' "half year" for limits such as manual identity reviews: 1 Jan–31 Aug (H1) and
 * 1 Sep–31 Dec (H2), deliberately unequal, in Shanghai time.
 */
export function halfYearCycle(d: Date): HalfYearCycle {
  const today = shanghaiDate(d)
  const year = Number(today.slice(0, 4))
  const month = Number(today.slice(5, 7))
  if (month <= 8) {
    return {
      key: `${year}-H1`,
      start: shanghaiDateToUtc(`${year}-01-01`),
      end: shanghaiDateToUtc(`${year}-09-01`),
    }
  }
  return {
    key: `${year}-H2`,
    start: shanghaiDateToUtc(`${year}-09-01`),
    end: shanghaiDateToUtc(`${year + 1}-01-01`),
  }
}
