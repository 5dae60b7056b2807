import crypto from 'node:crypto'
import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { clientIp, handler } from '../../web/async'
import {
  flash,
  hasErrors,
  redirectWithErrors,
  takeForm,
  validate,
  type FieldErrors,
} from '../../web/formValidation'
import type { Realm } from './lockout'
import { MESSAGES } from './messages'
import { applicantLogin, normaliseLoginNumber, staffLogin } from './schemas'
import { logIn, recordLogout, recordRefusedLogin } from './service'
import { profileRoutes } from './profileRoutes'
import { finishStaffLogin, regenerate, safeReturnTo, startSession } from './sessions'
import { staffSecurityRoutes } from '../staffSecurity/routes'

const ENTRANCES: Record<Realm, { login: string; home: string; form: string; view: string }> = {
  applicant: { login: '/login', home: '/platform', form: 'login', view: 'pages/auth/login.njk' },
  staff: { login: '/staff/login', home: '/staff', form: 'staffLogin', view: 'pages/auth/staff-login.njk' },
}

export function authRoutes(services: Services): Router {
  const router = Router()
  const captchaEnabled = !services.captcha.disabled

  const renderLogin = (realm: Realm) => (req: Request, res: Response) => {
    if (realm === 'applicant' && req.applicant) return res.redirect(303, '/platform')
    if (realm === 'staff' && req.staff) return res.redirect(303, '/staff')
    const form = takeForm(req, ENTRANCES[realm].form)
    // A new image address per page load, so no browser shows a stale picture from its cache.
    res.render(ENTRANCES[realm].view, {
      ...form,
      captchaEnabled,
      captchaNonce: crypto.randomBytes(6).toString('hex'),
    })
  }

  const postLogin = (realm: Realm) =>
    handler(async (req, res) => {
      const entrance = ENTRANCES[realm]
      // Every answer is single use: gone from the session whatever happens next.
      const expectedCaptcha = req.session.captcha
      delete req.session.captcha
      const keyField = realm === 'applicant' ? 'docNumber' : 'username'
      const typed = { [keyField]: typeof req.body?.[keyField] === 'string' ? req.body[keyField] : '' }
      const back = (errors: FieldErrors) =>
        redirectWithErrors(req, res, entrance.form, errors, typed, entrance.login)

      const limit = await services.rateLimits.consume('login', clientIp(req))
      if (!limit.ok) return back({ password: MESSAGES.rateLimited })

      const { value, errors } = validate<Record<string, string>>(
        realm === 'applicant' ? applicantLogin(captchaEnabled) : staffLogin(captchaEnabled),
        req.body,
      )
      const loginKey =
        realm === 'applicant' ? normaliseLoginNumber(value[keyField] ?? '') : (value[keyField] ?? '')
      const context = { loginKey, ip: clientIp(req), userAgent: req.get('user-agent') }
      if (captchaEnabled && !errors.captcha && !services.captcha.matches(expectedCaptcha, value.captcha)) {
        errors.captcha = MESSAGES.captchaWrong
        await recordRefusedLogin(services, realm, context, 'captcha')
      }
      if (hasErrors(errors)) return back(errors)

      const outcome = await logIn(services, realm, { ...context, password: value.password })
      if (!outcome.ok) {
        if (outcome.reason === 'locked')
          return back({ [keyField]: realm === 'staff' ? MESSAGES.staffLocked : MESSAGES.locked })
        return back({ password: MESSAGES.badCredentials })
      }

      const returnTo = safeReturnTo(realm, req.session.returnTo)
      if (realm === 'staff') {
        if (!outcome.secondFactor) return finishStaffLogin(services, req, res, outcome.userId, returnTo)
        // Not signed in yet: a fresh session that only remembers who gave the password, and when.
        const heldForm = req.session.heldForm
        await regenerate(req)
        req.session.heldForm = heldForm
        req.session.pendingStaff = { userId: outcome.userId, at: services.clock.now().getTime(), returnTo }
        return res.redirect(
          303,
          outcome.secondFactor === 'enrol' ? '/staff/login/setup' : '/staff/login/code',
        )
      }
      await startSession(services, req, realm, outcome.userId)
      if (outcome.agreementDue !== null) {
        // A changed 用户账号注册协议 comes first, then the completion form, then where they were heading.
        req.session.agreementDue = outcome.agreementDue
        req.session.returnTo = returnTo
        return res.redirect(303, '/account/agreement')
      }
      if (!outcome.profileCompleted) {
        // The completion form comes first; afterwards the applicant goes where they were heading.
        req.session.returnTo = returnTo
        return res.redirect(303, '/account/complete')
      }
      res.redirect(303, returnTo ?? entrance.home)
    })

  const postLogout = (realm: Realm) =>
    handler(async (req, res) => {
      const user = realm === 'applicant' ? req.applicant : req.staff
      if (user)
        await recordLogout(services, realm, {
          id: user.id,
          ip: clientIp(req),
          userAgent: req.get('user-agent'),
        })
      await regenerate(req)
      flash(req, 'success', MESSAGES.loggedOut)
      res.redirect(303, ENTRANCES[realm].login)
    })

  router.get('/captcha.svg', (req, res) => {
    const { svg, answer } = services.captcha.create()
    req.session.captcha = answer
    res.set('Cache-Control', 'no-store').type('image/svg+xml').send(svg)
  })

  router.get('/login', renderLogin('applicant'))
  router.post('/login', postLogin('applicant'))
  router.post('/logout', postLogout('applicant'))

  router.get('/staff/login', renderLogin('staff'))
  router.post('/staff/login', postLogin('staff'))
  router.post('/staff/logout', postLogout('staff'))

  router.use(profileRoutes(services))
  router.use(staffSecurityRoutes(services))
  return router
}
