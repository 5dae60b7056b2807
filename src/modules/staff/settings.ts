import type { Db } from '../../db/knex'
import type { Actor, Audit } from '../../services/audit'
import { linesOf } from '../../web/texts'
import * as certification from '../certification/messages'
import * as consultation from '../consultation/messages'
import * as registration from '../registration/messages'
import * as repo from './repository'

// Instance settings the administrator edits without a deploy; other modules read them with
// getSettings(db). Stored one key per row in `settings` (value jsonb); a flag may live inside a rule
// object another module reads (普通话免测 in certification_mandarin_rule).

export const REGISTRATION_HALVES = ['H1', 'H2'] as const
export type RegistrationHalf = (typeof REGISTRATION_HALVES)[number]
export const REGISTRATION_HALF_LABELS: Record<RegistrationHalf, string> = {
  H1: '上半年',
  H2: '下半年',
}

export interface InstanceSettings {
  bureauName: string
  contactPhone: string
  contactEmail: string
  /** when the telephone is answered, shown under 电话咨询 */
  contactHours: string
  notice: string
  registrationHalf: RegistrationHalf
  /** 定期注册 注意事项 (the wizard's notices step), one paragraph per line; empty: the manual's text */
  registrationNotices: string
  /** 定期注册 申报提醒 (after submit and 注意事项 of a record), one paragraph per line; empty: the manual's */
  registrationReminder: string
  /** 教师资格定期注册申请人必读 (须知); empty: manual 001 §3.1.1's text */
  registrationMustRead: string
  /** 教师资格认定申请人必读 (须知); empty: the text after manual 000 §3 */
  certificationMustRead: string
  /** 确认未通过's checklist of 定期注册 materials, one a line; empty: manual 001's 注册材料 */
  registrationMaterials: string
  /** whether applicants may choose 普通话免测 (the province's policy) */
  mandarinExemptionAllowed: boolean
  /** the policy note shown beside 普通话免测; empty: manual 000's sentence */
  mandarinExemptionNote: string
  /** 咨询服务's sections (manual 001 §4), one paragraph per line; empty: the defaults */
  consultationFaq: string
  consultationEmail: string
  consultationContacts: string
  consultationManuals: string
  /** a staff password older than this many days must be changed at the next login; 0: never */
  staffPasswordMaxAgeDays: number
  /** a new staff password may not be any of this many last ones (the current one included) */
  staffPasswordHistory: number
}

export const DEFAULT_SETTINGS: InstanceSettings = {
  bureauName: '县（区）教育局',
  contactPhone: '',
  contactEmail: '',
  contactHours: '',
  notice: '',
  registrationHalf: 'H2',
  registrationNotices: '',
  registrationReminder: '',
  registrationMustRead: '',
  certificationMustRead: '',
  registrationMaterials: '',
  mandarinExemptionAllowed: false,
  mandarinExemptionNote: '',
  consultationFaq: '',
  consultationEmail: '',
  consultationContacts: '',
  consultationManuals: '',
  staffPasswordMaxAgeDays: 90,
  staffPasswordHistory: 5,
}

/**
 * The manuals' texts behind the fields whose empty value means "the manual's": the form shows them
 * to edit, and saving them unchanged stores nothing (so the default stays the manual's).
 */
export const TEXT_DEFAULTS = {
  registrationMustRead: registration.MUST_READ_DEFAULT,
  certificationMustRead: certification.MUST_READ_DEFAULT,
  registrationMaterials: registration.MATERIALS_DEFAULT,
  mandarinExemptionNote: [certification.MANDARIN_EXEMPTION_NOTE_DEFAULT],
  consultationFaq: consultation.FAQ_DEFAULT,
  consultationEmail: consultation.EMAIL_DEFAULT,
  consultationContacts: consultation.CONTACTS_DEFAULT,
  consultationManuals: consultation.MANUALS_DEFAULT,
} as const satisfies Partial<Record<keyof InstanceSettings, readonly string[]>>

type TextField = keyof typeof TEXT_DEFAULTS

/** The text's lines: the administrator's, else the manual's. */
export const textOf = (settings: InstanceSettings, field: TextField): readonly string[] => {
  const own = linesOf(settings[field])
  return own.length ? own : TEXT_DEFAULTS[field]
}

