import { PROVINCE_PREFIXES } from './idNumber'
import { isQualificationType, type QualificationType } from './certification'

// 教师资格认定's numbers: the 15-digit 认定报名号 and the 17-digit certificate number (built and
// parsed). Pure: no I/O.

// ---- numbers -------------------------------------------------------------------------------------

/**
 * 认定报名号: the year, the authority's 4-digit number and a 7-digit sequence number (the
 * authority's own series of the year, from 0000001 without gaps: src/modules/applications/repository.ts). 15
 * digits, so it is never mistaken for a 14-digit 注册报名号.
 */
export function certificationNumber(year: number, authorityId: number, seq: number): string {
  if (authorityId > 9999 || seq < 1 || seq > 9_999_999)
    throw new RangeError('application number out of range')
  return `${year}${String(authorityId).padStart(4, '0')}${String(seq).padStart(7, '0')}`
}

export const isProvincePrefix = (p: string): boolean => /^\d{2}$/.test(p) && PROVINCE_PREFIXES.has(Number(p))

/**
 * The sex digit: GB/T 2261.1 codes (1 男, 2 女). Numbers from elsewhere use other conventions, so
 * 0–2 are all accepted when reading one (REFERENCE.md "Certificate numbers").
 */
export const SEX_DIGIT: Record<'M' | 'F', string> = { M: '1', F: '2' }

export const MAX_CERTIFICATE_SEQUENCE = 999_999

export interface CertificateNumberInput {
  year: number
  /** the province's 2-digit prefix or its 6-digit code (450000) */
  provinceCode: string
  /** the authority's 3-digit code within the province */
  bureauCode: string
  type: QualificationType
  sex: 'M' | 'F'
  sequence: number
}

/**
 * The 17-digit 教师资格证书号码 (REFERENCE.md "Certificate numbers"): 1–4 year, 5–6 province, 7–9
 * bureau code, 10 qualification type, 11 sex, 12–17 sequence. Throws on parts that cannot make one.
 */
export function buildCertificateNumber(p: CertificateNumberInput): string {
  const province = p.provinceCode.slice(0, 2)
  if (!Number.isInteger(p.year) || p.year < 2000 || p.year > 9999) throw new RangeError(`bad year ${p.year}`)
  if (!isProvincePrefix(province) || !/^(\d{2}|\d{2}0000)$/.test(p.provinceCode))
    throw new RangeError(`bad province code ${p.provinceCode}`)
  if (!/^\d{3}$/.test(p.bureauCode)) throw new RangeError(`bad bureau code ${p.bureauCode}`)
  if (!isQualificationType(p.type)) throw new RangeError(`bad qualification type ${p.type}`)
  if (!(p.sex in SEX_DIGIT)) throw new RangeError(`bad sex ${p.sex}`)
  if (!Number.isInteger(p.sequence) || p.sequence < 1 || p.sequence > MAX_CERTIFICATE_SEQUENCE)
    throw new RangeError(`certificate sequence out of range: ${p.sequence}`)
  return `${p.year}${province}${p.bureauCode}${p.type}${SEX_DIGIT[p.sex]}${String(p.sequence).padStart(6, '0')}`
}

export type ParsedCertificateNumber =
  | {
      length: 17
      year: number
      provinceCode: string
      bureauCode: string
      type: QualificationType
      sexDigit: string
      sequence: number
    }
  | {
      length: 15
      year: number
      householdCode: string
      type: QualificationType
      sexDigit: string
      sequence: number
    }

/**
 * The parts of a certificate number, or null when it is not one: 17 digits as built above, or the
 * 1996–1999 15-digit form (2-digit year, 6-digit household code, type, sex, 5-digit sequence).
 */
export function parseCertificateNumber(n: string): ParsedCertificateNumber | null {
  const long = /^(\d{4})(\d{2})(\d{3})([1-7])([0-2])(\d{6})$/.exec(n)
  if (long) {
    const [, year, province, bureau, type, sex, seq] = long
    if (Number(year) < 2000 || !isProvincePrefix(province) || Number(seq) < 1) return null
    return {
      length: 17,
      year: Number(year),
      provinceCode: province,
      bureauCode: bureau,
      type: type as QualificationType,
      sexDigit: sex,
      sequence: Number(seq),
    }
  }
  const short = /^(\d{2})(\d{6})([1-7])([0-2])(\d{5})$/.exec(n)
  if (short) {
    const [, year, household, type, sex, seq] = short
    const fullYear = 1900 + Number(year)
    if (fullYear < 1996 || fullYear > 1999 || !isProvincePrefix(household.slice(0, 2)) || Number(seq) < 1)
      return null
    return {
      length: 15,
      year: fullYear,
      householdCode: household,
      type: type as QualificationType,
      sexDigit: sex,
      sequence: Number(seq),
    }
  }
  return null
}

/** Whether `n` is a well-formed 17-digit certificate number (the only form issued now). */
export const isValidCertificateNumber = (n: string): boolean => parseCertificateNumber(n)?.length === 17
