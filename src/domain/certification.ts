import { transitionTable, type TransitionActor, type TransitionRule } from './transitions'
import { confirmationRules, returnForCorrection } from './confirmation'
import { MANDARIN_GRADES, type MandarinGrade } from './mandarin'
import { shanghaiDate } from './time'
import { DEFAULT_QUALIFICATION_TYPES, type AuthorityLevel } from './windows'

// 教师资格认定: qualification types and who certifies them, the conditions an applicant must meet
// (education, Mandarin, exam pass validity, one type per year; the restriction list: restrictions.ts),
// the statuses and who moves an application between them (the numbers: certificateNumbers.ts). Pure.
// Dates are Shanghai calendar days as 'YYYY-MM-DD' strings (from the injected Clock via shanghaiDate).

// ---- qualification types -------------------------------------------------------------------------

/** 资格种类, keyed by the digit used in certificate numbers (REFERENCE.md "Qualification types"). */
export const QUALIFICATION_TYPES = {
  '1': '幼儿园教师资格',
  '2': '小学教师资格',
  '3': '初级中学教师资格',
  '4': '高级中学教师资格',
  '5': '中等职业学校教师资格',
  '6': '中等职业学校实习指导教师资格',
  '7': '高等学校教师资格',
} as const

export type QualificationType = keyof typeof QUALIFICATION_TYPES

export const isQualificationType = (v: unknown): v is QualificationType =>
  typeof v === 'string' && Object.prototype.hasOwnProperty.call(QUALIFICATION_TYPES, v)

export const qualificationTypeLabel = (t: string): string =>
  isQualificationType(t) ? QUALIFICATION_TYPES[t] : t

/**
 * Which level of authority certifies each type (REFERENCE.md: 幼儿园/小学/初中 county, 高中/中职/实习指导
 * city, 高等学校 province), read off DEFAULT_QUALIFICATION_TYPES so the two never disagree. Only the
 * default an authority starts with: which types a given authority certifies is its own setting
 * (authorities.certifies and qualification_types), which authorityRefusal checks.
 */
export const CERTIFYING_LEVEL = Object.fromEntries(
  (Object.entries(DEFAULT_QUALIFICATION_TYPES) as [AuthorityLevel, string[]][]).flatMap(([level, types]) =>
    types.map((t) => [t, level]),
  ),
) as Record<QualificationType, AuthorityLevel>

/** The types an authority of `level` certifies by default. */
export const typesCertifiedAt = (level: AuthorityLevel): QualificationType[] =>
  DEFAULT_QUALIFICATION_TYPES[level].filter(isQualificationType)

/** Why `authority` cannot take an application of `type`, or null. */
export function authorityRefusal(
  authority: { name: string; certifies: boolean; qualification_types: readonly string[] },
  type: QualificationType,
): string | null {
  return authority.certifies && authority.qualification_types.includes(type)
    ? null
    : CERTIFICATION_MESSAGES.authorityDoesNotCertify(authority.name, type)
}

/** Kindergarten certificates carry no subject (REFERENCE.md "Subjects"). */
export const typeHasSubject = (t: QualificationType): boolean => t !== '1'

/** The calendar year (Shanghai) an application submitted at `at` counts for. */
export const certificationYear = (at: Date): number => Number(shanghaiDate(at).slice(0, 4))

// ---- education (Teachers Law art. 11) ------------------------------------------------------------

/**
 * The minimum 最高学历 of each type, as an education code (ref_codes 'education': the first digit
 * follows GB/T 4658, so a smaller code never means less education) and the law's wording for the
 * message. 实习指导 also needs a technical title or skill grade. Kept as data: many provinces now
 * require 大专 for 幼儿园/小学, which a province rule table passed to educationRefusal expresses.
 */
export interface EducationRule {
  minimum: string
  wording: string
  needsTechnicalTitle?: boolean
}

export type EducationRules = Record<QualificationType, EducationRule>

