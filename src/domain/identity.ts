// 实名状态 as the header shows it (SPEC "Details from the manuals").
export const IDENTITY_STATUSES = [
  'unverified',
  'verified',
  'manual_pending',
  'manual_approved',
  'manual_rejected',
] as const
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number]

export const IDENTITY_STATUS_LABELS: Record<IdentityStatus, string> = {
  unverified: '未核验',
  verified: '核验通过',
  manual_pending: '人工审核中',
  manual_approved: '人工审核通过',
  manual_rejected: '人工审核不通过',
}

export const isVerified = (s: string) => s === 'verified' || s === 'manual_approved'

/** A later failed check never lowers a pass. */
export function statusAfterCheck(current: IdentityStatus, passed: boolean): IdentityStatus {
  if (passed) return 'verified'
  return current
}
