// What the identity pages say, in the manuals' words where the manuals have them (000 §2.2.2,
// 001 §2.1). The 操作说明 and the manual-review notes are in the templates, verbatim.

export const DAILY_VERIFY_ATTEMPTS = 3
export const REVIEWS_PER_CYCLE = 3
export const REVIEW_WORKING_DAYS = 7

export const MESSAGES = {
  verified: '实名核验成功。',
  verifiedNameChanged: '实名核验成功，姓名已修改。',
  failed: '实名核验未通过。请仔细核对您所填写的内容，勿直接重复提交。',
  failedNameChange:
    '实名认证失败，信息更新未成功。您仍可正常办理业务，如确需修改，可参照页面右侧说明开通网证，再进行实名认证。',
  // The manual's wording assumes a verified applicant ("您仍可正常办理业务"); one who is not yet
  // verified is told only that the name stays as it was.
  failedNameChangeUnverified:
    '实名认证失败，信息更新未成功，姓名未修改。请仔细核对您所填写的内容，勿直接重复提交。',
  dailyLimit: '今日实名核验次数已用完，请明天再试。',
  pending: '您的人工审核申请正在审核中。待人工审核期间，您不可修改所提交信息，也不可进行实名核验。',
  unavailable: '实名核验服务暂时无法使用，本次不计入核验次数，请稍后再试。',
  rateLimited: '操作过于频繁，请稍后再试。',
  reviewSubmitted: '人工审核申请已提交，请等待审核结果。',
  reviewPending: '您已有正在审核中的人工审核申请，请等待审核结果。',
  reviewCycleLimit:
    '本周期您已申请三次人工审核，不能再次申请。每年1月1日至8月31日、9月1日至12月31日为两个周期。',
  reviewNotNeeded: '您已通过实名核验，无需申请人工审核。',
  reviewVerifyFirst: '请先进行实名核验；实名核验未通过时，方可申请人工审核。',
  photoPreviewed: '照片已上传，请确认照片清晰后提交人工审核。',
  photoKept: '已上传的照片已保留，修改其他内容后即可提交。',
  decided: '审核结果已保存。',
  decidedByOther: '该申请已被其他工作人员处理',
  reasonRequired: '请填写不通过原因',
} as const

export const REVIEW_STATUS_LABELS: Record<string, string> = {
  pending: '审核中',
  approved: '审核通过',
  rejected: '审核不通过',
}

export const DECISION_LABELS: Record<string, string> = {
  approve: '审核通过',
  reject: '审核不通过',
}

/** The e-mail that tells the applicant the reviewer's decision. */
export function decisionEmail(
  name: string,
  approved: boolean,
  reason: string,
): { subject: string; body: string } {
  const subject = '实名人工审核结果'
  const result = approved
    ? '您提交的实名人工审核申请已审核通过，您可以继续办理业务。'
    : `您提交的实名人工审核申请审核不通过。不通过原因：${reason}\n您可按不通过原因修改个人信息后重新提交人工审核。`
  return { subject, body: `${name}您好：\n${result}\n\n教师资格网上申报系统` }
}
