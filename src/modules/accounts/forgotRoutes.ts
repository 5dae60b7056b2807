import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { maskPhone } from '../../domain/idNumber'
import { clientIp, handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, type FieldErrors } from '../../web/formValidation'
import { MESSAGES } from './messages'
import { findAccount, findAccountByIdentity } from './repository'
import { checkForgot, checkResetByLink, checkResetBySms } from './schemas'
import {
  resetLinkIsLive,
  resetPasswordByLink,
  resetPasswordBySms,
  sendPasswordResetEmail,
  RESET_LINK_MINUTES,
} from './service'

import { body, DOC_TYPE_OPTIONS, sendCodeAndShow, VIEWS, type TypedForm } from './pages'

// 忘记密码 (manual 000 §2.1.2): 证件类型 + 证件号码 + 姓名, then a reset link by e-mail or an SMS code.

// After 证件类型 + 证件号码 + 姓名 matched, the session remembers whose password may be reset, for a while.
const FORGOT_KEY = 'forgotPassword'
const FORGOT_MINUTES = 30
interface ForgotState {
  applicantId: number
  until: number
}

export function forgotPasswordRoutes(services: Services): Router {
  const router = Router()
  const { db, clock } = services

  // ---------------------------------------------------------------------------------------------
  // 忘记密码 (manual 000 §2.1.2)

  function forgotState(req: Request): ForgotState | undefined {
    const state = req.session.wizards?.[FORGOT_KEY] as ForgotState | undefined
    return state && state.until > clock.now().getTime() ? state : undefined
  }

  /** Pages after the identity step need a recent match; otherwise back to the start. */
  async function forgotAccount(req: Request, res: Response) {
    const state = forgotState(req)
    const account = state ? await findAccount(db, state.applicantId) : undefined
    if (!account) {
      flash(req, 'error', MESSAGES.forgotExpired)
      res.redirect(303, '/forgot-password')
    }
    return account
  }

  const endForgot = (req: Request) => {
    if (req.session.wizards) delete req.session.wizards[FORGOT_KEY]
  }

  router.get('/forgot-password', (req, res) => {
    res.render(`${VIEWS}/forgot.njk`, { ...takeForm(req, 'forgot'), docTypeOptions: DOC_TYPE_OPTIONS })
  })

  router.post(
    '/forgot-password',
    handler(async (req, res) => {
      const back = (errors: FieldErrors) => redirectWithErrors(req, res, 'forgot', errors, body(req))
      const limit = await services.rateLimits.consume('forgot', clientIp(req))
      if (!limit.ok) return back({ docNumber: MESSAGES.forgotRateLimited })
      const { value, errors } = checkForgot(body(req))
      if (hasErrors(errors)) return back(errors)
      const account = await findAccountByIdentity(db, value)
      // One message whichever part is wrong, so nobody learns which numbers are registered.
      if (!account) return back({ docNumber: MESSAGES.forgotNoMatch })
      endForgot(req)
      req.session.wizards = {
        ...(req.session.wizards ?? {}),
        [FORGOT_KEY]: { applicantId: account.id, until: clock.now().getTime() + FORGOT_MINUTES * 60_000 },
      }
      res.redirect(303, '/forgot-password/method')
    }),
  )

  router.get(
    '/forgot-password/method',
    handler(async (req, res) => {
      const account = await forgotAccount(req, res)
      if (!account) return
      res.render(`${VIEWS}/forgot-method.njk`, {
        maskedEmail: maskEmail(account.email),
        maskedPhone: maskPhone(account.phone),
      })
    }),
  )

  router.post(
    '/forgot-password/email',
    handler(async (req, res) => {
      const account = await forgotAccount(req, res)
      if (!account) return
      const limit = await services.rateLimits.consume('forgot', clientIp(req))
      if (!limit.ok) {
        flash(req, 'error', MESSAGES.forgotRateLimited)
        return res.redirect(303, '/forgot-password/method')
      }
      await sendPasswordResetEmail(services, account.id, req.actor)
      res.redirect(303, '/forgot-password/email-sent')
    }),
  )

  router.get(
    '/forgot-password/email-sent',
    handler(async (req, res) => {
      const account = await forgotAccount(req, res)
      if (!account) return
      res.render(`${VIEWS}/forgot-email-sent.njk`, {
        maskedEmail: maskEmail(account.email),
        minutes: RESET_LINK_MINUTES,
      })
    }),
  )

  const showForgotSms = (res: Response, phone: string, form: TypedForm | ReturnType<typeof takeForm>) =>
    res.render(`${VIEWS}/forgot-sms.njk`, { ...form, maskedPhone: maskPhone(phone) })

  router.get(
    '/forgot-password/sms',
    handler(async (req, res) => {
      const account = await forgotAccount(req, res)
      if (!account) return
      showForgotSms(res, account.phone, takeForm(req, 'forgotSms'))
    }),
  )

  router.post(
    '/forgot-password/sms',
    handler(async (req, res) => {
      const account = await forgotAccount(req, res)
      if (!account) return
      if (body(req).action === 'sms')
        return sendCodeAndShow(services, req, res, {
          phone: account.phone,
          purpose: 'reset_password',
          show: (form) => showForgotSms(res, account.phone, form),
        })
      const { value, errors } = checkResetBySms(body(req))
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'forgotSms', errors, body(req))
      const outcome = await resetPasswordBySms(services, account.id, value, req.actor)
      if (!outcome.ok) return redirectWithErrors(req, res, 'forgotSms', outcome.errors, body(req))
      endForgot(req)
      flash(req, 'success', MESSAGES.passwordReset)
      res.redirect(303, '/login')
    }),
  )

  router.get(
    '/forgot-password/reset/:token',
    handler(async (req, res) => {
      const token = String(req.params.token)
      if (!(await resetLinkIsLive(services, token)))
        return res.status(410).render(`${VIEWS}/reset-link-invalid.njk`)
      res.render(`${VIEWS}/forgot-reset.njk`, { ...takeForm(req, 'resetLink'), token })
    }),
  )

  router.post(
    '/forgot-password/reset/:token',
    handler(async (req, res) => {
      const token = String(req.params.token)
      const { value, errors } = checkResetByLink(body(req))
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'resetLink', errors, {})
      if (!(await resetPasswordByLink(services, token, value.password, req.actor)))
        return res.status(410).render(`${VIEWS}/reset-link-invalid.njk`)
      endForgot(req)
      flash(req, 'success', MESSAGES.passwordReset)
      res.redirect(303, '/login')
    }),
  )

  return router
}

/** t***@example.com: enough for the holder to recognise the address, not enough to learn it. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 1) return '***'
  return `${email[0]}***${email.slice(at)}`
}
