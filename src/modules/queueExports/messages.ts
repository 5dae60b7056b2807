// What a large export's progress page says.
export const STATUS_LABELS = {
  queued: '排队中',
  running: '正在生成',
  succeeded: '已完成',
  failed: '生成失败',
} as const

export const BUSINESS_LABELS: Record<string, string> = {
  registrations: '定期注册申请',
  certifications: '教师资格认定申请',
}