export const TEACHERS_LAW_EDUCATION: EducationRules = {
  '1': { minimum: '41', wording: '幼儿师范学校毕业及其以上学历' },
  '2': { minimum: '41', wording: '中等师范学校毕业及其以上学历' },
  '3': { minimum: '31', wording: '高等师范专科学校或者其他大学专科毕业及其以上学历' },
  '4': { minimum: '21', wording: '高等师范院校本科或者其他大学本科毕业及其以上学历' },
  '5': { minimum: '21', wording: '高等师范院校本科或者其他大学本科毕业及其以上学历' },
  '6': {
    minimum: '44',
    wording: '中等职业学校毕业及其以上学历',
    needsTechnicalTitle: true,
  },
  '7': { minimum: '21', wording: '研究生或者大学本科毕业学历' },
}

/** Education codes from most to least (ref_codes 'education'). */
export const EDUCATION_CODES = ['11', '14', '21', '31', '41', '44', '61'] as const

const educationRank = (code: string): number =>
  EDUCATION_CODES.indexOf(code as (typeof EDUCATION_CODES)[number])

export const CERTIFICATION_MESSAGES = {
  authorityDoesNotCertify: (authority: string, type: QualificationType) =>
    `${authority}不受理${QUALIFICATION_TYPES[type]}的认定申请，请选择受理该资格种类的认定机构。`,
  educationMissing: '请选择最高学历',
  educationTooLow: (type: QualificationType, wording: string) =>
    `申请${QUALIFICATION_TYPES[type]}，应当具备${wording}（《中华人民共和国教师法》第十一条），您的最高学历不符合要求。`,
  technicalTitleMissing:
    '申请中等职业学校实习指导教师资格，还应当具有相当助理工程师以上专业技术职务或者中级以上工人技术等级。',
  mandarinMissing: '请选择或添加普通话水平测试等级证书。',
  mandarinExemptionNotAllowed: '本省未开放普通话免测，请选择或添加普通话水平测试等级证书。',
  mandarinTooLow: (required: MandarinGrade, who: string, held: MandarinGrade) =>
    `${who}普通话水平应当达到${required}及以上标准，您的普通话水平为${held}。`,
  examPassExpired: (number: string, validUntil: string) =>
    `考试合格证明（编号 ${number}）的有效期至 ${validUntil}，已过期，请选择在有效期内的考试合格证明。`,
  restrictedForLife: (listedOn: string) =>
    `您已丧失教师资格（${listedOn} 列入限制库），不能重新取得教师资格。`,
  restrictedRevoked: (listedOn: string, allowedFrom: string) =>
    `您的教师资格已被撤销（${listedOn} 列入限制库），自撤销之日起五年内不得重新申请认定，${allowedFrom} 起方可申请。`,
  restrictedCheating: (listedOn: string, allowedFrom: string) =>
    `您因教师资格考试作弊被列入限制库（${listedOn}），三年内不得申请认定教师资格，${allowedFrom} 起方可申请。`,
  alreadyCertified: (type: QualificationType) =>
    `您已取得${QUALIFICATION_TYPES[type]}证书，不能重复申请认定同一资格种类。`,
  alreadyApplied: (type: QualificationType, number: string) =>
    `您已申请过${QUALIFICATION_TYPES[type]}认定（报名号 ${number}），不能重复申请同一资格种类。`,
  onePerYear: (year: number, other: QualificationType) =>
    `每人每个自然年度只能申请认定一种教师资格，您 ${year} 年已申请${QUALIFICATION_TYPES[other]}认定。`,
} as const

/**
 * Why the applicant's 最高学历 (an education code) is not enough for `type`, or null. `rules` is the
 * province's table (default: the law).
 */
export function educationRefusal(
  type: QualificationType,
  educationCode: string | null | undefined,
  hasTechnicalTitle: boolean,
  rules: EducationRules = TEACHERS_LAW_EDUCATION,
): string | null {
  const rule = rules[type]
  const rank = educationRank(educationCode ?? '')
  if (rank < 0) return CERTIFICATION_MESSAGES.educationMissing
  if (rank > educationRank(rule.minimum)) return CERTIFICATION_MESSAGES.educationTooLow(type, rule.wording)
  if (rule.needsTechnicalTitle && !hasTechnicalTitle) return CERTIFICATION_MESSAGES.technicalTitleMissing
  return null
}

