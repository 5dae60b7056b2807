import { shanghaiDate, shanghaiDateToUtc, shanghaiTime } from '../../domain/time'
import { isWorkingDay, type DayOverrides } from '../../domain/workingDays'

// 现场确认预约's pure parts: how a slot reads, the bureau's slot plan (days × periods on working
// days), and the applicant's calendar (weeks of days, each with its slots). No I/O.

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
const DAY_MS = 24 * 3600_000

export interface SlotTimes {
  starts_at: Date
  ends_at: Date
}

/** 上午 / 下午 / 晚上 by the slot's start (Beijing time). */
export function periodOf(startsAt: Date): string {
  const hour = Number(shanghaiTime(startsAt).slice(0, 2))
  return hour < 12 ? '上午' : hour < 18 ? '下午' : '晚上'
}

const weekdayOf = (day: string) => WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]

/** "12月8日（周二）" */
export function dayLabel(day: string): string {
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日（${weekdayOf(day)}）`
}

/** "上午 09:00–12:00" */
export function timeLabel(s: SlotTimes): string {
  return `${periodOf(s.starts_at)} ${shanghaiTime(s.starts_at)}–${shanghaiTime(s.ends_at)}`
}

/** "2026年12月8日（周二）上午 09:00–12:00": how a slot is named to applicants and in messages. */
export function slotLabel(s: SlotTimes): string {
  const day = shanghaiDate(s.starts_at)
  return `${day.slice(0, 4)}年${dayLabel(day)}${timeLabel(s)}`
}

export interface Period {
  start: string
  end: string
}

/**
 * The bureau's periods, one a line: "09:00-12:00" (also with –, ～, ~ or 至, full-width colons).
 * Every bad line is reported by number; periods may not overlap.
 */
export function parsePeriods(text: string): { periods: Period[]; error: string | null } {
  const periods: Period[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim().replace(/：/g, ':')
    if (!raw) continue
    const m = /^(\d{1,2}):(\d{2})\s*(?:-|–|—|~|～|至)\s*(\d{1,2}):(\d{2})$/.exec(raw)
    const pad = (h: string, mm: string) => `${h.padStart(2, '0')}:${mm}`
    if (!m || Number(m[1]) > 23 || Number(m[3]) > 23 || Number(m[2]) > 59 || Number(m[4]) > 59)
      return { periods, error: `第${i + 1}行：时段应写成“开始-结束”，例如 09:00-12:00` }
    const p = { start: pad(m[1], m[2]), end: pad(m[3], m[4]) }
    if (p.end <= p.start) return { periods, error: `第${i + 1}行：结束时间应晚于开始时间` }
    const clash = periods.find((o) => p.start < o.end && o.start < p.end)
    if (clash) return { periods, error: `第${i + 1}行：与 ${clash.start}-${clash.end} 重叠` }
    periods.push(p)
  }
  if (!periods.length) return { periods, error: '请填写每天的时段，例如 09:00-12:00' }
  if (periods.length > 12) return { periods, error: '每天最多12个时段' }
  return { periods: periods.sort((a, b) => a.start.localeCompare(b.start)), error: null }
}

/** The days from..to (YYYY-MM-DD, inclusive). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

/**
 * The slots of a plan: each period of each working day from..to (weekends and the holiday table's
 * 节假日 closed, its 调休上班 days open), with `places` each.
 */
export function planSlots(
  from: string,
  to: string,
  periods: Period[],
  places: number,
  overrides: DayOverrides,
): { starts_at: Date; ends_at: Date; places: number }[] {
  return daysBetween(from, to)
    .filter((day) => isWorkingDay(day, overrides))
    .flatMap((day) =>
      periods.map((p) => ({
        starts_at: shanghaiDateToUtc(day, p.start),
        ends_at: shanghaiDateToUtc(day, p.end),
        places,
      })),
    )
}

export interface CalendarSlot {
  id: number
  /** 上午 / 下午 / 晚上 */
  period: string
  /** 09:00–12:00 */
  hours: string
  time: string
  label: string
  left: number
  /** a place left and still before the change deadline */
  open: boolean
  mine: boolean
}

export interface CalendarDay {
  day: string
  date: number
  label: string
  closed: string | null
  slots: CalendarSlot[]
}

export interface CalendarWeek {
  days: (CalendarDay | null)[]
}

/**
 * Weeks (周一–周日) from the first slot's week to the last one's; a day without slots says why
 * when it is a holiday or weekend. `deadline`: the last instant a slot may start before and still
 * be booked is past when starts_at <= deadline.
 */
export function calendarWeeks(
  slots: (SlotTimes & { id: number; places: number; booked: number })[],
  o: { deadline: Date; mine: number | null; overrides: DayOverrides },
): CalendarWeek[] {
  if (!slots.length) return []
  const byDay = new Map<string, CalendarSlot[]>()
  for (const s of slots) {
    const day = shanghaiDate(s.starts_at)
    const left = Math.max(0, s.places - s.booked)
    const list = byDay.get(day) ?? []
    list.push({
      id: s.id,
      period: periodOf(s.starts_at),
      hours: `${shanghaiTime(s.starts_at)}–${shanghaiTime(s.ends_at)}`,
      time: timeLabel(s),
      label: slotLabel(s),
      left,
      open: left > 0 && s.starts_at.getTime() > o.deadline.getTime(),
      mine: s.id === o.mine,
    })
    byDay.set(day, list)
  }
  const first = shanghaiDate(slots[0].starts_at)
  const last = shanghaiDate(slots[slots.length - 1].starts_at)
  const monday = (day: string) => {
    const t = Date.parse(`${day}T00:00:00Z`)
    return new Date(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10)
  }
  const weeks: CalendarWeek[] = []
  for (
    let t = Date.parse(`${monday(first)}T00:00:00Z`);
    t <= Date.parse(`${last}T00:00:00Z`);
    t += 7 * DAY_MS
  ) {
    const days = daysBetween(
      new Date(t).toISOString().slice(0, 10),
      new Date(t + 6 * DAY_MS).toISOString().slice(0, 10),
    ).map((day): CalendarDay | null => {
      if (day < first || day > last) return null
      const daySlots = byDay.get(day) ?? []
      return {
        day,
        date: Number(day.slice(8, 10)),
        label: dayLabel(day),
        closed: daySlots.length ? null : isWorkingDay(day, o.overrides) ? '无时段' : '休息',
        slots: daySlots,
      }
    })
    weeks.push({ days })
  }
  return weeks
}
