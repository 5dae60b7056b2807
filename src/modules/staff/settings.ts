import type { Db } from '../../db/knex'
import type { Actor, Audit } from '../../services/audit'

// Instance settings the administrator edits without a deploy; other modules read them with
// getSettings(db). Stored one key per row in `settings` (value jsonb).

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
  notice: string
  registrationHalf: RegistrationHalf
  /** 定期注册 注意事项 (the wizard's notices step), one paragraph per line; empty: the manual's text */
  registrationNotices: string
  /** 定期注册 申报提醒 (after submit and 注意事项 of a record), one paragraph per line; empty: the manual's */
  registrationReminder: string
}

export const DEFAULT_SETTINGS: InstanceSettings = {
  bureauName: '县（区）教育局',
  contactPhone: '',
  contactEmail: '',
  notice: '',
  registrationHalf: 'H2',
  registrationNotices: '',
  registrationReminder: '',
}

const KEYS: Record<keyof InstanceSettings, string> = {
  bureauName: 'bureau_name',
  contactPhone: 'contact_phone',
  contactEmail: 'contact_email',
  notice: 'notice',
  registrationHalf: 'registration_half',
  registrationNotices: 'registration_notices',
  registrationReminder: 'registration_reminder',
}

export async function getSettings(db: Db): Promise<InstanceSettings> {
  const rows: { key: string; value: unknown }[] = await db('settings')
    .whereIn('key', Object.values(KEYS))
    .select('key', 'value')
  const stored = new Map(rows.map((r) => [r.key, r.value]))
  const out = { ...DEFAULT_SETTINGS }
  for (const [field, key] of Object.entries(KEYS) as [keyof InstanceSettings, string][]) {
    const v = stored.get(key)
    if (typeof v === 'string') (out as Record<string, string>)[field] = v
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
    for (const field of changed)
      await trx.raw(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?::jsonb, ?)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [KEYS[field], JSON.stringify(values[field]), deps.now],
      )
    if (changed.length)
      await deps.audit.record(trx, actor, {
        action: 'settings.update',
        targetType: 'settings',
        detail: { changed: changed.map((f) => KEYS[f]) },
      })
    return { changed: changed.map((f) => KEYS[f]) }
  })
}
