import Joi from 'joi'
import { checkDocNumber, DOC_TYPES, normaliseDocNumber, type DocType } from '../../domain/idNumber'
import { checkEmail, checkMobile, checkName, checkPassword, normaliseName } from '../../domain/password'
import { shanghaiDate } from '../../domain/time'
import { validate, type FieldErrors } from '../../web/formValidation'
import { MESSAGES } from './messages'

// One schema per page for the shape of the input; the rules themselves live in src/domain and are
// applied by the check* functions below, which add their message only where the shape was right.

const choose = (message: string) => ({
  'any.only': message,
  'any.required': message,
  'string.empty': message,
})

const docType = Joi.string()
  .valid(...DOC_TYPES)
  .required()
  .label('证件类型')
  .messages(choose(MESSAGES.docTypeMissing))
const docNumber = Joi.string()
  .trim()
  .max(40)
  .required()
  .label('证件号码')
  .messages({ 'any.required': MESSAGES.docNumberMissing, 'string.empty': MESSAGES.docNumberMissing })
const name = Joi.string().max(200).allow('').default('').label('姓名')
const newPassword = Joi.string()
  .max(200)
  .required()
  .label('密码')
  .messages({ 'any.required': MESSAGES.passwordMissing, 'string.empty': MESSAGES.passwordMissing })
const passwordConfirm = Joi.string().max(200).required().label('确认密码').messages({
  'any.required': MESSAGES.passwordConfirmMissing,
  'string.empty': MESSAGES.passwordConfirmMissing,
})
const email = Joi.string()
  .trim()
  .max(254)
  .required()
  .label('电子邮箱')
  .messages({ 'any.required': MESSAGES.emailMissing, 'string.empty': MESSAGES.emailMissing })
const phone = Joi.string()
  .max(40)
  .required()
  .label('手机号码')
  .messages({ 'any.required': MESSAGES.phoneMissing, 'string.empty': MESSAGES.phoneMissing })
const smsCode = Joi.string()
  .trim()
  .max(20)
  .required()
  .label('短信验证码')
  .messages({ 'any.required': MESSAGES.smsCodeMissing, 'string.empty': MESSAGES.smsCodeMissing })
const currentPassword = (missing: string) =>
  Joi.string().max(200).required().messages({ 'any.required': missing, 'string.empty': missing })

/** Mobile numbers are pasted with spaces or dashes, or typed with a full-width input method. */
export function normalisePhone(raw: string): string {
  return raw
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s-]/g, '')
}

/** A field as text; anything else a crafted request sends (arrays, objects) counts as empty. */
const text = (v: unknown): string => (typeof v === 'string' ? v : '')

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
function isRealDate(iso: string): boolean {
  if (!DATE_RE.test(iso)) return false
  const d = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso
}

function checkNewPassword(value: { password?: string; passwordConfirm?: string }, errors: FieldErrors): void {
  if (!errors.password) {
    const problem = checkPassword(text(value.password))
    if (problem) errors.password = problem
  }
  if (!errors.password && !errors.passwordConfirm && value.password !== value.passwordConfirm)
    errors.passwordConfirm = MESSAGES.passwordMismatch
}

function checkSmsCodeShape(value: { smsCode?: string }, errors: FieldErrors): void {
  if (!errors.smsCode && !/^\d{6}$/.test(text(value.smsCode))) errors.smsCode = MESSAGES.smsCodeFormat
}

// ---------------------------------------------------------------------------------------------
// 实名注册

const registrationSchema = Joi.object({
  docType,
  name,
  docNumber,
  validFrom: Joi.string()
    .trim()
    .required()
    .messages({ 'any.required': MESSAGES.validFromMissing, 'string.empty': MESSAGES.validFromMissing }),
  validTo: Joi.string().trim().max(20).allow('').default('').label('证件有效期结束日期'),
  validLong: Joi.string().valid('yes').optional().label('长期'),
  password: newPassword,
  passwordConfirm,
  email,
  phone,
  smsCode,
  agree: Joi.string().valid('yes').required().messages(choose(MESSAGES.agreeMissing)),
})

export interface Registration {
  docType: DocType
  name: string
  docNumber: string
  validFrom: string
  validTo: string | null
  password: string
  email: string
  phone: string
  smsCode: string
  sex: 'M' | 'F' | null
  birthDate: string | null
}

const REGISTRATION_FIELDS = Object.keys(registrationSchema.describe().keys ?? {})

/** The error summary lists problems in the order the fields appear on the page. */
function inFormOrder(errors: FieldErrors, fields: string[]): FieldErrors {
  const rank = (k: string) => (fields.includes(k) ? fields.indexOf(k) : fields.length)
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)))
}

