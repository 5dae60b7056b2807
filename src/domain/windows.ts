import { shanghaiDate, shanghaiDateToUtc } from './time'

// Online windows (网报时间). A window is half-open: open from `start` (inclusive) until just before
// `end` (exclusive), so back-to-back windows never share an instant and "ends 2026-11-01 00:00"
// means the last moment to apply is 31 October 23:59:59.

export interface Window {
  start: Date
  end: Date
}

export const BUSINESSES = ['registration', 'certification'] as const
export type Business = (typeof BUSINESSES)[number]
export const isBusiness = (v: unknown): v is Business => BUSINESSES.includes(v as Business)

export type AuthorityLevel = 'county' | 'city' | 'province'

/** ref_regions.level → the authority's level. */
export const LEVEL_OF_REGION: Record<number, AuthorityLevel> = { 1: 'province', 2: 'city', 3: 'county' }

export const LEVEL_LABELS: Record<AuthorityLevel, string> = { county: '县级', city: '市级', province: '省级' }

/**
 * Who certifies which 资格种类 by default (REFERENCE.md): county 幼儿园/小学/初中, city 高中/中职/实习指导,
 * province 高校. Only a default for a new authority; the administrator may change it.
 */
export const DEFAULT_QUALIFICATION_TYPES: Record<AuthorityLevel, string[]> = {
  county: ['1', '2', '3'],
  city: ['4', '5', '6'],
  province: ['7'],
}

/** Whether the window is open at the instant: start inclusive, end exclusive. */
export function isWindowOpen(w: Window | undefined | null, at: Date): boolean {
  return !!w && w.start.getTime() <= at.getTime() && at.getTime() < w.end.getTime()
}

/** Whether two half-open windows share an instant (the rule the database's exclusion constraint keeps). */
export function windowsOverlap(a: Window, b: Window): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime()
}

/**
 * The window that matters at `at` among an authority's windows for one business: the open one,
 * else the next to open, else the one that closed last. Undefined when there is none at all
 * (该机构未设置网报计划).
 */
export function relevantWindow<W extends Window>(windows: W[], at: Date): W | undefined {
  const t = at.getTime()
  const open = windows.find((w) => isWindowOpen(w, at))
  if (open) return open
  const next = windows
    .filter((w) => w.start.getTime() > t)
    .sort((a, b) => a.start.getTime() - b.start.getTime())[0]
  if (next) return next
  return [...windows].sort((a, b) => b.end.getTime() - a.end.getTime())[0]
}

export type Half = 'H1' | 'H2'

/**
 * Registration's default window (instance setting 定期注册默认开放时段, 下半年 by default): the
 * half-year in Shanghai time that contains `at`, or the next one of that half when this year's is
 * already over. H1 is 1 January–30 June, H2 1 July–31 December; ends are exclusive.
 */
export function defaultRegistrationWindow(half: Half, at: Date): Window {
  const year = Number(shanghaiDate(at).slice(0, 4))
  const bounds = (y: number): Window =>
    half === 'H1'
      ? { start: shanghaiDateToUtc(`${y}-01-01`), end: shanghaiDateToUtc(`${y}-07-01`) }
      : { start: shanghaiDateToUtc(`${y}-07-01`), end: shanghaiDateToUtc(`${y + 1}-01-01`) }
  const thisYear = bounds(year)
  return at.getTime() < thisYear.end.getTime() ? thisYear : bounds(year + 1)
}
