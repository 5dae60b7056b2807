import Joi from 'joi'
import { checkMobile } from '../../domain/password'
import { shanghaiDateTime, shanghaiDateToUtc } from '../../domain/time'
import { BUSINESSES, type Business } from '../../domain/windows'
import type { FieldErrors } from '../../web/formValidation'
import { m } from './messages'

// One joi schema per administrator form, and the checks joi does not express (date-times, periods).

const yes = Joi.string().valid('yes').allow('').default('')
const codes = Joi.array().items(Joi.string().trim().max(10)).single().default([])
const phone = Joi.string()
  .trim()
  .allow('')
  .max(30)
  .pattern(/^[0-9\-（）() ]+$/)
  .messages({ 'string.pattern.base': '{#label}只能包含数字、减号和括号' })
const dateTime = Joi.string().trim().allow('').max(20)

export const authoritySchema = Joi.object({
  name: Joi.string().trim().max(60).required().label('机构名称'),
  regionCode: Joi.string()
    .trim()
    .pattern(/^\d{6}$/)
    .required()
    .label('所在地区代码')
    .messages({ 'string.pattern.base': '所在地区代码应为6位数字' }),
  address: Joi.string().trim().allow('').max(200).label('地址'),
  phone: phone.label('联系电话'),
  registers: yes,
  stages: codes,
  certifies: yes,
  qualificationTypes: codes,
  postsCertificates: yes,
  certificateBureauCode: Joi.string()
    .trim()
    .allow('')
    .pattern(/^\d{3}$/)
    .label('证书编号机构代码')
    .messages({ 'string.pattern.base': '证书编号机构代码应为3位数字，例如 012' }),
  reminder: Joi.string().trim().allow('').max(2000).label('申报提醒'),
  formDownloadEnd: Joi.string()
    .trim()
    .allow('')
    .pattern(/^\d{4}-\d{2}-\d{2}$/)
    .label('申请表下载截止日期')
    .messages({ 'string.pattern.base': '申请表下载截止日期应为“年-月-日”格式，例如 2026-12-31' }),
  enabled: yes,
})

export interface AuthorityForm {
  name: string
  regionCode: string
  address: string
  phone: string
  registers: string
  stages: string[]
  certifies: string
  qualificationTypes: string[]
  postsCertificates: string
  certificateBureauCode: string
  reminder: string
  formDownloadEnd: string
  enabled: string
}

export const pointSchema = Joi.object({
  name: Joi.string().trim().max(60).required().label('确认点名称'),
  scope: Joi.string().trim().max(1000).required().label('确认范围'),
  freeSchools: Joi.string().trim().allow('').max(5000).label('其他学校'),
  address: Joi.string().trim().max(200).required().label('地址'),
  phone: phone.label('联系电话'),
  confirmStart: dateTime.label('现场确认开始时间'),
  confirmEnd: dateTime.label('现场确认结束时间'),
  capacityPerDay: Joi.number()
    .integer()
    .min(1)
    .max(100000)
    .empty('')
    .allow(null)
    .default(null)
    .label('每日确认人数上限')
    .messages({ 'number.integer': '每日确认人数上限应为整数' }),
  enabled: yes,
})

export interface PointForm {
  name: string
  scope: string
  freeSchools: string
  address: string
  phone: string
  confirmStart: string
  confirmEnd: string
  capacityPerDay: number | null
  enabled: string
}

export const pointSchoolsSchema = Joi.object({
  add: Joi.array().items(Joi.number().integer().min(1)).single().default([]),
  remove: Joi.array().items(Joi.number().integer().min(1)).single().default([]),
})

export const windowSchema = Joi.object({
  business: Joi.string()
    .valid(...BUSINESSES)
    .required()
    .label('业务'),
  start: Joi.string().trim().max(20).required().label('网报开始时间'),
  end: Joi.string().trim().max(20).required().label('网报结束时间'),
})

export interface WindowForm {
  business: Business
  start: string
  end: string
}

/** 'YYYY-MM-DD HH:MM' (or a bare date, meaning 00:00) in Shanghai time → the instant; null if not real. */
export function parseDateTime(text: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(text.trim())
  if (!match) return null
  try {
    return shanghaiDateToUtc(match[1], match[2] ? `${match[2].padStart(2, '0')}:${match[3]}` : '00:00')
  } catch {
    return null
  }
}

export const formatDateTime = (d: Date | null | undefined): string => (d ? shanghaiDateTime(d) : '')

/** Parses a pair of date-times into errors beside each field; both optional unless `required`. */
export function checkPeriod(
  v: { start: string; end: string },
  errors: FieldErrors,
  names: { start: string; end: string },
  opts: { required: boolean; endMessage: string },
): { start: Date | null; end: Date | null } {
  const parse = (text: string, field: string) => {
    if (!text) return null
    const d = parseDateTime(text)
    if (!d && !errors[field]) errors[field] = m.DATETIME_FORMAT
    return d
  }
  const start = parse(v.start ?? '', names.start)
  const end = parse(v.end ?? '', names.end)
  if (!opts.required && !!v.start !== !!v.end && !errors[names.start] && !errors[names.end])
    errors[v.start ? names.end : names.start] = m.PERIOD_BOTH
  if (start && end && end.getTime() <= start.getTime() && !errors[names.end])
    errors[names.end] = opts.endMessage
  return { start, end }
}

/** A mobile number must be a real one; landlines such as 0771-5550000 pass the pattern above. */
export function checkPhone(value: string, field: string, errors: FieldErrors) {
  if (!errors[field] && /^1\d{10}$/.test(value)) {
    const e = checkMobile(value)
    if (e) errors[field] = e
  }
}

/** The typed school names: one a line (or separated by ，、；), trimmed, without repeats. */
export function schoolLines(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n\r，,、；;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
}