// ---- Mandarin -------------------------------------------------------------------------------------

/**
 * The Mandarin grade a post requires (REFERENCE.md "Mandarin"): 二级乙等 or better in general, 语文
 * teachers 二级甲等, 普通话语音 teachers 一级乙等. Provinces may set other levels, per type or per
 * subject, and may allow 普通话免测 (SPEC "Details from the manuals"): that is this data, not code.
 * A subject rule applies to every subject whose name contains its key (语文 covers 小学语文).
 */
export interface MandarinRule {
  minimum: MandarinGrade
  byType: Partial<Record<QualificationType, MandarinGrade>>
  bySubject: Record<string, MandarinGrade>
  exemptionAllowed: boolean
}

export const NATIONAL_MANDARIN_RULE: MandarinRule = {
  minimum: '二级乙等',
  byType: {},
  bySubject: { 语文: '二级甲等', 普通话语音: '一级乙等' },
  exemptionAllowed: false,
}

const gradeRank = (g: MandarinGrade): number => MANDARIN_GRADES.indexOf(g)

/** The better of two grades. */
const stricter = (a: MandarinGrade, b: MandarinGrade): MandarinGrade => (gradeRank(a) <= gradeRank(b) ? a : b)

/** The lowest grade accepted for `type` and subject (by name); the strictest applicable rule wins. */
export function requiredMandarinGrade(
  type: QualificationType,
  subjectName: string,
  rule: MandarinRule = NATIONAL_MANDARIN_RULE,
): MandarinGrade {
  let required = rule.minimum
  const byType = rule.byType[type]
  if (byType) required = stricter(required, byType)
  for (const [key, grade] of Object.entries(rule.bySubject))
    if (subjectName.includes(key)) required = stricter(required, grade)
  return required
}

/**
 * Why the applicant's Mandarin does not qualify, or null. `held` is the grade of the certificate
 * chosen (null when none); `exempt` is the 普通话免测 choice.
 */
export function mandarinRefusal(
  a: { type: QualificationType; subjectName: string; held: MandarinGrade | null; exempt: boolean },
  rule: MandarinRule = NATIONAL_MANDARIN_RULE,
): string | null {
  if (a.exempt) return rule.exemptionAllowed ? null : CERTIFICATION_MESSAGES.mandarinExemptionNotAllowed
  if (!a.held) return CERTIFICATION_MESSAGES.mandarinMissing
  const required = requiredMandarinGrade(a.type, a.subjectName, rule)
  if (gradeRank(a.held) <= gradeRank(required)) return null
  const subjectRule = Object.keys(rule.bySubject).find(
    (k) => a.subjectName.includes(k) && rule.bySubject[k] === required,
  )
  const who = subjectRule ? `申请${subjectRule}学科教师资格，` : `申请${QUALIFICATION_TYPES[a.type]}，`
  return CERTIFICATION_MESSAGES.mandarinTooLow(required, who, a.held)
}

// ---- dates ---------------------------------------------------------------------------------------

/**
 * The date `years` after `date`, the day clamped to the month's end (2024-02-29 + 5 → 2029-02-28),
 * as 民法典 art. 202 counts a period: the corresponding day, else the month's last day.
 */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const year = y + years
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate()
  return `${year}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`
}

/** The day after `date`. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
}

// ---- exam pass records ---------------------------------------------------------------------------

export interface ExamPass {
  certNumber: string
  /** 'YYYY-MM-DD', the last day the pass may be used (inclusive) */
  validUntil: string
}

/** A pass may be chosen on any day up to and including its 有效期. */
export const isExamPassValid = (p: ExamPass, applicationDate: string): boolean =>
  applicationDate <= p.validUntil

/** Why the chosen pass cannot be used on `applicationDate`, or null. */
export const examPassRefusal = (p: ExamPass, applicationDate: string): string | null =>
  isExamPassValid(p, applicationDate)
    ? null
    : CERTIFICATION_MESSAGES.examPassExpired(p.certNumber, p.validUntil)

