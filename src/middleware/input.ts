import querystring from 'node:querystring'
import type { RequestHandler } from 'express'

// The one input boundary. Every form body (urlencoded or multipart) and every query string passes
// through cleanInput before a handler sees it, so a handler only ever meets strings, lists and
// (for the wizard's nested rows, `rows[0][unit]`) plain objects of them, none holding a character
// PostgreSQL refuses (NUL, lone surrogates) or that has no place in a form field. What was wrong is
// remembered on the cleaned object (inputProblems) for validate() in web/formValidation.ts to show beside the
// field; nothing raw reaches the session or a query.

/** C0 controls but tab, LF and CR; DEL and the C1 controls; and surrogates without their pair. */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

export type InputProblem = 'control'

export type InputValue = string | InputValue[] | { [key: string]: InputValue }
export type CleanInput = Record<string, InputValue>

const PROBLEMS = Symbol('input problems')
const CLEANED = Symbol('cleaned by the input boundary')

type WithProblems = { [PROBLEMS]?: Record<string, InputProblem> }
const NO_PROBLEMS: Readonly<Record<string, InputProblem>> = Object.freeze({})

/** `s` without the characters no field may hold. */
export const stripControl = (s: string): string => s.replace(CONTROL, '')

/** What the boundary refused or changed in a body or query, field by field (empty when nothing). */
export function inputProblems(source: unknown): Record<string, InputProblem> {
  if (!source || typeof source !== 'object') return NO_PROBLEMS
  return (source as WithProblems)[PROBLEMS] ?? NO_PROBLEMS
}

/**
 * A parsed body or query made safe, as plain objects and arrays: a field name with a control
 * character is dropped; a value with control characters ('control') loses them, or with
 * `dropControl` is dropped whole (a search term is then no filter rather than another one).
 * Repeated fields stay lists and nested names stay objects: only the form's schema knows what a
 * field may be (validate() decides).
 */
export function cleanInput(parsed: unknown, o: { dropControl?: boolean } = {}): CleanInput {
  const out: CleanInput & WithProblems = {}
  const problems: Record<string, InputProblem> = {}
  for (const [key, raw] of fieldsOf(parsed)) {
    let changed = false
    const value = cleanValue(raw, () => (changed = true))
    if (changed) problems[key] = 'control'
    if (value !== undefined && !(changed && o.dropControl)) out[key] = value
  }
  // Spreads and Object.assign carry an enumerable symbol along, so a handler's `{ ...req.body, x }`
  // keeps the problems; JSON, knex and joi's keys ignore it.
  if (Object.keys(problems).length) out[PROBLEMS] = problems
  Object.defineProperty(out, CLEANED, { value: true })
  return out
}

// A name with a control character is no field of ours; `__proto__` would set the prototype.
const fieldsOf = (o: unknown): [string, unknown][] =>
  o && typeof o === 'object'
    ? Object.entries(o).filter(([key]) => key !== '__proto__' && stripControl(key) === key)
    : []

function cleanValue(raw: unknown, changed: () => void): InputValue | undefined {
  if (typeof raw === 'string') {
    const value = stripControl(raw)
    if (value !== raw) changed()
    return value
  }
  if (Array.isArray(raw)) return raw.map((v) => cleanValue(v, changed)).filter((v) => v !== undefined)
  if (raw && typeof raw === 'object') {
    const out: Record<string, InputValue> = {}
    for (const [key, v] of fieldsOf(raw)) {
      const value = cleanValue(v, changed)
      if (value !== undefined) out[key] = value
    }
    return out
  }
  return undefined
}

/** The app's query parser: Node's flat one (no `a[b]` objects), then the boundary. */
export const parseQuery = (qs: string): CleanInput => cleanInput(querystring.parse(qs), { dropControl: true })

/**
 * Cleans req.body after a body parser ran. Mounted after each parser (urlencoded, multipart);
 * a body already cleaned is left alone. Uploaded files' names are user text too.
 */
export const inputBoundary: RequestHandler = (req, _res, next) => {
  if (req.body && !(req.body as { [CLEANED]?: boolean })[CLEANED]) req.body = cleanInput(req.body)
  if (Array.isArray(req.files))
    for (const f of req.files) {
      f.originalname = stripControl(f.originalname)
      f.fieldname = stripControl(f.fieldname)
    }
  next()
}
