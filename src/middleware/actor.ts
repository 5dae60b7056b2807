import type { Request, RequestHandler } from 'express'
import { maskDocNumber } from '../domain/idNumber'
import type { Actor, SignedInActor } from '../services/audit'
import { clientIp } from '../web/async'

// Who a request acts as, for the audit log: set once after the signed-in user is loaded, so no route
// or service builds an actor by hand. Applicants are labelled by their masked 证件号码 (never the full
// number), staff by their user name; nobody signed in is 'anonymous' with the address alone.

declare module 'express-serve-static-core' {
  interface Request {
    actor: Actor
  }
}

export function actorOf(req: Request): Actor {
  const where = { ip: clientIp(req), userAgent: req.get('user-agent') ?? null }
  if (req.applicant)
    return {
      kind: 'applicant',
      id: Number(req.applicant.id),
      label: maskDocNumber(req.applicant.doc_number),
      ...where,
    }
  if (req.staff) return { kind: 'staff', id: Number(req.staff.id), label: req.staff.username, ...where }
  return { kind: 'anonymous', ...where }
}

export const requestActor: RequestHandler = (req, _res, next) => {
  req.actor = actorOf(req)
  next()
}

/** req.actor behind requireApplicant or requireStaff, where someone is always signed in. */
export function signedIn(req: Request): SignedInActor {
  const actor = req.actor
  if ((actor.kind !== 'applicant' && actor.kind !== 'staff') || typeof actor.id !== 'number')
    throw new Error('signedIn: no one is signed in on this request')
  return actor as SignedInActor
}
