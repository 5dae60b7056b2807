import Joi from 'joi'
import { formatScore, gradeForTenths, parseScore } from '../../domain/mandarin'
import { validate, type FieldErrors } from '../../web/formValidation'
import {
  DEGREE_NAMES,
  EDUCATION_LEVELS,
  educationFieldLabels,
  MESSAGES,
  NO_DEGREE,
  NO_DEGREE_NUMBER,
} from './messages'

// One schema per form; dates are checked here against "today" (Asia/Shanghai) given by the caller.

const certNumber = (label: string) =>
  Joi.string()
    .trim()
    .max(50)
    .pattern(/^[0-9A-Za-z-]+$/)
    .required()
    .label(label)
    .messages({ 'string.pattern.base': `${label}只能包含数字、字母和“-”` })
const text = (label: string, max = 100) => Joi.string().trim().max(max).required().label(label)
const date = (label: string) => Joi.string().trim().required().label(label)

function isRealDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false
  const d = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso && iso >= '1950-01-01'
}

function checkDate(errors: FieldErrors, field: string, value: string | undefined, today: string): void {
  if (errors[field] || value === undefined) return
  if (!isRealDate(value)) errors[field] = MESSAGES.dateInvalid
  else if (value > today) errors[field] = MESSAGES.dateFuture
}

export const checkVerify = (body: unknown, label: string) =>
  validate<{ certNumber: string }>(Joi.object({ certNumber: certNumber(label) }), body)

export interface MandarinInput {
  certNumber: string
  score: string
  grade: string
  issuer: string
  issuedOn: string
}

const mandarinSchema = Joi.object({
  certNumber: certNumber('证书编号'),
  score: Joi.string().trim().required().label('分数'),
  issuer: text('发证单位'),
  issuedOn: date('发证日期'),
})

/** 录入证书: the score must be a number 0–100 with one decimal, and earn a grade. */
export function checkMandarin(body: unknown, today: string): { value: MandarinInput; errors: FieldErrors } {
  const { value, errors } = validate<Omit<MandarinInput, 'grade'>>(mandarinSchema, body)
  let grade = ''
  if (!errors.score) {
    const tenths = parseScore(value.score)
    if (tenths === null) errors.score = MESSAGES.scoreInvalid
    else {
      grade = gradeForTenths(tenths) ?? ''
      if (!grade) errors.score = MESSAGES.scoreNoGrade
      else value.score = formatScore(tenths)
    }
  }
  checkDate(errors, 'issuedOn', value.issuedOn, today)
  return { value: { ...value, grade }, errors }
}

export type ManualEducationCategory = 'unverifiable' | 'hmt' | 'foreign'
export const MANUAL_EDUCATION_CATEGORIES: ManualEducationCategory[] = ['unverifiable', 'hmt', 'foreign']
export const isManualEducationCategory = (v: unknown): v is ManualEducationCategory =>
  MANUAL_EDUCATION_CATEGORIES.includes(v as ManualEducationCategory)

export interface EducationInput {
  category: ManualEducationCategory
  certNumber: string
  school: string
  major: string
  level: string
  graduatedOn: string
}

const educationSchema = (certNumberLabel: string) =>
  Joi.object({
    category: Joi.string()
      .valid(...MANUAL_EDUCATION_CATEGORIES)
      .required()
      .label('学历类型'),
    // The characters allowed depend on the category: checked below.
    certNumber: Joi.string().trim().max(60).required().label(certNumberLabel),
    school: text('毕业学校'),
    major: text('所学专业'),
    level: Joi.string()
      .valid(...EDUCATION_LEVELS)
      .required()
      .label('学历层次'),
    graduatedOn: date('毕业日期'),
  })

// Real 学历认证报告 numbers read like 教留服认美〔2019〕123456号 or 教留服认英[2020]0456: Chinese
// characters and square/hexagonal brackets. Only 小括号 （） are refused (manual 000 §3).
const REPORT_NUMBER = /^[\p{Script=Han}0-9A-Za-z\-/［］[\]【】〔〕]+$/u
const DIPLOMA_NUMBER = /^[0-9A-Za-z\-/［］[\]【】〔〕]+$/