/** The form's values: each text as the administrator set it, else the manual's to edit. */
export function settingsForm(settings: InstanceSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...settings,
    mandarinExemptionAllowed: settings.mandarinExemptionAllowed ? 'yes' : 'no',
  }
  for (const f of Object.keys(TEXT_DEFAULTS) as TextField[]) out[f] = textOf(settings, f).join('\n')
  return out
}

/** A text posted unchanged from the manual's is stored as empty: the manual's stays the default. */
export function withoutDefaults(values: InstanceSettings): InstanceSettings {
  const out = { ...values }
  for (const f of Object.keys(TEXT_DEFAULTS) as TextField[])
    if (linesOf(out[f]).join('\n') === TEXT_DEFAULTS[f].join('\n')) out[f] = ''
  return out
}

/**
 * How an applicant reaches this bureau, for messages that send them to it (the non-full-time 应届毕业生
 * refusal): its e-mail and telephone as set in 系统设置, else its name.
 */
export function contactSentence(s: Pick<InstanceSettings, 'bureauName' | 'contactEmail' | 'contactPhone'>) {
  if (s.contactEmail && s.contactPhone) return `请发邮件至${s.contactEmail}或致电${s.contactPhone}联系我们。`
  if (s.contactEmail) return `请发邮件至${s.contactEmail}联系我们。`
  if (s.contactPhone) return `请致电${s.contactPhone}联系我们。`
  return `请联系${s.bureauName}。`
}

/** Where each field is stored: a key of its own, or a property of a rule object kept under a key. */
const KEYS: Record<keyof InstanceSettings, string> = {
  bureauName: 'bureau_name',
  contactPhone: 'contact_phone',
  contactEmail: 'contact_email',
  contactHours: 'contact_hours',
  notice: 'notice',
  registrationHalf: 'registration_half',
  registrationNotices: 'registration_notices',
  registrationReminder: 'registration_reminder',
  registrationMustRead: 'registration_must_read',
  certificationMustRead: 'certification_must_read',
  registrationMaterials: 'registration_materials',
  mandarinExemptionAllowed: 'certification_mandarin_rule',
  mandarinExemptionNote: 'certification_mandarin_exemption_note',
  consultationFaq: 'consultation_faq',
  consultationEmail: 'consultation_email',
  consultationContacts: 'consultation_contacts',
  consultationManuals: 'consultation_manuals',
  staffPasswordMaxAgeDays: 'staff_password_max_age_days',
  staffPasswordHistory: 'staff_password_history',
}
const PROPERTIES: Partial<Record<keyof InstanceSettings, string>> = {
  mandarinExemptionAllowed: 'exemptionAllowed',
}

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}

export async function getSettings(db: Db): Promise<InstanceSettings> {
  const rows = await repo.settingsRows(db, Object.values(KEYS))
  const stored = new Map(rows.map((r) => [r.key, r.value]))
  const out = { ...DEFAULT_SETTINGS }
  for (const [field, key] of Object.entries(KEYS) as [keyof InstanceSettings, string][]) {
    const property = PROPERTIES[field]
    const v = property ? asObject(stored.get(key))[property] : stored.get(key)
    if (typeof v === typeof DEFAULT_SETTINGS[field]) (out as Record<string, unknown>)[field] = v
  }
  if (!REGISTRATION_HALVES.includes(out.registrationHalf))
    out.registrationHalf = DEFAULT_SETTINGS.registrationHalf
  return out
}

/** Saves every setting in one transaction and audits which keys changed (values may be long, so not them). */
export async function saveSettings(
  db: Db,
  deps: { audit: Audit; now: Date },
  actor: Actor,
  values: InstanceSettings,
): Promise<{ changed: string[] }> {
  return db.transaction(async (trx) => {
    const before = await getSettings(trx)
    const changed = (Object.keys(KEYS) as (keyof InstanceSettings)[]).filter((k) => before[k] !== values[k])
    for (const field of changed) {
      const property = PROPERTIES[field]
      // A flag inside a rule object keeps the rule's other properties.
      const value = property
        ? { ...asObject(await repo.lockSetting(trx, KEYS[field])), [property]: values[field] }
        : values[field]
      await repo.saveSetting(trx, KEYS[field], value, deps.now)
    }
    if (changed.length)
      await deps.audit.record(trx, actor, {
        action: 'settings.update',
        targetType: 'settings',
        detail: { changed: changed.map((f) => KEYS[f]) },
      })
    return { changed: changed.map((f) => KEYS[f]) }
  })
}
