import type { Request, Response } from 'express'
import type Joi from 'joi'

export type FieldErrors = Record<string, string>

// Joi's defaults in Chinese; each schema names its fields with .label('姓名').
export const joiMessages: Joi.LanguageMessages = {
  'any.required': '请填写{#label}',
  'string.empty': '请填写{#label}',
  'string.base': '请填写{#label}',
  'string.max': '{#label}不能超过{#limit}个字符',
  'string.min': '{#label}至少{#limit}个字符',
  'string.length': '{#label}应为{#limit}个字符',
  'string.pattern.base': '{#label}格式不正确',
  'string.email': '{#label}格式不正确',
  'any.only': '请选择{#label}',
  'any.invalid': '{#label}不正确',
  'number.base': '{#label}必须是数字',
  'number.min': '{#label}不能小于{#limit}',
  'number.max': '{#label}不能大于{#limit}',
  'date.base': '{#label}不是有效的日期',
  'date.format': '{#label}应为“年-月-日”格式，例如2024-09-01',
  'date.min': '{#label}不能早于{#limit}',
  'date.max': '{#label}不能晚于{#limit}',
  'boolean.base': '请选择{#label}',
}

export const validationOptions: Joi.ValidationOptions = {
  abortEarly: false,
  stripUnknown: true,
  messages: joiMessages,
  errors: { wrap: { label: false } },
}

export function validate<T>(schema: Joi.ObjectSchema<T>, body: unknown): { value: T; errors: FieldErrors } {
  const { value, error } = schema.validate(body ?? {}, validationOptions)
  const errors: FieldErrors = {}
  for (const d of error?.details ?? []) {
    const key = d.path.join('.') || '_form'
    errors[key] ??= d.message
  }
  return { value: value as T, errors }
}

export const hasErrors = (e: FieldErrors) => Object.keys(e).length > 0

/** Values worth echoing back to the form: never passwords, codes or tokens. */
function keepable(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(values ?? {})) {
    if (/password|^_csrf$|captcha|^smsCode$|^code$/i.test(k)) continue
    out[k] = v
  }
  return out
}

/** Post/Redirect/Get: keep the errors and what was typed, then show the same page again. */
export function redirectWithErrors(
  req: Request,
  res: Response,
  formKey: string,
  errors: FieldErrors,
  values: Record<string, unknown>,
  to = req.originalUrl,
): void {
  req.session.forms = { ...(req.session.forms ?? {}), [formKey]: { errors, values: keepable(values) } }
  res.redirect(303, to)
}

/** Reads and forgets what redirectWithErrors kept; `defaults` fill fields the user has not typed. */
export function takeForm(req: Request, formKey: string, defaults: Record<string, unknown> = {}) {
  const kept = req.session.forms?.[formKey]
  if (kept && req.session.forms) delete req.session.forms[formKey]
  const errors = kept?.errors ?? {}
  return {
    errors,
    errorList: Object.entries(errors).map(([field, text]) => ({ field, text })),
    values: { ...defaults, ...(kept?.values ?? {}) } as Record<string, unknown>,
  }
}

export function flash(req: Request, kind: 'info' | 'success' | 'error', text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, text }]
}
