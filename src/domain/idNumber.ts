import { shanghaiDate } from './time'

export type DocType = 'id_card' | 'hk_macau_pass' | 'taiwan_pass' | 'residence_permit'

export const DOC_TYPES: readonly DocType[] = ['id_card', 'hk_macau_pass', 'taiwan_pass', 'residence_permit']

export const DOC_TYPE_LABELS: Record<DocType, string> = {
  id_card: '身份证',
  hk_macau_pass: '港澳居民来往内地通行证',
  taiwan_pass: '五年有效期台湾居民来往大陆通行证',
  residence_permit: '港澳台居民居住证',
}

export type DocCheck = { ok: true; sex?: 'M' | 'F'; birthDate?: string } | { ok: false; error: string }

export const DOC_MESSAGES = {
  typeMissing: '请选择证件类型',
  idFormat: '身份证号码应为18位，前17位为数字，最后一位为数字或X',
  idChecksum: '身份证号码校验位不正确，请核对后重新输入',
  idRegion: '身份证号码前两位地区代码不正确，请核对后重新输入',
  idBirthDate: '身份证号码中的出生日期不正确',
  idIsResidencePermit: '该号码为港澳台居民居住证号码，请将证件类型选择为“港澳台居民居住证”',
  hkMacauFormat: '港澳居民来往内地通行证号码应为9位（H或M及8位纯数字），最后两位换证次数无需填写',
  taiwanFormat: '五年有效期台湾居民来往大陆通行证号码应为8位（纯数字），最后两位换证次数无需填写',
  permitFormat: '港澳台居民居住证号码应为18位，以810000、820000或830000开头',
  permitChecksum: '港澳台居民居住证号码校验位不正确，请核对后重新输入',
  permitBirthDate: '港澳台居民居住证号码中的出生日期不正确',
} as const

// GB 11643-1999: weights for positions 1–17, and the check character for each value of sum mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'

/** The 2-digit province prefixes of GB/T 2260 that ID numbers (and certificate numbers) begin with. */
export const PROVINCE_PREFIXES: ReadonlySet<number> = new Set([
  ...range(11, 15),
  ...range(21, 23),
  ...range(31, 37),
  ...range(41, 46),
  ...range(50, 54),
  ...range(61, 65),
  71,
  81,
  82,
])

const EARLIEST_BIRTH_DATE = '1900-01-01'

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/** The GB 11643 check character for the first 17 digits of an 18-character number. */
export function computeCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`expected 17 digits, got ${first17}`)
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return CHECK_CHARS[sum % 11]
}

/** A number with a correct check character, for tests, seeds and factories. */
export function makeIdNumber(prefix6: string, birthYYYYMMDD: string, seq3: string): string {
  if (!/^\d{6}$/.test(prefix6)) throw new RangeError(`prefix must be 6 digits: ${prefix6}`)
  if (!/^\d{8}$/.test(birthYYYYMMDD)) throw new RangeError(`birth date must be YYYYMMDD: ${birthYYYYMMDD}`)
  if (!/^\d{3}$/.test(seq3)) throw new RangeError(`sequence must be 3 digits: ${seq3}`)
  const first17 = prefix6 + birthYYYYMMDD + seq3
  return first17 + computeCheckChar(first17)
}

/**
 * Applicants paste numbers with spaces, type a lowercase x or h, or leave a Chinese input method in
 * full-width mode; all of these mean the same number. Every document type shares the rule today.
 */
export function normaliseDocNumber(_type: DocType, raw: string): string {
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase()
}