export function checkEducation(body: unknown, today: string): { value: EducationInput; errors: FieldErrors } {
  const labels = educationFieldLabels((body as Record<string, unknown> | undefined)?.category as string)
  const { value, errors } = validate<EducationInput>(educationSchema(labels.certNumber), body)
  if (!errors.certNumber && value.certNumber) {
    if (/[（）()]/.test(value.certNumber)) errors.certNumber = MESSAGES.reportBrackets(labels.certNumber)
    else if (!(labels.report ? REPORT_NUMBER : DIPLOMA_NUMBER).test(value.certNumber))
      errors.certNumber = (labels.report ? MESSAGES.reportChars : MESSAGES.diplomaChars)(labels.certNumber)
  }
  checkDate(errors, 'graduatedOn', value.graduatedOn, today)
  return { value, errors }
}

export interface DegreeInput {
  degreeName: string
  certNumber: string
  school: string
  major: string
  awardedOn: string
}

const degreeSchema = Joi.object({
  degreeName: Joi.string()
    .valid(...DEGREE_NAMES)
    .required()
    .label('学位名称'),
  certNumber: Joi.string().allow('').trim().max(50).label('学位证书编号'),
  school: Joi.string().allow('').trim().max(100).label('学位授予单位'),
  major: Joi.string().allow('').trim().max(100).label('所学专业'),
  awardedOn: Joi.string().allow('').trim().label('授予日期'),
})

/** 学位: 无学位 sets the number to 无 and needs nothing else; a degree needs every field. */
export function checkDegree(body: unknown, today: string): { value: DegreeInput; errors: FieldErrors } {
  const { value, errors } = validate<DegreeInput>(degreeSchema, body)
  const v: DegreeInput = {
    degreeName: '',
    certNumber: '',
    school: '',
    major: '',
    awardedOn: '',
    ...(value as Partial<DegreeInput>),
  }
  if (v.degreeName === NO_DEGREE) {
    return {
      value: { degreeName: NO_DEGREE, certNumber: NO_DEGREE_NUMBER, school: '', major: '', awardedOn: '' },
      errors,
    }
  }
  const required: [keyof DegreeInput, string][] = [
    ['certNumber', '学位证书编号'],
    ['school', '学位授予单位'],
    ['major', '所学专业'],
    ['awardedOn', '授予日期'],
  ]
  for (const [field, label] of required) if (!errors[field] && !v[field]) errors[field] = `请填写${label}`
  if (!errors.certNumber && !/^[0-9A-Za-z-]+$/.test(v.certNumber))
    errors.certNumber = '学位证书编号只能包含数字、字母和“-”'
  if (v.awardedOn) checkDate(errors, 'awardedOn', v.awardedOn, today)
  return { value: v, errors }
}

export interface Decision {
  decision: 'pass' | 'fail'
  reason: string
  version: number
}

const decisionSchema = Joi.object({
  decision: Joi.string().valid('pass', 'fail').required().label('核验结论'),
  reason: Joi.string().allow('').trim().max(500).label('原因'),
  version: Joi.number().integer().min(1).required().label('版本'),
})

export function checkDecision(body: unknown): { value: Decision; errors: FieldErrors } {
  const { value, errors } = validate<Decision>(decisionSchema, body)
  const v = { ...value, reason: value.reason ?? '' }
  if (v.decision === 'fail' && !v.reason) errors.reason = MESSAGES.reasonRequired
  return { value: v, errors }
}

export interface QueueQuery {
  kind: 'all' | 'mandarin' | 'education' | 'degree'
  status: 'pending' | 'verified' | 'rejected' | 'all'
  page: number
}

const queueSchema = Joi.object({
  kind: Joi.string().valid('all', 'mandarin', 'education', 'degree').default('all').label('信息类型'),
  status: Joi.string().valid('pending', 'verified', 'rejected', 'all').default('pending').label('核验状态'),
  page: Joi.number().integer().min(1).max(100000).default(1).label('页码'),
})

export function checkQueueQuery(query: unknown): { value: QueueQuery; errors: FieldErrors } {
  const { value, errors } = validate<QueueQuery>(queueSchema, query)
  if (errors.kind) value.kind = 'all'
  if (errors.status) value.status = 'pending'
  if (errors.page) value.page = 1
  return { value, errors }
}
