import type { Request, RequestHandler } from 'express'

// 大字模式 (适老化, MIIT 《互联网网站适老化通用设计规范》): a display preference kept in its own cookie,
// not in the session, so it holds before login, after logout and across sessions, and needs no
// JavaScript. The layout reads res.locals.display: the <html> class the CSS keys on, and the header
// link that switches to the other mode and back to the same page.

export const DISPLAY_COOKIE = 'jszg.display'
export const DISPLAY_MODES = ['standard', 'large'] as const
export type DisplayMode = (typeof DISPLAY_MODES)[number]

export const isDisplayMode = (v: unknown): v is DisplayMode =>
  typeof v === 'string' && (DISPLAY_MODES as readonly string[]).includes(v)

/** The display mode the request's cookie names; standard without one (or with a value we never set). */
export function displayModeOf(req: Request): DisplayMode {
  const m = /(?:^|;\s*)jszg\.display=([a-z]+)/.exec(req.headers.cookie ?? '')
  return m && isDisplayMode(m[1]) ? m[1] : 'standard'
}

/**
 * A path on this site to come back to: one slash then no second one or backslash (no
 * `//evil.example` or `/\evil.example`), no control characters or spaces; else the home page.
 */
export function safeLocalPath(to: unknown): string {
  if (typeof to !== 'string' || to.length > 2000) return '/'
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  return /^\/(?![/\\])[^\\\s\u0000-\u001f\u007f]*$/.test(to) ? to : '/'
}

/**
 * The page's query as the switch carries it back: only parameters whose values are plain words,
 * numbers or codes (a list's page, a filter), so a value such as `?return=https://…` that the page
 * itself refused is never written into the page again by the switch link.
 */
function plainQuery(url: string): string {
  const at = url.indexOf('?')
  if (at < 0) return ''
  const kept = new URLSearchParams()
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) {
    if (/^[\w.-]{1,40}$/.test(key) && /^[\p{L}\p{N}_.,-]{0,100}$/u.test(value)) kept.append(key, value)
  }
  const query = kept.toString()
  return query ? `?${query}` : ''
}

/** The address of the mode switch for this page: the other mode, and this page to come back to. */
export function displaySwitchUrl(req: Request, mode: DisplayMode): string {
  const other: DisplayMode = mode === 'large' ? 'standard' : 'large'
  // A page answered to a POST (a form with its errors) is come back to as its address.
  const back = safeLocalPath(`${req.path}${plainQuery(req.originalUrl)}`)
  return `/display?mode=${other}&return=${encodeURIComponent(back)}`
}

export const displayMode: RequestHandler = (req, res, next) => {
  const mode = displayModeOf(req)
  res.locals.display = { mode, large: mode === 'large', switchUrl: displaySwitchUrl(req, mode) }
  next()
}
