import { transitionTable, type TransitionActor, type TransitionRule } from './transitions'
import { confirmationRules, returnForCorrection } from './confirmation'
import { shanghaiDate } from './time'

// 中小学教师资格定期注册: statuses, who may move an application between them, cycles and the
// rules of the certificate an applicant may add by hand. Pure: no I/O.

export const REGISTRATION_STATUSES = {
  pending_confirmation: '网报待确认',
  confirmed: '待注册审批',
  confirmation_failed: '确认未通过',
  wrong_authority: '选错注册机构',
  not_eligible: '不属于注册对象',
  approved: '注册合格',
  deferred: '暂缓注册',
  rejected: '注册不合格',
} as const

export type RegistrationStatus = keyof typeof REGISTRATION_STATUSES

export const isRegistrationStatus = (s: string): s is RegistrationStatus =>
  Object.prototype.hasOwnProperty.call(REGISTRATION_STATUSES, s)

export const statusLabel = (s: string): string => (isRegistrationStatus(s) ? REGISTRATION_STATUSES[s] : s)

/**
 * The refused end states: an application in one of them no longer counts, so the applicant may
 * apply again in the same cycle (暂缓注册: once the shortfall is made good; 注册不合格 and
 * 不属于注册对象: if circumstances change). Every other status, 注册合格 included, is "active": at most
 * one active application per applicant per cycle and per certificate per cycle (the partial unique
 * indexes of migrations/20261127000300_registration.ts list exactly these three).
 */
export const INACTIVE_STATUSES: readonly RegistrationStatus[] = ['not_eligible', 'deferred', 'rejected']

export const isActive = (s: RegistrationStatus): boolean => !INACTIVE_STATUSES.includes(s)

/** Who decides: the applicant (editing), the confirmation point (确认点) or the authority (注册机构). */
export type { TransitionActor }

export type TransitionName =
  | 'confirm'
  | 'fail_confirmation'
  | 'materials_complete'
  | 'wrong_authority'
  | 'not_eligible'
  | 'approve'
  | 'defer'
  | 'reject'
  | 'return_for_correction'
  | 'change_authority'

export type Transition = TransitionRule<RegistrationStatus, TransitionName>

/**
 * The transitions table (SPEC "Periodic registration" as "Details from the manuals" refines it).
 * 选错注册机构 and 不属于注册对象 are the authority's; 选错注册机构 reopens the authority step, and the
 * applicant's change of authority (inside the window) brings the application back to 网报待确认.
 * Staff may return an application to 网报待确认 naming the fields to correct. 现场确认 and 退回修改 are
 * the rules both businesses share (src/domain/confirmation.ts).
 */
export const TRANSITIONS: readonly Transition[] = [
  ...confirmationRules('confirmed'),
  {
    name: 'wrong_authority',
    label: '选错注册机构',
    from: ['pending_confirmation', 'confirmed', 'confirmation_failed'],
    to: 'wrong_authority',
    by: ['authority'],
    reasonRequired: true,
  },
  {
    name: 'not_eligible',
    label: '不属于注册对象',
    from: ['pending_confirmation', 'confirmed', 'confirmation_failed'],
    to: 'not_eligible',
    by: ['authority'],
    reasonRequired: true,
  },
  {
    name: 'approve',
    label: '注册合格',
    from: ['confirmed'],
    to: 'approved',
    by: ['authority'],
    reasonRequired: false,
  },
  {
    name: 'defer',
    label: '暂缓注册',
    from: ['confirmed'],
    to: 'deferred',
    by: ['authority'],
    reasonRequired: true,
  },
  {
    name: 'reject',
    label: '注册不合格',
    from: ['confirmed'],
    to: 'rejected',
    by: ['authority'],
    reasonRequired: true,
  },
  returnForCorrection(['confirmed', 'confirmation_failed']),
  {
    name: 'change_authority',
    label: '重新选择注册机构',
    from: ['wrong_authority'],
    to: 'pending_confirmation',
    by: ['applicant'],
    reasonRequired: false,
  },
]

export const registrationTransitions = transitionTable<RegistrationStatus, TransitionName>(TRANSITIONS)

export const { transitionNamed, transitionsFrom, canTransition } = registrationTransitions

/** The applicant may change everything only while 网报待确认 (and, checked elsewhere, before the point's 确认结束时间). */
export const applicantMayEdit = (s: RegistrationStatus): boolean => s === 'pending_confirmation'

