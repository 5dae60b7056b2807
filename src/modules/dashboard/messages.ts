// The texts of the 运行概况 page that the code chooses (the rest is in its template).

export const BUSINESS_TITLES = { registration: '定期注册', certification: '教师资格认定' } as const

export const QUEUE_LABELS = {
  identityReviews: '实名人工审核',
  infoItems: '信息核验（手工录入的信息）',
  registrationConfirmation: '定期注册：待现场确认',
  registrationApproval: '定期注册：待注册审批',
  certificationConfirmation: '教师资格认定：待现场确认',
  certificationReview: '教师资格认定：待审核',
} as const

/** How long something has waited: "3天5小时", "5小时", "不足1小时". */
export function waitedText(ms: number): string {
  const hours = Math.floor(Math.max(0, ms) / 3_600_000)
  const days = Math.floor(hours / 24)
  if (days > 0) return `${days}天${hours % 24}小时`
  return hours > 0 ? `${hours}小时` : '不足1小时'
}

export const chartTitle = (business: keyof typeof BUSINESS_TITLES, year: number) =>
  `${BUSINESS_TITLES[business]}${year}年度各状态申请数`

export const unknownAuthority = (id: number) => `机构 ${id}`
