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
