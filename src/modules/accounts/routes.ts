import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireApplicant } from '../../middleware/auth'
import { DOC_TYPE_LABELS, DOC_TYPES, maskPhone } from '../../domain/idNumber'
import { clientIp, handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, type FieldErrors } from '../../web/forms'
import { DOC_NUMBER_HINTS, MESSAGES, SEX_LABELS } from './messages'
import { docNumberTaken, findAccount, findAccountByIdentity, findProfile } from './repository'
import { passLabel, passTypeFor, PROFILE_EXTRAS, SEX_OPTIONS } from '../auth/profile'
import { refOptions } from '../../services/reference'
import {
  checkChangeEmail,
  checkChangePassword,
  checkChangePhone,
  checkForgot,
  checkPhoneOnly,
  checkRegistration,
  checkResetByLink,
  checkResetBySms,
} from './schemas'
import {
  changeEmail,
  changePassword,
  changePhone,
  changeProfile,
  editableProfileFields,
  registerApplicant,
  resetLinkIsLive,
  resetPasswordByLink,
  resetPasswordBySms,
  sendPasswordResetEmail,
  RESET_LINK_MINUTES,
} from './service'
import { sendSmsCode, type SmsPurpose } from './sms'
import { currentAgreement } from '../privacy/agreement'
import { textBlocks } from '../../web/texts'

const VIEWS = 'pages/accounts'

const DOC_TYPE_OPTIONS = DOC_TYPES.map((t) => ({
  value: t,
  text: DOC_TYPE_LABELS[t],
  hint: DOC_NUMBER_HINTS[t],
}))

// After 证件类型 + 证件号码 + 姓名 matched, the session remembers whose password may be reset, for a while.
const FORGOT_KEY = 'forgotPassword'
const FORGOT_MINUTES = 30
interface ForgotState {
  applicantId: number
  until: number
}

/** A form shown straight from its own POST, with the heading its error summary should carry. */
type TypedForm = ReturnType<typeof takeForm> & { summaryTitle?: string }
type ShowTyped = (form: TypedForm) => void

/**
 * What the applicant typed, as text, minus the token and the button pressed; a typed SMS code is
 * dropped when a new one is on its way.
 */
function typedValues(req: Request, keepCode = false): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.body ?? {}))
    if (typeof v === 'string' && k !== '_csrf' && k !== 'action' && (keepCode || k !== 'smsCode')) out[k] = v
  return out
}

/**
 * The form as typed, passwords included, for a page rendered in the POST's own response; such a
 * response must not be kept by the browser or a proxy. Refusals here are about the SMS code, so the
 * summary says that instead of 「提交的信息有误」.
 */
function typedForm(req: Request, res: Response, errors: FieldErrors, keepCode = false): TypedForm {
  res.set('Cache-Control', 'no-store')
  if (hasErrors(errors)) res.status(422)
  return {
    errors,
    errorList: Object.entries(errors).map(([field, text]) => ({ field, text })),
    values: typedValues(req, keepCode),
    summaryTitle: MESSAGES.smsNotSentTitle,
  }
}

const body = (req: Request): Record<string, unknown> => req.body ?? {}

