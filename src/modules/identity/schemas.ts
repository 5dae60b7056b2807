import Joi from 'joi'
import { checkName, normaliseName } from '../../domain/password'
import { validate, type FieldErrors } from '../../web/formValidation'
import { MESSAGES } from './messages'

// One schema per page for the shape of the input; names are checked by the domain rule.

const name = Joi.string().max(200).allow('').default('').label('姓名')

function withName<T extends { name: string }>(value: T, errors: FieldErrors): T {
  if (!errors.name) {
    const problem = checkName(value.name)
    if (problem) errors.name = problem
  }
  return { ...value, name: normaliseName(value.name ?? '') }
}

export function checkVerifyForm(body: unknown): { value: { name: string }; errors: FieldErrors } {
  const { value, errors } = validate(Joi.object({ name }), body)
  return { value: withName(value, errors), errors }
}

export interface ReviewForm {
  name: string
  details: string
  photoFileId: string
  action: 'preview' | 'submit'
}

const reviewSchema = Joi.object<ReviewForm>({
  name,
  details: Joi.string().trim().max(500).required().label('情况说明'),
  photoFileId: Joi.string().trim().allow('').max(40).default(''),
  action: Joi.string().valid('preview', 'submit').default('submit'),
})

export function checkReviewForm(body: unknown): { value: ReviewForm; errors: FieldErrors } {
  const { value, errors } = validate(reviewSchema, body)
  return { value: withName(value, errors), errors }
}

export interface DecisionForm {
  decision: 'approve' | 'reject'
  reason: string
  version: number
}

const decisionSchema = Joi.object<DecisionForm>({
  decision: Joi.string().valid('approve', 'reject').required().label('审核结论'),
  reason: Joi.string().trim().allow('').max(500).default('').label('原因'),
  version: Joi.number().integer().min(1).required().label('版本'),
})

export function checkDecisionForm(body: unknown): { value: DecisionForm; errors: FieldErrors } {
  const { value, errors } = validate(decisionSchema, body)
  if (!errors.decision && value.decision === 'reject' && !value.reason)
    errors.reason = MESSAGES.reasonRequired
  return { value, errors }
}

export interface QueueQuery {
  status: 'pending' | 'approved' | 'rejected' | 'all'
  from: string
  to: string
  q: string
  page: number
}

const isoDay = Joi.string()
  .trim()
  .allow('')
  .default('')
  .pattern(/^\d{4}-\d{2}-\d{2}$/)
  .messages({ 'string.pattern.base': '{#label}应为“年-月-日”格式，例如2026-09-01' })

const queueSchema = Joi.object<QueueQuery>({
  status: Joi.string().valid('pending', 'approved', 'rejected', 'all').default('pending').label('审核状态'),
  from: isoDay.label('提交日期（起）'),
  to: isoDay.label('提交日期（止）'),
  q: Joi.string().trim().allow('').max(50).default('').label('姓名或证件号码'),
  page: Joi.number().integer().min(1).max(100_000).default(1),
})

/** Filters from the query string; a bad one is reported and dropped, the rest still apply. */
export function checkQueueQuery(query: unknown): { value: QueueQuery; errors: FieldErrors } {
  const { value, errors } = validate(queueSchema, query)
  const clean = { ...value }
  for (const key of Object.keys(errors) as (keyof QueueQuery)[]) {
    if (key === 'status') clean.status = 'pending'
    else if (key === 'page') clean.page = 1
    else (clean as Record<string, unknown>)[key] = ''
  }
  for (const key of ['from', 'to'] as const)
    if (clean[key] && !isRealDate(clean[key])) {
      errors[key] = `${key === 'from' ? '提交日期（起）' : '提交日期（止）'}不是有效的日期`
      clean[key] = ''
    }
  return { value: clean, errors }
}

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}
