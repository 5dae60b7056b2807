import type { Request } from 'express'

// Time without surprise: a form posted after the session expired is not lost. What was typed is
// held in the fresh (signed-out) session beside the login page, and after the same person signs in
// again a page offers it back, filled in, to be sent with one button under the new session's CSRF
// token. Nothing is ever sent on anyone's behalf, and only to the person who typed it.

declare module 'express-session' {
  interface SessionData {
    heldForm: HeldForm
  }
}

export interface HeldForm {
  realm: 'applicant' | 'staff'
  userId: number
  /** where the form was posted (a path on this site, with its query) */
  action: string
  /** the posted fields as name/value pairs, the CSRF token and secrets left out */
  fields: [string, string][]
  /** epoch ms when it was posted */
  at: number
}

/** Held forms older than this are dropped at login: an hour is plenty to sign in again. */
export const HELD_FOR_MS = 60 * 60_000

/** Passwords, codes and CAPTCHA answers are never kept: they are typed again. */
const SECRET = /^_csrf$|^(current|old|new)?password(confirm)?$|^captcha$|^(sms)?code$|token$/i

/** Where a signed-in person of `realm` is offered the held form. */
export const RESUME_PATHS = { applicant: '/form-resume', staff: '/staff/form-resume' } as const

/** A parsed body (strings, lists, nested objects) back as the name/value pairs a form posts. */
export function pairsOf(value: unknown, name: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([name, value])
  else if (Array.isArray(value))
    value.forEach((item, i) => pairsOf(item, typeof item === 'string' ? name : `${name}[${i}]`, out))
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pairsOf(v, name ? `${name}[${k}]` : k, out)
  return out
}

/**
 * The form `req` posted into a session that has just expired, to hold in the next one; null when
 * there is nothing to hold (not a POST, a multipart upload whose body is not read yet, signing out).
 */
export function formToHold(
  req: Request,
  who: { realm: 'applicant' | 'staff'; userId: number },
  now: number,
): HeldForm | null {
  if (req.method !== 'POST' || /\/logout$/.test(req.path) || !req.body || typeof req.body !== 'object')
    return null
  const fields = pairsOf(req.body, '').filter(([name]) => !SECRET.test(name))
  if (!fields.length) return null
  return { ...who, action: req.originalUrl, fields, at: now }
}

/**
 * At login: the held form stays (under the new session id) only for the person who typed it, signed
 * in to the same realm, within HELD_FOR_MS. Returns it, or undefined.
 */
export function heldFor(
  held: HeldForm | undefined,
  who: { realm: 'applicant' | 'staff'; userId: number },
  now: number,
): HeldForm | undefined {
  if (!held || held.realm !== who.realm || held.userId !== who.userId || now - held.at > HELD_FOR_MS)
    return undefined
  return held
}

export const MESSAGES = {
  expiredHeld: '您长时间未操作，会话已过期。您刚才填写的内容已经保留，请重新登录；登录后可以核对并继续提交。',
  title: '继续提交会话过期前填写的内容',
  nothingHeld: '没有需要继续提交的内容。',
} as const
