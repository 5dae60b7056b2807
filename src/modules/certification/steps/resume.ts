import type { Services } from '../../../services'
import { shanghaiDate } from '../../../domain/time'
import type { FieldErrors } from '../../../web/formValidation'
import type { Values } from '../../../web/wizard/types'
import { str } from '../../../web/values'
import * as m from '../messages'

// 个人简历: rows of parallel columns, added and removed without JavaScript.

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : v === undefined ? [] : [str(v)])

export const RESUME_COLUMNS = [
  { name: 'rowStart', label: '开始时间' },
  { name: 'rowEnd', label: '结束时间' },
  { name: 'rowUnit', label: '单位' },
  { name: 'rowPost', label: '职务' },
  { name: 'rowReferee', label: '证明人' },
] as const

export interface ResumeRow {
  start: string
  end: string
  unit: string
  post: string
  referee: string
}

/** The CV rows as posted (parallel columns), dropping rows left wholly empty. */
export function resumeRows(v: Values): ResumeRow[] {
  const cols = RESUME_COLUMNS.map((c) => list(v[c.name]).map((s) => s.trim()))
  const n = Math.max(0, ...cols.map((c) => c.length))
  const rows: ResumeRow[] = []
  for (let i = 0; i < n; i++) {
    const [start, end, unit, post, referee] = cols.map((c) => c[i] ?? '')
    rows.push({ start, end, unit, post, referee })
  }
  return rows
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/

/** Errors per cell (`rowStart.2`), in order, without overlap, not after this month. */
export function resumeErrors(rows: ResumeRow[], today: string): FieldErrors {
  const errors: FieldErrors = {}
  const filled = rows.filter((r) => Object.values(r).some(Boolean))
  if (!filled.length) return { rowStart: m.RESUME_ERRORS.empty }
  const thisMonth = today.slice(0, 7)
  let previousEnd = ''
  rows.forEach((r, i) => {
    if (!Object.values(r).some(Boolean)) return
    for (const c of RESUME_COLUMNS) {
      const key = c.name.slice(3).toLowerCase() as keyof ResumeRow
      if (!r[key]) errors[`${c.name}.${i}`] = m.RESUME_ERRORS.required(c.label)
    }
    for (const [field, value] of [
      ['rowStart', r.start],
      ['rowEnd', r.end],
    ] as const) {
      if (value && !MONTH.test(value)) errors[`${field}.${i}`] = m.RESUME_ERRORS.month
      else if (value > thisMonth) errors[`${field}.${i}`] = m.RESUME_ERRORS.future
    }
    if (errors[`rowStart.${i}`] || errors[`rowEnd.${i}`]) return
    if (r.end < r.start) errors[`rowEnd.${i}`] = m.RESUME_ERRORS.order
    else if (previousEnd && r.start < previousEnd) errors[`rowStart.${i}`] = m.RESUME_ERRORS.overlap
    previousEnd = r.end
  })
  return errors
}

/** The CV as one line of the review page and the record. */
export const resumeText = (_v: unknown, v: Values) =>
  resumeRows(v)
    .map((r) => `${r.start} 至 ${r.end} ${r.unit} ${r.post}（证明人：${r.referee}）`)
    .join('；')

export function resumePage(_s: Services, _req: unknown, _values: Values, shown: Values) {
  const rows = resumeRows(shown)
  return {
    rows: rows.length ? rows : [{ start: '', end: '', unit: '', post: '', referee: '' }],
    intro: m.RESUME_INTRO,
    maxRows: m.RESUME_MAX_ROWS,
  }
}

/** 添加一行: one more empty row, up to the most allowed. */
export function addRow(_s: Services, posted: Values): Values {
  const out: Values = { ...posted }
  for (const c of RESUME_COLUMNS) out[c.name] = [...list(posted[c.name]), ''].slice(0, m.RESUME_MAX_ROWS)
  return out
}

/** 删除 on row i: `removeRow<i>`. */
export const removeRows = Object.fromEntries(
  Array.from({ length: m.RESUME_MAX_ROWS }, (_, i) => [
    `removeRow${i}`,
    (_s: Services, posted: Values): Values => {
      const out: Values = { ...posted }
      for (const c of RESUME_COLUMNS) out[c.name] = list(posted[c.name]).filter((_v, j) => j !== i)
      return out
    },
  ]),
)

/** The rows checked, and kept without the empty ones. */
export function saveResume(s: Services, _req: unknown, value: Values) {
  const rows = resumeRows(value)
  const errors = resumeErrors(rows, shanghaiDate(s.clock.now()))
  if (Object.keys(errors).length) return errors
  const kept = rows.filter((r) => Object.values(r).some(Boolean))
  value.rowStart = kept.map((r) => r.start)
  value.rowEnd = kept.map((r) => r.end)
  value.rowUnit = kept.map((r) => r.unit)
  value.rowPost = kept.map((r) => r.post)
  value.rowReferee = kept.map((r) => r.referee)
  return null
}
