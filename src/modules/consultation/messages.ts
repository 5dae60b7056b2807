// 咨询服务 (manual 001 §4: 常见问题 · 邮件咨询 · 电话咨询 · 各省份认定工作联系方式 · 操作手册). The
// sections' texts are the administrator's to change in 系统设置; these are the defaults, in the
// manual's words where it has them (邮件咨询 verbatim).

export const TITLE = '咨询服务'

export const FAQ_DEFAULT = [
  '在教师资格认定和定期注册过程中遇到问题，请先参考“咨询服务”栏目下“常见问题”相关说明对照处理。',
  '如果仍不能解决问题，请按“咨询服务”栏目中的“邮件咨询”或“电话咨询”方式寻求帮助。',
]

export const EMAIL_DEFAULT = [
  '为及时有效地解决您的问题，请按以下格式发送邮件：',
  '邮件主题：真实姓名+问题关键词',
  '邮件正文：详细、准确地描述问题，并提供证件号码、联系电话。必要时将问题截图作为附件。',
]

export const CONTACTS_DEFAULT = [
  '网报时间、现场确认的时间地点和需提交的材料，请咨询您所选择的认定机构或注册机构。本系统各机构的联系方式如下。',
  '其他省份的认定工作联系方式，请查阅中国教师资格网（www.jszg.edu.cn）“咨询服务”栏目。',
]

export const MANUALS_DEFAULT = [
  '《教师资格认定申请人使用手册》和《教师资格定期注册申请人使用手册》介绍账号注册、个人信息中心、网上报名和查看报名结果的操作步骤，可在中国教师资格网（www.jszg.edu.cn）“咨询服务”栏目“操作手册”中查看。',
  '两项业务的申请范围、条件和材料，见本系统的“须知”（申请人必读）：',
]

export const NO_EMAIL = '本教育局暂未公布咨询邮箱，请按“电话咨询”或各认定机构的联系方式咨询。'
export const NO_PHONE = '本教育局暂未公布咨询电话，请按“邮件咨询”或各认定机构的联系方式咨询。'