/** Validates the whole registration form against the rules of the chosen document type. */
export function checkRegistration(body: unknown, now: Date): { value: Registration; errors: FieldErrors } {
  const { value: raw, errors } = validate<Record<string, unknown>>(registrationSchema, body)
  const v = Object.fromEntries(REGISTRATION_FIELDS.map((k) => [k, text(raw[k])]))
  const today = shanghaiDate(now)
  const type = v.docType as DocType

  const nameProblem = errors.name ? null : checkName(v.name)
  if (nameProblem) errors.name = nameProblem

  const number = errors.docNumber || errors.docType ? '' : normaliseDocNumber(type, v.docNumber)
  let sex: 'M' | 'F' | null = null
  let birthDate: string | null = null
  if (number) {
    const checked = checkDocNumber(type, number, now)
    if (!checked.ok) errors.docNumber = checked.error
    else {
      sex = checked.sex ?? null
      birthDate = checked.birthDate ?? null
    }
  }

  const validFrom = v.validFrom
  if (!errors.validFrom) {
    if (!isRealDate(validFrom)) errors.validFrom = MESSAGES.dateFormat
    else if (validFrom > today) errors.validFrom = MESSAGES.validFromFuture
  }
  const long = v.validLong === 'yes'
  const validTo = v.validTo
  if (!errors.validTo && !errors.validLong) {
    if (long) {
      if (!errors.docType && type !== 'id_card') errors.validTo = MESSAGES.validLongOnlyIdCard
    } else if (!validTo) errors.validTo = MESSAGES.validToMissing
    else if (!isRealDate(validTo)) errors.validTo = MESSAGES.dateFormat
    else if (!errors.validFrom && validTo <= validFrom) errors.validTo = MESSAGES.validToBeforeStart
    else if (validTo < today) errors.validTo = MESSAGES.validToExpired
  }

  checkNewPassword(v, errors)
  const emailValue = v.email
  if (!errors.email) {
    const problem = checkEmail(emailValue)
    if (problem) errors.email = problem
  }
  const phoneValue = normalisePhone(v.phone)
  if (!errors.phone) {
    const problem = checkMobile(phoneValue)
    if (problem) errors.phone = problem
  }
  checkSmsCodeShape(v, errors)

  return {
    errors: inFormOrder(errors, REGISTRATION_FIELDS),
    value: {
      docType: type,
      name: normaliseName(v.name),
      docNumber: number,
      validFrom,
      validTo: long ? null : validTo,
      password: v.password,
      email: emailValue,
      phone: phoneValue,
      smsCode: v.smsCode,
      sex,
      birthDate,
    },
  }
}

/** Only the phone matters when a code is asked for; the error goes where the number was typed. */
export function checkPhoneOnly(body: unknown, field = 'phone'): { phone: string; errors: FieldErrors } {
  const phoneValue = normalisePhone(text((body as Record<string, unknown> | undefined)?.[field]))
  const problem = phoneValue ? checkMobile(phoneValue) : MESSAGES.phoneMissing
  return { phone: phoneValue, errors: problem ? { [field]: problem } : {} }
}

// ---------------------------------------------------------------------------------------------
// 忘记密码

const forgotSchema = Joi.object({ docType, docNumber, name })

export function checkForgot(body: unknown): {
  value: { docType: DocType; docNumber: string; name: string }
  errors: FieldErrors
} {
  const { value: v, errors } = validate<Record<string, unknown>>(forgotSchema, body)
  const nameProblem = errors.name ? null : checkName(text(v.name))
  if (nameProblem) errors.name = nameProblem
  const type = v.docType as DocType
  return {
    value: {
      docType: type,
      docNumber: errors.docType || errors.docNumber ? '' : normaliseDocNumber(type, text(v.docNumber)),
      name: normaliseName(text(v.name)),
    },
    errors,
  }
}

const resetByLinkSchema = Joi.object({ password: newPassword, passwordConfirm })

export function checkResetByLink(body: unknown) {
  const { value, errors } = validate<{ password: string; passwordConfirm: string }>(resetByLinkSchema, body)
  checkNewPassword(value, errors)
  return { value, errors }
}

const resetBySmsSchema = Joi.object({ smsCode, password: newPassword, passwordConfirm })

export function checkResetBySms(body: unknown) {
  const { value, errors } = validate<{ smsCode: string; password: string; passwordConfirm: string }>(
    resetBySmsSchema,
    body,
  )
  checkSmsCodeShape(value, errors)
  checkNewPassword(value, errors)
  return { value, errors }
}

// ---------------------------------------------------------------------------------------------
// 个人信息中心

const changePasswordSchema = Joi.object({
  oldPassword: currentPassword(MESSAGES.oldPasswordMissing),
  password: newPassword,
  passwordConfirm,
})

export function checkChangePassword(body: unknown) {
  const { value, errors } = validate<{ oldPassword: string; password: string; passwordConfirm: string }>(
    changePasswordSchema,
    body,
  )
  checkNewPassword(value, errors)
  if (!errors.password && !errors.oldPassword && value.password === value.oldPassword)
    errors.password = MESSAGES.passwordSame
  return { value, errors }
}

const changePhoneSchema = Joi.object({
  phone,
  smsCode,
  currentPassword: currentPassword(MESSAGES.currentPasswordMissing),
})

export function checkChangePhone(body: unknown) {
  const { value, errors } = validate<{ phone: string; smsCode: string; currentPassword: string }>(
    changePhoneSchema,
    body,
  )
  value.phone = normalisePhone(text(value.phone))
  if (!errors.phone) {
    const problem = checkMobile(value.phone)
    if (problem) errors.phone = problem
  }
  checkSmsCodeShape(value, errors)
  return { value, errors }
}

const changeEmailSchema = Joi.object({
  email,
  currentPassword: currentPassword(MESSAGES.currentPasswordMissing),
})

export function checkChangeEmail(body: unknown) {
  const { value, errors } = validate<{ email: string; currentPassword: string }>(changeEmailSchema, body)
  if (!errors.email) {
    const problem = checkEmail(value.email)
    if (problem) errors.email = problem
  }
  return { value, errors }
}