export function accountRoutes(services: Services): Router {
  const router = Router()
  const { db, clock } = services

  /**
   * The "获取短信验证码" button submits the whole form and the page comes straight back from that
   * POST with everything typed, the password fields included: each page re-renders itself rather
   * than redirecting, so passwords live only in this response (never in the session row), which
   * the browser is told not to store. The heading of a refusal says the code was not sent.
   */
  async function sendCodeAndShow(
    req: Request,
    res: Response,
    form: { phone: string; purpose: SmsPurpose; show: ShowTyped; errorField?: string },
  ): Promise<void> {
    const sent = await sendSmsCode(services, {
      phone: form.phone,
      purpose: form.purpose,
      ip: clientIp(req),
      actor: req.actor,
    })
    if (!sent.ok) return form.show(typedForm(req, res, { [form.errorField ?? 'smsCode']: sent.message }))
    res.locals.flash = [...(res.locals.flash ?? []), { kind: 'success', text: MESSAGES.smsSent }]
    form.show(typedForm(req, res, {}))
  }

  // ---------------------------------------------------------------------------------------------
  // 实名注册

  /** The agreement in force (the bureau may have published a new version). */
  const agreementText = async () => ({ blocks: textBlocks((await currentAgreement(db)).lines) })

  router.get(
    '/register/agreement',
    handler(async (_req, res) => res.render(`${VIEWS}/agreement.njk`, await agreementText())),
  )

  router.get('/help', (_req, res) => res.render(`${VIEWS}/help.njk`))

  const showRegister = (res: Response, form: TypedForm | ReturnType<typeof takeForm>) =>
    res.render(`${VIEWS}/register.njk`, {
      ...form,
      docTypeOptions: DOC_TYPE_OPTIONS,
      duplicateMessage: MESSAGES.duplicate,
    })

  router.get('/register', (req, res) => {
    if (req.applicant) return res.redirect(303, '/platform')
    showRegister(res, takeForm(req, 'register'))
  })

  const registerSmsCode = handler(async (req, res) => {
    const show: ShowTyped = (form) => showRegister(res, form)
    const { phone, errors } = checkPhoneOnly(body(req))
    if (hasErrors(errors)) return show(typedForm(req, res, errors))
    await sendCodeAndShow(req, res, { phone, purpose: 'register', show })
  })

  router.post('/register/sms-code', registerSmsCode)

  /**
   * 《用户账号注册协议》 opens in the same window from a button that carries the form along: the
   * agreement page holds what was typed in hidden fields (not the session), and its 同意 / 返回
   * buttons bring the same form back filled, so there is never a second, empty form.
   */
  const showAgreement = async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store')
    res.render(`${VIEWS}/agreement.njk`, {
      ...(await agreementText()),
      carried: Object.entries(typedValues(req, true)),
    })
  }
  router.post('/register/agreement', handler(showAgreement))

  router.post('/register/resume', (req, res) => {
    const form = typedForm(req, res, {}, true)
    if (body(req).decision === 'agree') form.values.agree = 'yes'
    delete form.values.decision
    showRegister(res, form)
  })

  router.post(
    '/register',
    handler(async (req, res, next) => {
      // Browsers without `formaction` post the code and agreement buttons here.
      if (body(req).action === 'sms') return registerSmsCode(req, res, next)
      if (body(req).action === 'agreement') return showAgreement(req, res)
      const { value, errors } = checkRegistration(body(req), clock.now())
      if (!errors.docNumber && value.docNumber && (await docNumberTaken(db, value.docNumber)))
        errors.docNumber = MESSAGES.duplicate
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'register', errors, body(req), '/register')

      const outcome = await registerApplicant(services, value, req.actor)
      if (!outcome.ok) return redirectWithErrors(req, res, 'register', outcome.errors, body(req), '/register')
      flash(req, 'success', MESSAGES.registered)
      res.redirect(303, '/login')
    }),
  )

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
        return sendCodeAndShow(req, res, {
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

  // ---------------------------------------------------------------------------------------------
  // 个人信息中心 · 个人身份信息

  router.get(
    '/account',
    requireApplicant,
    handler(async (req, res) => {
      const account = await findAccount(db, req.applicant!.id)
      if (!account) return res.redirect(303, '/login')
      res.render(`${VIEWS}/account.njk`, {
        account,
        docTypeLabel: DOC_TYPE_LABELS[account.doc_type] ?? account.doc_type,
        sexLabel: account.sex ? SEX_LABELS[account.sex] : '',
      })
    }),
  )

  // 修改个人信息: 民族 always; 性别, 出生日期 and the 港澳台 numbers while no verification vouches
  // for them (service.editableProfileFields). 姓名 changes only through 实名核验.
  router.get(
    '/account/profile',
    requireApplicant,
    handler(async (req, res) => {
      const a = await findProfile(db, req.applicant!.id)
      if (!a) return res.redirect(303, '/login')
      const { extras, locked } = editableProfileFields(a)
      const asked = PROFILE_EXTRAS[a.doc_type] ?? []
      const form = takeForm(req, 'changeProfile', {
        ethnicity: a.ethnicity ?? '',
        sex: a.sex ?? '',
        birthDate: a.birth_date ?? '',
        localIdNumber: a.local_id_number ?? '',
        passNumber: a.pass_number ?? '',
      })
      res.render(`${VIEWS}/profile.njk`, {
        ...form,
        account: a,
        docTypeLabel: DOC_TYPE_LABELS[a.doc_type] ?? a.doc_type,
        sexLabel: a.sex ? SEX_LABELS[a.sex] : '',
        sexFromNumber: !asked.includes('sexAndBirth'),
        ethnicityOptions: await refOptions(db, 'ethnicity'),
        sexOptions: SEX_OPTIONS,
        askSexAndBirth: extras.includes('sexAndBirth'),
        askLocalId: extras.includes('localId'),
        passLabel: extras.includes('passNumber') ? passLabel(passTypeFor(a.doc_number)) : null,
        lockedLocalId: locked.includes('localId'),
        lockedPassLabel: locked.includes('passNumber') ? passLabel(passTypeFor(a.doc_number)) : null,
        identityHeld: locked.length > 0,
      })
    }),
  )

  router.post(
    '/account/profile',
    requireApplicant,
    handler(async (req, res) => {
      const outcome = await changeProfile(services, req.applicant!.id, body(req), req.actor)
      if (!outcome.ok) return redirectWithErrors(req, res, 'changeProfile', outcome.errors, body(req))
      flash(req, 'success', outcome.changed.length ? MESSAGES.profileChanged : MESSAGES.profileUnchanged)
      res.redirect(303, '/account')
    }),
  )

  router.get('/account/password', requireApplicant, (req, res) => {
    res.render(`${VIEWS}/change-password.njk`, takeForm(req, 'changePassword'))
  })

  router.post(
    '/account/password',
    requireApplicant,
    handler(async (req, res) => {
      const { value, errors } = checkChangePassword(body(req))
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'changePassword', errors, {})
      const outcome = await changePassword(
        services,
        req.applicant!.id,
        { ...value, sessionId: req.sessionID },
        req.actor,
      )
      if (!outcome.ok) return redirectWithErrors(req, res, 'changePassword', outcome.errors, {})
      flash(req, 'success', MESSAGES.passwordChanged)
      res.redirect(303, '/account')
    }),
  )

  const showChangePhone = (req: Request, res: Response, form: TypedForm | ReturnType<typeof takeForm>) =>
    res.render(`${VIEWS}/change-phone.njk`, { ...form, maskedPhone: maskPhone(req.applicant!.phone) })

  router.get('/account/phone', requireApplicant, (req, res) =>
    showChangePhone(req, res, takeForm(req, 'changePhone')),
  )

  router.post(
    '/account/phone',
    requireApplicant,
    handler(async (req, res) => {
      const back = (errors: FieldErrors) => redirectWithErrors(req, res, 'changePhone', errors, body(req))
      if (body(req).action === 'sms') {
        const show: ShowTyped = (form) => showChangePhone(req, res, form)
        const { phone, errors } = checkPhoneOnly(body(req))
        if (!errors.phone && phone === req.applicant!.phone) errors.phone = MESSAGES.phoneSame
        if (hasErrors(errors)) return show(typedForm(req, res, errors))
        return sendCodeAndShow(req, res, { phone, purpose: 'change_phone', show })
      }
      const { value, errors } = checkChangePhone(body(req))
      if (hasErrors(errors)) return back(errors)
      const outcome = await changePhone(services, req.applicant!.id, value, req.actor)
      if (!outcome.ok) return back(outcome.errors)
      flash(req, 'success', MESSAGES.phoneChanged)
      res.redirect(303, '/account')
    }),
  )

  router.get('/account/email', requireApplicant, (req, res) => {
    res.render(`${VIEWS}/change-email.njk`, {
      ...takeForm(req, 'changeEmail'),
      currentEmail: req.applicant!.email,
    })
  })

  router.post(
    '/account/email',
    requireApplicant,
    handler(async (req, res) => {
      const back = (errors: FieldErrors) => redirectWithErrors(req, res, 'changeEmail', errors, body(req))
      const { value, errors } = checkChangeEmail(body(req))
      if (hasErrors(errors)) return back(errors)
      const outcome = await changeEmail(services, req.applicant!.id, value, req.actor)
      if (!outcome.ok) return back(outcome.errors)
      flash(req, 'success', MESSAGES.emailChanged)
      res.redirect(303, '/account')
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
