import {
  checkDocNumber,
  DOC_TYPE_LABELS,
  DOC_TYPES,
  normaliseDocNumber,
  type DocType,
} from '../../domain/idNumber'
import { formatScore, parseScore } from '../../domain/mandarin'
import { checkName, normaliseName } from '../../domain/password'
import { MESSAGES } from './messages'
import type { ColumnDef, Refs } from './definitions'

// How the registries' cells are checked and normalised, and the columns several registries share
// (definitions.ts says which registry has which).

// ---- cell checks ----------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

export function text(max: number): ColumnDef['check'] {
  return (raw) => {
    // UTF-16 length is at least the number of characters: count them only when it may matter.
    if (raw.length > max && Array.from(raw).length > max) return { error: MESSAGES.tooLong(max) }
    if (CONTROL.test(raw)) return { error: MESSAGES.controlChars }
    return { value: raw.replace(/\s+/g, ' ') }
  }
}

const personName: ColumnDef['check'] = (raw) => {
  const error = checkName(raw)
  return error ? { error } : { value: normaliseName(raw) }
}

/** Every document number a registry may hold, told apart by its shape (registry files have no type column). */
function docTypeOf(number: string): DocType | null {
  if (/^[HM]\d{8}$/.test(number)) return 'hk_macau_pass'
  if (/^\d{8}$/.test(number)) return 'taiwan_pass'
  if (/^8[123]0000\d{11}[\dX]$/.test(number)) return 'residence_permit'
  if (/^\d{17}[\dX]$/.test(number)) return 'id_card'
  return null
}

// GB 11643 weights and check characters, for the fast path below.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])
}

/**
 * Registry files hold up to hundreds of thousands of 身份证 numbers, so the common case (an 18-digit
 * number with a right check character and birth date) is decided here without allocating; anything
 * else — and the first number of each 2-digit region prefix, whose validity is then remembered — goes
 * through the shared checker (domain/idNumber.ts), whose messages the administrator sees.
 */
function plainIdCardOk(n: string, today: string, regions: Map<string, boolean>): boolean {
  if (n.length !== 18 || n.startsWith('8')) return false
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const digit = n.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return false
    sum += digit * WEIGHTS[i]
  }
  if (n[17] !== CHECK_CHARS[sum % 11]) return false
  const y = Number(n.slice(6, 10))
  if (y < 1900 || !isRealDate(y, Number(n.slice(10, 12)), Number(n.slice(12, 14)))) return false
  if (`${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}` > today) return false
  const prefix = n.slice(0, 2)
  let ok = regions.get(prefix)
  if (ok === undefined) {
    ok = checkDocNumber('id_card', n, today).ok
    regions.set(prefix, ok)
  }
  return ok
}

const regionCache = new WeakMap<Refs, Map<string, boolean>>()

const anyDocNumber: ColumnDef['check'] = (raw, refs) => {
  const number = /^\d{17}[\dX]$/.test(raw) ? raw : normaliseDocNumber('id_card', raw)
  let regions = regionCache.get(refs)
  if (!regions) regionCache.set(refs, (regions = new Map()))
  if (plainIdCardOk(number, refs.today, regions)) return { value: number }
  const type = docTypeOf(number)
  if (!type) return { error: MESSAGES.docNumber }
  const checked = checkDocNumber(type, number, refs.today)
  return checked.ok ? { value: number } : { error: checked.error }
}

export const plainNumber: ColumnDef['check'] = (raw) => {
  const v = raw.replace(/\s+/g, '').toUpperCase()
  return /^[0-9A-Z]{6,30}$/.test(v) ? { value: v } : { error: MESSAGES.certNumber }
}

export const teacherCertNumber: ColumnDef['check'] = (raw) => {
  const v = raw.replace(/\s+/g, '')
  return /^(\d{15}|\d{17})$/.test(v) ? { value: v } : { error: MESSAGES.teacherCertNumber }
}

const EARLIEST = '1950-01-01'

