import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireApplicant } from '../../middleware/auth'
import { DOC_TYPE_LABELS, maskPhone } from '../../domain/idNumber'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, type FieldErrors } from '../../web/formValidation'
import { MESSAGES, SEX_LABELS } from './messages'
import { docNumberTaken, findAccount, findProfile } from './repository'
import { passLabel, passTypeFor, PROFILE_EXTRAS, SEX_OPTIONS } from '../auth/profile'
import { refOptions } from '../../services/reference'
import {
  checkChangeEmail,
  checkChangePassword,
  checkChangePhone,
  checkPhoneOnly,
  checkRegistration,
} from './schemas'
import { changeEmail, changePassword, changePhone, registerApplicant } from './service'
import { changeProfile, editableProfileFields } from './profileService'
import { currentAgreement } from '../privacy/agreement'
import { textBlocks } from '../../web/texts'

import {
  body,
  DOC_TYPE_OPTIONS,
  sendCodeAndShow,
  typedForm,
  typedValues,
  VIEWS,
  type ShowTyped,
  type TypedForm,
} from './pages'
import { forgotPasswordRoutes } from './forgotRoutes'

// 实名注册, 忘记密码 (forgotRoutes.ts) and the 个人信息中心's 个人身份信息: 修改个人信息, 修改密码, 修改手机号码, 修改邮箱.

export function accountRoutes(services: Services): Router {
  const router = Router()
  const { db, clock } = services

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
    await sendCodeAndShow(services, req, res, { phone, purpose: 'register', show })
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

  router.use(forgotPasswordRoutes(services))

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
        return sendCodeAndShow(services, req, res, { phone, purpose: 'change_phone', show })
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
