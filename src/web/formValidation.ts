import type { Request, Response } from 'express'
import type Joi from 'joi'
import { inputProblems, stripControl, type InputProblem } from '../middleware/input'

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

// What the input boundary (middleware/input.ts) or validate() itself refused, beside the field.
const inputMessages: Record<InputProblem | 'repeated' | 'shape', (label: string) => string> = {
  control: (label) => `${label}不能包含控制字符`,
  shape: (label) => `${label}格式不正确`,
  repeated: (label) => `${label}只能填写一项`,
}

export const validationOptions: Joi.ValidationOptions = {
  abortEarly: false,
  stripUnknown: true,
  messages: joiMessages,
  errors: { wrap: { label: false } },
}

export function validate<T>(schema: Joi.ObjectSchema<T>, body: unknown): { value: T; errors: FieldErrors } {
  const { input, refused } = fitToSchema(schema, (body ?? {}) as Record<string, unknown>)
  const { value, error } = schema.validate(input, validationOptions)
  const errors: FieldErrors = {}
  for (const d of error?.details ?? []) {
    const key = d.path.join('.') || '_form'
    errors[key] ??= d.message
  }
  Object.assign(errors, refused)
  return { value: value as T, errors }
}

const fieldOf = (schema: Joi.ObjectSchema, key: string): Joi.Schema | undefined => {
  try {
    return schema.extract([key])
  } catch {
    return undefined
  }
}

/**
 * The body as the schema expects it, and what was refused on the way, for the schema's own fields
 * only (others are stripped anyway): what the input boundary refused, and a repeated field or an
 * object where one value is expected. Such a field keeps its first value, so the handler and the
 * redisplayed form see a string, never a list.
 */
function fitToSchema(schema: Joi.ObjectSchema, body: Record<string, unknown>) {
  const input: Record<string, unknown> = { ...body }
  const refused: FieldErrors = {}
  const refuse = (key: string, field: Joi.Schema, problem: keyof typeof inputMessages) => {
    refused[key] ??= inputMessages[problem](
      String((field.describe().flags as { label?: string } | undefined)?.label ?? '此项'),
    )
  }
  for (const [key, problem] of Object.entries(inputProblems(body))) {
    const field = fieldOf(schema, key)
    if (field) refuse(key, field, problem)
  }
  for (const [key, v] of Object.entries(body)) {
    if (!v || typeof v !== 'object') continue
    const field = fieldOf(schema, key)
    if (!field || field.type === 'array' || field.type === 'object') continue
    const first = Array.isArray(v) ? v[0] : undefined
    input[key] = typeof first === 'string' ? first : ''
    refuse(key, field, Array.isArray(v) ? 'repeated' : 'shape')
  }
  return { input, refused }
}

export const hasErrors = (e: FieldErrors) => Object.keys(e).length > 0

// Kept values are bounded: the longest field any form takes (节假日列表) fits, a flood does not.
const KEPT_VALUE_CHARS = 20_000
const KEPT_TOTAL_CHARS = 60_000
const KEPT_NAME_CHARS = 100
const KEPT_ITEMS = 200
const KEPT_DEPTH = 3

/**
 * Values worth echoing back to the form: never passwords, codes or tokens; strings, numbers and
 * their lists and rows only, cut to size and without control characters, so that the session row
 * always stores and stays small.
 */
function keepable(values: Record<string, unknown>): Record<string, unknown> {
  let budget = KEPT_TOTAL_CHARS
  const keep = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      const kept = stripControl(v).slice(0, Math.min(KEPT_VALUE_CHARS, budget))
      budget -= kept.length
      return kept
    }
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v
    if (depth >= KEPT_DEPTH || !v || typeof v !== 'object') return undefined
    if (Array.isArray(v))
      return v
        .slice(0, KEPT_ITEMS)
        .map((x) => keep(x, depth + 1))
        .filter((x) => x !== undefined)
    return keepFields(v as Record<string, unknown>, depth + 1)
  }
  const keepFields = (o: Record<string, unknown>, depth: number) => {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(o).slice(0, KEPT_ITEMS)) {
      if (/password|^_csrf$|captcha|^smsCode$|^code$/i.test(k)) continue
      if (k.length > KEPT_NAME_CHARS || stripControl(k) !== k || k === '__proto__') continue
      const kept = keep(v, depth)
      if (kept !== undefined) out[k] = kept
    }
    return out
  }
  return keepFields(values ?? {}, 0)
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
