import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import type { FieldErrors } from '../../web/formValidation'
import { checkProfileFields, PROFILE_EXTRAS, type ProfileExtra } from '../auth/profile'
import { shanghaiDate } from '../../domain/time'
import { MESSAGES } from './messages'
import { lockProfile, updateProfile, type ProfileRow } from './repository'

// 修改个人信息 (manual 001 §2.1: beside 实名核验, 修改密码 and 修改手机号码)

/**
 * Identity states that vouch for the person as registered: 核验通过, 人工审核通过, and 人工审核中
 * (a reviewer is looking at it). Fields that describe the person (性别, 出生日期 and the 港澳台
 * numbers) are locked in these states; while unverified or after 人工审核不通过 they may be
 * corrected, and the correction is then what the next 实名核验 or 人工审核 checks.
 */
const IDENTITY_HELD = ['verified', 'manual_approved', 'manual_pending']

/** What 修改个人信息 lets this applicant change now: 民族 always, the rest per the rule above. */
export function editableProfileFields(a: Pick<ProfileRow, 'doc_type' | 'identity_status'>): {
  extras: ProfileExtra[]
  locked: ProfileExtra[]
} {
  const all = PROFILE_EXTRAS[a.doc_type] ?? []
  const held = IDENTITY_HELD.includes(a.identity_status)
  return { extras: held ? [] : all, locked: held ? all : [] }
}

const PROFILE_COLUMNS = {
  ethnicity: 'ethnicity',
  sex: 'sex',
  birthDate: 'birth_date',
  localIdNumber: 'local_id_number',
  passNumber: 'pass_number',
} as const

export type ProfileOutcome = { ok: true; changed: string[] } | { ok: false; errors: FieldErrors }

/**
 * 修改个人信息: checks the posted fields as 完善个人信息 does, but only those this applicant may
 * change now (decided again with the row locked, so a verification finishing meanwhile wins), and
 * writes the changed ones with an audit entry naming them (names only: the values are personal).
 * 姓名, 证件类型 and 证件号码 are never changed here.
 */
export async function changeProfile(
  services: Services,
  applicantId: number,
  body: unknown,
  actor: Actor,
): Promise<ProfileOutcome> {
  const now = services.clock.now()
  return services.db.transaction(async (trx) => {
    const a = await lockProfile(trx, applicantId)
    if (!a) return { ok: false, errors: { _form: MESSAGES.profileGone } }
    const { extras } = editableProfileFields(a)
    const checked = await checkProfileFields(trx, a, extras, body, shanghaiDate(now))
    if (Object.keys(checked.errors).length) return { ok: false, errors: checked.errors }
    const next: Record<string, string | undefined> = {
      ethnicity: checked.value.ethnicity,
      ...(extras.includes('sexAndBirth')
        ? { sex: checked.value.sex, birthDate: checked.value.birthDate }
        : {}),
      ...(extras.includes('localId') ? { localIdNumber: checked.localId } : {}),
      ...(extras.includes('passNumber') ? { passNumber: checked.passNumber } : {}),
    }
    const changes: Record<string, string> = {}
    for (const [field, column] of Object.entries(PROFILE_COLUMNS)) {
      const value = next[field]
      if (value !== undefined && value !== (a[column] ?? '')) changes[column] = value
    }
    const changed = Object.keys(changes)
    if (!changed.length) return { ok: true, changed }
    await updateProfile(trx, a.id, changes, now)
    await services.audit.record(trx, actor, {
      action: 'applicant.change_profile',
      targetType: 'applicant',
      targetId: a.id,
      detail: { fields: changed },
    })
    return { ok: true, changed }
  })
}