// ---- cycles ---------------------------------------------------------------------------------------

/**
 * The cycle of a registration is its annual batch (批次): the calendar year, Shanghai time, of the
 * submit. Registration runs once a year (second half); one active application per applicant per
 * batch. The five-year validity of a registration is the 54-month rule below.
 */
/**
 * Whether the authority's 申请表下载截止 (the last day, YYYY-MM-DD, Shanghai) has passed: after it
 * the applicant can no longer download the 申请表 (manual 001 and seed 004).
 */
export const formDownloadClosed = (lastDay: string | null, at: Date): boolean =>
  !!lastDay && shanghaiDate(at) > lastDay

export const registrationCycle = (at: Date): number => Number(shanghaiDate(at).slice(0, 4))

/** No new registration within 54 months of a 注册合格 (REFERENCE.md). */
export const MONTHS_BETWEEN_REGISTRATIONS = 54

/** The first day (年-月-日) a new registration may be submitted after a 注册合格 on `approvedOn` (年-月-日). */
export function nextRegistrationAllowedOn(approvedOn: string): string {
  const [y, m, d] = approvedOn.split('-').map(Number)
  const months = y * 12 + (m - 1) + MONTHS_BETWEEN_REGISTRATIONS
  const year = Math.floor(months / 12)
  const month = (months % 12) + 1
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const day = Math.min(d, lastDay)
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** Whether a registration on `today` (年-月-日) is within 54 months of a 注册合格 on `approvedOn`. */
export const tooSoonAfterApproval = (approvedOn: string, today: string): boolean =>
  today < nextRegistrationAllowedOn(approvedOn)

// ---- numbers --------------------------------------------------------------------------------------

/**
 * 注册报名号: the batch year, the authority's 4-digit number and a 6-digit sequence number
 * (the authority's own series of the year, from 000001 without gaps: src/modules/applications/repository.ts),
 * e.g. 2026 0003 000042 → 20260003000042.
 */
export function registrationNumber(year: number, authorityId: number, seq: number): string {
  if (authorityId > 9999 || seq > 999_999) throw new Error('registration number out of range')
  return `${year}${String(authorityId).padStart(4, '0')}${String(seq).padStart(6, '0')}`
}

// ---- certificates added by hand -------------------------------------------------------------------

/** Provinces whose certificates are in the registry from a later year (广西: 2012). */
export const REGISTRY_FROM_YEAR: Record<string, number> = { '450000': 2012 }
export const DEFAULT_REGISTRY_FROM_YEAR = 2008

/** The year from which the province's certificates are synced (and may not be added by hand). */
export const registryFromYear = (provinceCode: string): number =>
  REGISTRY_FROM_YEAR[provinceCode] ?? DEFAULT_REGISTRY_FROM_YEAR

export const isCertificateNumberShape = (n: string): boolean => /^(\d{15}|\d{17})$/.test(n)

export type AddCertificateRefusal = 'too_recent' | 'bad_number' | 'in_registry'

/**
 * Why a certificate may not be added by hand, or null. `issuedOn` is 年-月-日; holder and document
 * number are compared with the account's (document numbers upper-cased, names with spaces removed).
 */
export function addCertificateRefusal(
  cert: { certNumber: string; issuedOn: string; provinceCode: string },
  inRegistry: boolean,
): AddCertificateRefusal | null {
  if (!isCertificateNumberShape(cert.certNumber)) return 'bad_number'
  if (inRegistry) return 'in_registry'
  if (Number(cert.issuedOn.slice(0, 4)) >= registryFromYear(cert.provinceCode)) return 'too_recent'
  return null
}

// ---- certificate and teaching stage ---------------------------------------------------------------

/** Levels of the qualification types (教师法: a qualification covers its own level and those below). */
const TYPE_LEVEL: Record<string, number> = { '1': 1, '2': 2, '3': 3, '4': 4, '5': 4, '7': 5 }

/**
 * Whether a certificate of qualification type `type` may be registered for 现任教学段 `stage` (stage
 * codes are the qualification digits 1–5). 实习指导 (6) serves 中等职业学校 only; 幼儿园 needs a
 * 幼儿园 certificate.
 */
export function certCoversStage(type: string, stage: string): boolean {
  if (type === '6') return stage === '5'
  if (stage === '1') return type === '1'
  const level = TYPE_LEVEL[type]
  const needed = TYPE_LEVEL[stage]
  return level !== undefined && needed !== undefined && type !== '1' && level >= needed
}