// ---- statuses and transitions --------------------------------------------------------------------

export const CERTIFICATION_STATUSES = {
  pending_confirmation: '网报待确认',
  awaiting_review: '待审核',
  confirmation_failed: '确认未通过',
  approved: '认定通过',
  rejected: '认定不通过',
} as const

export type CertificationStatus = keyof typeof CERTIFICATION_STATUSES

export const isCertificationStatus = (s: string): s is CertificationStatus =>
  Object.prototype.hasOwnProperty.call(CERTIFICATION_STATUSES, s)

export const certificationStatusLabel = (s: string): string =>
  isCertificationStatus(s) ? CERTIFICATION_STATUSES[s] : s

/** States nobody may leave. */
export const FINAL_STATUSES: readonly CertificationStatus[] = ['approved', 'rejected']

/**
 * The status that frees the type again: a refused application does not count toward "never the same
 * type twice" (it still counts toward one type per calendar year).
 */
export const INACTIVE_STATUSES: readonly CertificationStatus[] = ['rejected']

export const isActive = (s: CertificationStatus): boolean => !INACTIVE_STATUSES.includes(s)

/** Who decides: the applicant, the confirmation point (确认点) or the authority (认定机构). */
export type { TransitionActor }

export type TransitionName =
  'confirm' | 'fail_confirmation' | 'materials_complete' | 'approve' | 'reject' | 'return_for_correction'

export type Transition = TransitionRule<CertificationStatus, TransitionName>

/**
 * The transitions table (issue 6): 网报待确认 → (point) 待审核 | 确认未通过 (missing materials listed) →
 * (authority) 认定通过 | 认定不通过 (reason); return for correction as in registration. As there, the
 * point moves 确认未通过 → 待审核 once the missing materials arrive (src/domain/confirmation.ts).
 */
export const TRANSITIONS: readonly Transition[] = [
  ...confirmationRules('awaiting_review'),
  {
    name: 'approve',
    label: '认定通过',
    from: ['awaiting_review'],
    to: 'approved',
    by: ['authority'],
    reasonRequired: false,
  },
  {
    name: 'reject',
    label: '认定不通过',
    from: ['awaiting_review'],
    to: 'rejected',
    by: ['authority'],
    reasonRequired: true,
  },
  returnForCorrection(['awaiting_review', 'confirmation_failed']),
]

export const certificationTransitions = transitionTable<CertificationStatus, TransitionName>(TRANSITIONS)

export const { transitionNamed, transitionsFrom, canTransition } = certificationTransitions

/** The applicant may change the application only while 网报待确认 (SPEC "Certification"). */
export const applicantMayEdit = (s: CertificationStatus): boolean => s === 'pending_confirmation'

// ---- one type per year, never the same type twice ------------------------------------------------

export interface EarlierApplication {
  number: string
  type: QualificationType
  /** certificationYear of its submit */
  year: number
  status: CertificationStatus
}

/**
 * Why the applicant may not apply for `type` in `year` (REFERENCE.md "Qualification types": one
 * qualification type per calendar year; never the same type twice), or null. `earlier` are the
 * applicant's other applications (not the one being edited); `heldTypes` the types of the
 * certificates the applicant holds. A certificate of the type, or an application of the type that
 * was not refused (认定不通过), means the same type twice; any application of another type in the
 * same year, refused or not, uses up the year.
 */
export function repeatRefusal(
  type: QualificationType,
  year: number,
  earlier: readonly EarlierApplication[],
  heldTypes: readonly string[],
): string | null {
  if (heldTypes.includes(type)) return CERTIFICATION_MESSAGES.alreadyCertified(type)
  const same = earlier.find((e) => e.type === type && isActive(e.status))
  if (same) return CERTIFICATION_MESSAGES.alreadyApplied(type, same.number)
  const thisYear = earlier.find((e) => e.year === year && e.type !== type)
  if (thisYear) return CERTIFICATION_MESSAGES.onePerYear(year, thisYear.type)
  return null
}
