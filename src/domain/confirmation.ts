import { shanghaiDateTime } from './time'
import type { TransitionRule } from './transitions'

// The part of the status machine both businesses share (定期注册 and 教师资格认定): 现场确认 at the
// point — 确认通过, 确认未通过 listing the missing materials, 材料已补齐 once they arrive — and 退回修改
// by the point or the authority, back to 网报待确认 naming the fields to correct. Each business says
// which of its statuses waits for the authority after 现场确认, and from which 退回修改 is allowed.

type ConfirmationStatus = 'pending_confirmation' | 'confirmation_failed'

/** 确认通过, 确认未通过 and 材料已补齐, the point's: `confirmed` is where a confirmed application waits. */
export function confirmationRules<S extends string>(
  confirmed: S,
): TransitionRule<S | ConfirmationStatus, 'confirm' | 'fail_confirmation' | 'materials_complete'>[] {
  return [
    {
      name: 'confirm',
      label: '确认通过',
      from: ['pending_confirmation'],
      to: confirmed,
      by: ['point'],
      reasonRequired: false,
    },
    {
      name: 'fail_confirmation',
      label: '确认未通过',
      from: ['pending_confirmation'],
      to: 'confirmation_failed',
      by: ['point'],
      reasonRequired: true,
    },
    {
      name: 'materials_complete',
      label: '材料已补齐',
      from: ['confirmation_failed'],
      to: confirmed,
      by: ['point'],
      reasonRequired: false,
    },
  ]
}

/** 退回修改 from `from`, by the point or the authority, to 网报待确认 with the fields to correct. */
export function returnForCorrection<S extends string>(
  from: readonly S[],
): TransitionRule<S | ConfirmationStatus, 'return_for_correction'> {
  return {
    name: 'return_for_correction',
    label: '退回修改',
    from,
    to: 'pending_confirmation',
    by: ['point', 'authority'],
    reasonRequired: true,
  }
}

/** The point's decisions taken with the applicant and the materials in front of the clerk. */
const ON_SITE: readonly string[] = ['confirm', 'fail_confirmation', 'materials_complete']

export const CONFIRMATION_MESSAGES = {
  notStarted: (start: string) =>
    `本确认点的现场确认尚未开始（现场确认开始时间：${start}），开始后方可进行现场确认。`,
} as const

/**
 * Why the point may not make this on-site decision now, or null when it may: before the point's
 * 现场确认开始时间 nobody can have come with the materials, so 确认通过 (and 确认未通过, 材料已补齐)
 * would confirm what was never seen. A point without a start time is not held back.
 */
export function onSiteRefusal(
  transition: string,
  point: { confirm_start: Date | null } | undefined,
  now: Date,
): string | null {
  if (!ON_SITE.includes(transition) || !point?.confirm_start) return null
  if (now.getTime() >= point.confirm_start.getTime()) return null
  return CONFIRMATION_MESSAGES.notStarted(shanghaiDateTime(point.confirm_start))
}
