import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Services } from '../services'
import { preloadedApplicant } from './session'
import { activeStaffById, applicantById } from './sessionRepository'

export interface CurrentApplicant {
  id: number
  doc_type: string
  doc_number: string
  name: string
  phone: string
  email: string
  identity_status: string
  profile_completed_at: Date | null
  previous_login_at: Date | null
  ethnicity: string | null
  sex: 'M' | 'F' | null
  birth_date: Date | string | null
}

export interface CurrentStaff {
  id: number
  username: string
  name: string
  previous_login_at: Date | null
  roles: { role: string; scope_type: string; scope_id: number | null }[]
}

declare module 'express-serve-static-core' {
  interface Request {
    applicant?: CurrentApplicant
    staff?: CurrentStaff
  }
}

const PASSWORD_EXPIRED_OPEN = ['/staff/password', '/staff/logout']

// Whoever is signed in, loaded once a request (for applicants, by the session store in the same
// query as the session); pages read it from req and res.locals.
export function loadCurrentUser(services: Services): RequestHandler {
  return async (req, res, next) => {
    const s = req.session
    if (s.realm === 'applicant' && s.userId) {
      const preloaded = preloadedApplicant(req, s.userId)
      const row = preloaded !== undefined ? preloaded : await applicantById(services.db, s.userId)
      if (row) req.applicant = res.locals.applicant = row as unknown as CurrentApplicant
    } else if (s.realm === 'staff' && s.userId) {
      const row = await activeStaffById(services.db, s.userId)
      if (row) {
        req.staff = res.locals.staff = row
        // An expired password leaves one page open until it is changed (and signing out).
        const path = req.originalUrl.split('?')[0]
        if (s.passwordExpired && !PASSWORD_EXPIRED_OPEN.includes(path))
          return res.redirect(303, '/staff/password')
      }
    }
    next()
  }
}

// A changed 用户账号注册协议 found at login (agreementDue in the session) must be agreed to first; then,
// until the first-login form is complete, nothing else is reachable.
const AGREEMENT_EXEMPT = ['/account/agreement', '/logout']
const PROFILE_EXEMPT = ['/account/complete', '/logout']
const exempt = (url: string, paths: string[]) => paths.some((p) => url === p || url.startsWith(`${p}/`))

export const requireApplicant: RequestHandler = (req, res, next) => {
  if (!req.applicant) {
    req.session.returnTo = req.method === 'GET' ? req.originalUrl : undefined
    return res.redirect(303, '/login')
  }
  const url = req.originalUrl.split('?')[0]
  if (req.session.agreementDue !== undefined)
    return exempt(url, AGREEMENT_EXEMPT) ? next() : res.redirect(303, '/account/agreement')
  if (!req.applicant.profile_completed_at && !exempt(url, PROFILE_EXEMPT))
    return res.redirect(303, '/account/complete')
  next()
}

export const VERIFIED_STATUSES = ['verified', 'manual_approved']

/** Businesses need real-name verification first; 报名 while unverified leads to 实名核验. */
export const requireVerified: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (!req.applicant) return res.redirect(303, '/login')
  if (!VERIFIED_STATUSES.includes(req.applicant.identity_status)) return res.redirect(303, '/identity/verify')
  next()
}

export function requireStaff(...roles: string[]): RequestHandler {
  return (req, res, next) => {
    if (!req.staff) {
      req.session.returnTo = req.method === 'GET' ? req.originalUrl : undefined
      return res.redirect(303, '/staff/login')
    }
    if (roles.length && !req.staff.roles.some((r) => roles.includes(r.role)))
      return res.status(403).render('pages/errors/403.njk')
    next()
  }
}
