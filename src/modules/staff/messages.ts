import { ACTION_LABELS as PRIVACY_ACTIONS } from '../privacy/messages'

// What the staff console shows for codes stored in the audit log and the holiday table.

export const ACTION_LABELS: Record<string, string> = {
  'applicant.register': '申请人注册',
  'applicant.login': '申请人登录',
  'applicant.login_failed': '申请人登录失败',
  'applicant.logout': '申请人退出',
  'applicant.complete_profile': '完善个人信息',
  'applicant.change_profile': '修改个人信息',
  'applicant.change_password': '修改密码',
  'applicant.change_phone': '修改手机号码',
  'applicant.change_email': '修改电子邮箱',
  'applicant.password_reset_request': '申请找回密码',
  'applicant.password_reset': '找回密码',
  'applicant.sms_code': '发送短信验证码',
  'staff.login': '工作人员登录',
  'staff.login_failed': '工作人员登录失败',
  'staff.logout': '工作人员退出',
  'staff.create': '新增工作人员',
  'staff.update': '修改工作人员',
  'staff.deactivate': '停用工作人员',
  'staff.reactivate': '启用工作人员',
  'staff.reset_password': '重置工作人员密码',
  'staff.login_password': '工作人员密码验证通过（待动态口令）',
  'staff.second_factor_enrol': '绑定动态口令',
  'staff.second_factor_failed': '动态口令验证失败',
  'staff.reset_second_factor': '重置管理员动态口令',
  'staff.change_password': '工作人员修改密码',
  'identity.verify': '实名核验',
  'identity.review_submit': '提交人工审核',
  'identity.review_decide': '人工审核处理',
  'identity.registry_import': '导入身份信息库',
  'identity.registry_export': '导出身份信息库',
  'registries.import': '导入数据库（考试、普通话、学历、学籍、证书、学校）',
  'registries.export': '导出数据库（考试、普通话、学历、学籍、证书、学校）',
  'bureau.authority.create': '新增机构',
  'bureau.authority.update': '修改机构',
  'bureau.point.create': '新增确认点',
  'bureau.point.update': '修改确认点',
  'bureau.point.schools': '修改确认点覆盖的学校',
  'bureau.window.create': '新增网报时间',
  'bureau.window.update': '修改网报时间',
  'bureau.window.delete': '删除网报时间',
  'holiday.add': '添加节假日',
  'holiday.delete': '删除节假日',
  'settings.update': '修改系统设置',
  'audit.export': '导出审计日志',
  'audit.purge': '清理过期审计日志',
  ...PRIVACY_ACTIONS,
}

export const actionLabel = (code: string): string => ACTION_LABELS[code] ?? code

export const ACTOR_KIND_LABELS: Record<string, string> = {
  applicant: '申请人',
  staff: '工作人员',
  anonymous: '未登录用户',
  system: '系统',
}

export const HOLIDAY_KIND_LABELS: Record<string, string> = {
  holiday: '节假日',
  workday: '调休上班',
}
