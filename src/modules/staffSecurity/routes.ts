import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { rolesFor } from '../../domain/roles'
import { qrSvgDataUrl } from '../../services/qr'
import { clientIp, handler } from '../../web/async'
import {
  flash,
  hasErrors,
  redirectWithErrors,
  takeForm,
  validate,
  type FieldErrors,
} from '../../web/formValidation'
import { signedIn } from '../../middleware/actor'
import { finishStaffLogin } from '../auth/sessions'
import { checkNewPassword } from '../staff/schemas'
import { getSettings } from '../staff/settings'
import { MESSAGES } from './messages'
import { passwordChangeSchema } from './schemas'
import { changeOwnPassword, checkSecondFactor, enrolment, resetSecondFactor } from './service'

// The administrators' second login step (/staff/login/setup to enrol an authenticator app,
// /staff/login/code for the code), a staff member's own password (/staff/password, the only page an
// expired password leaves open) and an administrator's reset of a colleague's second factor.

/** How long the second step may follow the password. */
const PENDING_MINUTES = 5

const FORM = 'secondFactor'

/** 4-character groups, so the secret can be typed into an app by hand without losing one's place. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ')

export function staffSecurityRoutes(services: Services): Router {
  const router = Router()

  const pendingOf = (req: Request) => {
    const p = req.session.pendingStaff
    if (!p || services.clock.now().getTime() - p.at > PENDING_MINUTES * 60_000) return undefined
    return p
  }
  const backToLogin = (req: Request, res: Response) => {
    delete req.session.pendingStaff
    flash(req, 'info', MESSAGES.pendingExpired)
    res.redirect(303, '/staff/login')
  }

  router.get(
    '/staff/login/code',
    handler(async (req, res) => {
      if (!pendingOf(req)) return backToLogin(req, res)
      res.set('Cache-Control', 'no-store')
      res.render('pages/staffSecurity/code.njk', takeForm(req, FORM))
    }),
  )

  router.get(
    '/staff/login/setup',
    handler(async (req, res) => {
      const pending = pendingOf(req)
      if (!pending) return backToLogin(req, res)
      const e = await enrolment(services, pending.userId)
      if (!e) return res.redirect(303, '/staff/login/code')
      res.set('Cache-Control', 'no-store')
      res.render('pages/staffSecurity/setup.njk', {
        ...takeForm(req, FORM),
        secret: grouped(e.secret),
        qr: await qrSvgDataUrl(e.uri),
      })
    }),
  )

  for (const path of ['/staff/login/code', '/staff/login/setup'])
    router.post(
      path,
      handler(async (req, res) => {
        const pending = pendingOf(req)
        if (!pending) return backToLogin(req, res)
        const back = (message: string) => redirectWithErrors(req, res, FORM, { code: message }, {}, path)
        if (!(await services.rateLimits.consume('login', clientIp(req))).ok) return back(MESSAGES.rateLimited)
        const code = String(req.body?.code ?? '').replace(/\s/g, '')
        if (!/^\d{6}$/.test(code)) return back(MESSAGES.codeRequired)
        const outcome = await checkSecondFactor(services, pending.userId, code, {
          ip: clientIp(req),
          userAgent: req.get('user-agent') ?? null,
        })
        if (!outcome.ok) return back(outcome.reason === 'locked' ? MESSAGES.codeLocked : MESSAGES.codeWrong)
        await finishStaffLogin(services, req, res, pending.userId, pending.returnTo, {
          notice: path.endsWith('setup') ? MESSAGES.enrolled : undefined,
        })
      }),
    )

  router.get(
    '/staff/password',
    requireStaff(),
    handler(async (req, res) => {
      const { staffPasswordMaxAgeDays } = await getSettings(services.db)
      res.render('pages/staffSecurity/password.njk', {
        form: takeForm(req, 'staffOwnPassword'),
        expired: req.session.passwordExpired ? MESSAGES.passwordExpired(staffPasswordMaxAgeDays) : null,
      })
    }),
  )

  router.post(
    '/staff/password',
    requireStaff(),
    handler(async (req, res) => {
      const { value, errors } = validate<{
        currentPassword: string
        password: string
        passwordConfirm: string
      }>(passwordChangeSchema, req.body)
      checkNewPassword(value, errors)
      const back = (e: FieldErrors) => redirectWithErrors(req, res, 'staffOwnPassword', e, {})
      if (hasErrors(errors)) return back(errors)
      const expired = !!req.session.passwordExpired
      const outcome = await changeOwnPassword(services, signedIn(req), {
        current: value.currentPassword,
        password: value.password,
        sessionId: req.sessionID,
        expired,
      })
      if (!outcome.ok) {
        const history = (await getSettings(services.db)).staffPasswordHistory
        return back({
          [outcome.field]:
            outcome.reason === 'wrong_current'
              ? MESSAGES.currentPasswordWrong
              : MESSAGES.passwordReused(history),
        })
      }
      delete req.session.passwordExpired
      flash(req, 'success', MESSAGES.passwordChanged)
      res.redirect(303, '/staff')
    }),
  )

  router.post(
    '/staff/admin/staff/:id/second-factor/reset',
    requireStaff(...rolesFor('staff.manage')),
    handler(async (req, res, next) => {
      if (!/^\d{1,15}$/.test(String(req.params.id))) return next()
      const id = Number(req.params.id)
      const done = await resetSecondFactor(services, req.actor, id)
      flash(
        req,
        done ? 'success' : 'error',
        done ? MESSAGES.secondFactorReset : MESSAGES.secondFactorResetRefused,
      )
      res.redirect(303, `/staff/admin/staff/${id}`)
    }),
  )

  return router
}