/** 2024-06-30, 2024/6/30, 2024.6.30 or 20240630 → '2024-06-30' when it is a real date. */
function parseDate(raw: string): string | null {
  if (raw.length === 10 && raw[4] === '-' && raw[7] === '-') {
    const y = Number(raw.slice(0, 4))
    return /^\d{4}-\d\d-\d\d$/.test(raw) && isRealDate(y, Number(raw.slice(5, 7)), Number(raw.slice(8, 10)))
      ? raw
      : null
  }
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(raw) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(raw)
  if (!m) return null
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))
    ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`
    : null
}

export function date(opts: { past?: boolean } = {}): ColumnDef['check'] {
  return (raw, refs) => {
    const d = parseDate(raw)
    if (!d) return { error: MESSAGES.date }
    if (d < EARLIEST) return { error: MESSAGES.tooEarly(EARLIEST) }
    if (opts.past && d > refs.today) return { error: MESSAGES.futureDate }
    return { value: d }
  }
}

/** A ref_codes value given as its code or its name; stored as the code or (`store: 'name'`) the name. */
export function refCode(kind: string, store: 'code' | 'name' = 'code'): ColumnDef['check'] {
  return (raw, refs) => {
    const list = refs.codes.get(kind) ?? new Map<string, string>()
    for (const [code, name] of list)
      if (raw === code || raw === name) return { value: store === 'code' ? code : name }
    const allowed = [...list]
      .map(([code, name]) => (store === 'code' ? `${code}（${name}）` : name))
      .join('、')
    return { error: MESSAGES.code(raw, allowed) }
  }
}

export const showRefName =
  (kind: string) =>
  (stored: string, refs: Refs): string =>
    refs.codes.get(kind)?.get(stored) ?? stored

/** 任教学科 as printed: a name, 无, or a C01–C17 code of older certificates. */
export const subject: ColumnDef['check'] = (raw, refs) => {
  if (/^c\d{2}$/i.test(raw)) {
    const code = raw.toUpperCase()
    return refs.codes.get('subject_code')?.has(code) ? { value: code } : { error: MESSAGES.subjectCode(raw) }
  }
  return text(30)(raw, refs)
}

export const yesNo: ColumnDef['check'] = (raw) =>
  raw === '是' ? { value: 't' } : raw === '否' ? { value: 'f' } : { error: MESSAGES.yesNo }

export const score: ColumnDef['check'] = (raw) => {
  const tenths = parseScore(raw)
  return tenths === null ? { error: MESSAGES.score } : { value: formatScore(tenths) }
}

export const region: ColumnDef['check'] = (raw, refs) =>
  refs.regions.has(raw) ? { value: raw } : { error: MESSAGES.region(raw) }

const REGISTRATION_RESULTS = ['注册合格', '暂缓注册', '注册不合格'] as const

export const registrationResult: ColumnDef['check'] = (raw) =>
  (REGISTRATION_RESULTS as readonly string[]).includes(raw)
    ? { value: raw }
    : { error: MESSAGES.registrationResult(REGISTRATION_RESULTS.join('、')) }

const DOC_TYPE_BY_TEXT = new Map<string, DocType>([
  ...DOC_TYPES.map((t) => [DOC_TYPE_LABELS[t], t] as [string, DocType]),
  ...DOC_TYPES.map((t) => [t, t] as [string, DocType]),
  ['居民身份证', 'id_card'],
])

export const docTypeColumn: ColumnDef['check'] = (raw) => {
  const t = DOC_TYPE_BY_TEXT.get(raw)
  return t ? { value: t } : { error: MESSAGES.code(raw, `${Object.values(DOC_TYPE_LABELS).join('、')}之一`) }
}

// ---- columns shared by several registries ---------------------------------------------------------

// Example people in the templates: numbers with a correct GB 11643 check character.
export const EXAMPLE_ID = '450103199506120317'

export const col = (
  header: string,
  field: string,
  check: ColumnDef['check'],
  example: string,
  more: Partial<ColumnDef> = {},
): ColumnDef => ({ header, field, type: 'text', check, example, ...more })

export const nameCol = (header = '姓名', field = 'name') => col(header, field, personName, '李明')
export const docCol = () => col('证件号码', 'doc_number', anyDocNumber, EXAMPLE_ID)
export const qualificationCol = (example = '小学教师资格') =>
  col('资格种类', 'qualification_type', refCode('qualification_type'), example, {
    show: showRefName('qualification_type'),
  })

/** The digit of a certificate number that names its qualification type (REFERENCE.md). */
export function typeDigit(certNumber: string): string | null {
  if (certNumber.length === 17) return certNumber[9]
  return null
}
