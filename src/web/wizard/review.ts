import type { Request } from 'express'
import { shanghaiDate } from '../../domain/time'
import type { OptionList, ReviewField, Step, Values } from './types'

export interface ReviewRow {
  /** The answer's name: the row's anchor for the error summary. */
  name: string
  label: string
  value: string
  /** What ReviewField.check found, if anything. */
  error?: string
}

export interface ReviewSection {
  step: string
  title: string
  /** The section's 修改 link: the step, returning to the review page after saving. */
  href: string
  rows: ReviewRow[]
}

function optionText(options: OptionList, value: unknown): string {
  if (Array.isArray(options))
    return options.find((o) => String(o.value) === String(value))?.text ?? String(value)
  return options[String(value)] ?? String(value)
}

function dateText(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null
  return d && !Number.isNaN(d.getTime()) ? shanghaiDate(d) : String(value)
}

/** The text a reviewer reads for one answer: labels rather than codes, dates as 年-月-日. */
export async function displayValue(
  field: ReviewField,
  value: unknown,
  values: Values,
  req: Request,
): Promise<string> {
  if (field.format) return field.format(value, values)
  if (value === undefined || value === null || value === '') return ''
  if (Array.isArray(value)) {
    const parts: string[] = await Promise.all(value.map((v) => displayValue(field, v, values, req)))
    return parts.filter(Boolean).join('、')
  }
  if (field.options) {
    const options = typeof field.options === 'function' ? await field.options(values, req) : field.options
    return optionText(options, value)
  }
  if (field.kind === 'date') return dateText(value)
  if (field.kind === 'boolean' || typeof value === 'boolean')
    return value === true || value === 'true' || value === 'yes' ? '是' : '否'
  return String(value)
}

/** One section per step with review fields, in the order the applicant walked them. */
export async function reviewSections(
  req: Request,
  steps: Step[],
  byStep: Record<string, Values>,
  values: Values,
  editHref: (step: string) => string,
): Promise<ReviewSection[]> {
  const sections: ReviewSection[] = []
  for (const step of steps) {
    if (!step.fields || step.summary) continue
    const answers = byStep[step.path] ?? {}
    const rows: ReviewRow[] = []
    for (const field of step.fields) {
      if (field.showIf && !field.showIf(values)) continue
      const error = (await field.check?.(answers[field.name], values, req)) || undefined
      rows.push({
        name: field.name,
        label: field.label,
        value: await displayValue(field, answers[field.name], values, req),
        error,
      })
    }
    sections.push({ step: step.path, title: step.title, href: editHref(step.path), rows })
  }
  return sections
}

/** The review page's problems as field errors (the error summary's links go to the rows). */
export const reviewErrors = (sections: ReviewSection[]): Record<string, string> =>
  Object.fromEntries(sections.flatMap((s) => s.rows.filter((r) => r.error).map((r) => [r.name, r.error!])))

export interface AnswerRow {
  name: string
  label: string
  value: string
  /** named by a staff member's 退回修改 */
  highlighted: boolean
}

/**
 * A submitted application's answers (its merged snapshot), one section per step with review fields,
 * labelled as the review page labels them: the 详情 pages of every business. Steps in `skip` (by
 * path) are left out.
 */
export async function answerSections(
  req: Request,
  steps: Step[],
  data: Values,
  o: { highlighted?: readonly string[]; skip?: readonly string[] } = {},
): Promise<{ title: string; rows: AnswerRow[] }[]> {
  const highlighted = new Set(o.highlighted ?? [])
  const sections: { title: string; rows: AnswerRow[] }[] = []
  for (const step of steps) {
    if (!step.fields || step.summary || o.skip?.includes(step.path)) continue
    const rows: AnswerRow[] = []
    for (const field of step.fields) {
      if (field.showIf && !field.showIf(data)) continue
      rows.push({
        name: field.name,
        label: field.label,
        value: await displayValue(field, data[field.name], data, req),
        highlighted: highlighted.has(field.name),
      })
    }
    sections.push({ title: step.title, rows })
  }
  return sections
}