/** 'YYYY-MM-DD' when the 8 digits are a real calendar date, else null. */
function realDate(yyyymmdd: string): string | null {
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`
  const ms = Date.UTC(
    Number(yyyymmdd.slice(0, 4)),
    Number(yyyymmdd.slice(4, 6)) - 1,
    Number(yyyymmdd.slice(6, 8)),
  )
  return new Date(ms).toISOString().slice(0, 10) === iso ? iso : null
}

interface Gb11643Messages {
  checksum: string
  birthDate: string
}

/** Checks shared by 居民身份证 and 居住证 once the format and prefix are known to be right. */
function checkGb11643(number: string, today: string, messages: Gb11643Messages): DocCheck {
  if (computeCheckChar(number.slice(0, 17)) !== number[17]) return { ok: false, error: messages.checksum }
  const birthDate = realDate(number.slice(6, 14))
  if (!birthDate || birthDate < EARLIEST_BIRTH_DATE || birthDate > today)
    return { ok: false, error: messages.birthDate }
  return { ok: true, sex: Number(number[16]) % 2 === 1 ? 'M' : 'F', birthDate }
}

/**
 * Checks a number that has already been through normaliseDocNumber (so the stored form and the checked
 * form are the same). `today` is the current instant or a Shanghai 'YYYY-MM-DD'; birth dates are
 * compared in Shanghai calendar days. For 身份证 and 居住证 the sex and birth date come from the number.
 */
export function checkDocNumber(type: DocType, number: string, today: Date | string): DocCheck {
  const todayDate = typeof today === 'string' ? today : shanghaiDate(today)
  switch (type) {
    case 'id_card':
      if (!/^\d{17}[\dX]$/.test(number)) return { ok: false, error: DOC_MESSAGES.idFormat }
      if (number.startsWith('83')) return { ok: false, error: DOC_MESSAGES.idIsResidencePermit }
      if (!PROVINCE_PREFIXES.has(Number(number.slice(0, 2))))
        return { ok: false, error: DOC_MESSAGES.idRegion }
      return checkGb11643(number, todayDate, {
        checksum: DOC_MESSAGES.idChecksum,
        birthDate: DOC_MESSAGES.idBirthDate,
      })
    case 'residence_permit':
      if (!/^8[123]0000\d{11}[\dX]$/.test(number)) return { ok: false, error: DOC_MESSAGES.permitFormat }
      return checkGb11643(number, todayDate, {
        checksum: DOC_MESSAGES.permitChecksum,
        birthDate: DOC_MESSAGES.permitBirthDate,
      })
    case 'hk_macau_pass':
      return /^[HM]\d{8}$/.test(number) ? { ok: true } : { ok: false, error: DOC_MESSAGES.hkMacauFormat }
    case 'taiwan_pass':
      return /^\d{8}$/.test(number) ? { ok: true } : { ok: false, error: DOC_MESSAGES.taiwanFormat }
    default:
      return { ok: false, error: DOC_MESSAGES.typeMissing }
  }
}

/** Keeps the first and last 2 characters so the holder can recognise their own number. */
export function maskDocNumber(n: string): string {
  if (n.length <= 4) return '*'.repeat(n.length)
  return n.slice(0, 2) + '*'.repeat(n.length - 4) + n.slice(-2)
}

/**
 * Who is looking at an ID number, which decides how it is shown:
 * - holderChecking: its holder, where they must check it before they sign or submit (确认申报信息, their
 *   printed 申请表);
 * - holder: its holder anywhere else (wizard steps, 详情, 账号, 个人信息中心);
 * - scopedStaff: a staff member whose scope holds the record (their queue, their application);
 * - public: anyone else.
 */
export type DocNumberViewer = 'holderChecking' | 'holder' | 'scopedStaff' | 'public'

const FULL_VIEWERS: readonly string[] = ['holderChecking', 'scopedStaff'] satisfies DocNumberViewer[]

/**
 * The one rule for showing an ID number on pages and forms: in full only to its holder where they
 * must check it and to staff in scope; masked for everyone and everywhere else, and whenever the
 * viewer is not named.
 */
export function shownDocNumber(n: string, viewer?: unknown): string {
  return typeof viewer === 'string' && FULL_VIEWERS.includes(viewer) ? n : maskDocNumber(n)
}

/** 138****5678: the prefix names the carrier, the last four are what people recognise. */
export function maskPhone(p: string): string {
  if (p.length < 8) return maskDocNumber(p)
  return p.slice(0, 3) + '*'.repeat(p.length - 7) + p.slice(-4)
}

/** 张*丰 / 张*; counted in code points so rare characters outside the BMP are not split. */
export function maskName(name: string): string {
  const chars = Array.from(name)
  if (chars.length <= 1) return '*'.repeat(chars.length)
  if (chars.length === 2) return `${chars[0]}*`
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1]
}
