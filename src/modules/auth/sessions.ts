import type { Request, Response } from 'express'
import type { Services } from '../../services'
import { keepSignedIn } from '../../middleware/session'
import { flash } from '../../web/formValidation'
import { passwordExpired } from '../staffSecurity/service'
import type { Realm } from './lockout'
import { heldFor } from '../heldForms/held'

// Starting a signed-in session, shared by the password step and the administrators' second step.

declare module 'express-session' {
  interface SessionData {
    /** An administrator who gave the right password and still owes the second factor. */
    pendingStaff: { userId: number; at: number; returnTo: string | undefined }
    /** The staff member's password is older than 系统设置 allows: only /staff/password is open. */
    passwordExpired: boolean
  }
}

/** Only a path on this site, and only inside the realm's own area, may be returned to after login. */
export function safeReturnTo(realm: Realm, to: unknown): string | undefined {
  if (typeof to !== 'string' || !/^\/(?!\/)[^\\]*$/.test(to)) return undefined
  const staffArea = to === '/staff' || to.startsWith('/staff/')
  return (realm === 'staff') === staffArea ? to : undefined
}

export function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())))
}

/** A fresh session id on every login (no session fixation), stamped with the clock for the timeouts. */
export async function startSession(
  services: Services,
  req: Request,
  realm: Realm,
  userId: number,
): Promise<void> {
  const held = req.session.heldForm
  await regenerate(req)
  keepSignedIn(req)
  const now = services.clock.now().getTime()
  req.session.realm = realm
  req.session.userId = userId
  req.session.startedAt = now
  req.session.lastSeenAt = now
  // A form its author posted after the last session expired comes along (and only theirs).
  const kept = heldFor(held, { realm, userId }, now)
  if (kept) req.session.heldForm = kept
}

/**
 * The staff member is who they say (password, and the second factor where it applies): signed in,
 * and sent to change an expired password before anything else, else where they were heading.
 */
export async function finishStaffLogin(
  services: Services,
  req: Request,
  res: Response,
  userId: number,
  returnTo: string | undefined,
  opts: { notice?: string } = {},
): Promise<void> {
  await startSession(services, req, 'staff', userId)
  if (opts.notice) flash(req, 'success', opts.notice)
  if (await passwordExpired(services, userId)) {
    req.session.passwordExpired = true
    return res.redirect(303, '/staff/password')
  }
  res.redirect(303, returnTo ?? '/staff')
}
