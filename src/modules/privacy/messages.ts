// What the personal-information pages say: the 用户账号注册协议 as shipped, 下载我的信息, 查阅记录, and
// the administrator's 用户协议 and 保存期限 pages.

/** The agreement as shipped (version 1), one paragraph a line (src/web/texts.ts lays it out). */
export const AGREEMENT_DEFAULT: readonly string[] = [
  '欢迎使用教师资格网上申报系统（以下简称“本系统”）。本系统由本地教育行政部门（以下简称“教育局”）设立，用于办理教师资格认定和中小学教师资格定期注册网上申报。请您在注册账号前仔细阅读本协议。您勾选“我已阅读并同意《用户账号注册协议》”并完成注册，即表示您已阅读、理解并同意本协议的全部内容。',
  '一、账号注册',
  '（1）本系统实行实名注册。您应使用本人有效身份证件注册，选择与证件相符的证件类型，如实、准确填写姓名、证件号码、证件有效期、电子邮箱和手机号码等信息。',
  '（2）证件类型和证件号码是您在本系统中的唯一身份标识，注册后不能修改。如证件类型、姓名、身份证件号码填写错误，将导致学历学籍、普通话证书和教师资格考试合格证明等信息无法比对核验，由此产生的后果由您本人承担。',
  '（3）一个证件号码只能注册一个账号。教师资格认定和定期注册业务使用同一个账号。',
  '（4）您注册的电子邮箱和手机号码用于找回密码及身份验证，请确保其真实有效并及时更新。',
  '二、账号使用与安全',
  '（1）账号仅限本人使用，不得转让、出借或出售。请妥善保管账号和密码，不要将密码和短信验证码告知他人。因您保管不善造成的损失，由您本人承担。',
  '（2）为保护账号安全，连续输错密码5次账号将被锁定30分钟；登录后长时间无操作，系统将自动退出。',
  '（3）如发现账号被他人使用，请立即通过“忘记密码”重置密码，并联系教育局。',
  '（4）办理业务前须通过实名核验。实名核验未通过的，可以申请人工审核。',
  '三、信息真实性',
  '（1）您在本系统中填写和上传的全部信息及材料应真实、准确、完整。提供虚假信息或材料的，教育局将依照有关规定处理。',
  '（2）教育局可将您提交的信息与教师资格考试、学历学籍、普通话水平测试、公安户籍等信息进行比对核验。',
  '四、个人信息保护',
  '（1）教育局仅为办理教师资格相关业务收集和使用您的个人信息，并按照《中华人民共和国个人信息保护法》等法律法规的要求采取措施保护您的个人信息安全。',
  '（2）除法律法规规定或办理业务所必需外，教育局不会向任何第三方提供您的个人信息。',
  '（3）系统记录登录、提交和审核等操作日志，用于保障系统和账号安全。您可以在个人信息中心下载本系统保存的您的全部信息，并查看教育局工作人员查阅您信息的记录。',
  '五、其他',
  '（1）您不得利用本系统从事任何违法活动，不得干扰本系统的正常运行。',
  '（2）教育局可根据法律法规和业务需要修订本协议，修订后的协议在本系统公布后生效，您再次登录时须阅读并同意修订后的协议。',
  '（3）本协议未尽事宜，按照国家有关法律法规和教师资格管理规定执行。',
]

export const MESSAGES = {
  agreed: '您已同意《用户账号注册协议》。',
  agreementPublished: (version: number) =>
    `已发布《用户账号注册协议》第${version}版，申请人下次登录时须重新同意。`,
  agreementUnchanged: '协议内容没有变化，未发布新版本。',
  agreementEmpty: '请填写协议内容',
  agreementTooLong: '协议内容不能超过20000字',
  retentionSaved: '保存期限已保存。',
  retentionUnchanged: '没有修改任何保存期限。',
  numberNeeded: '请填写整数',
  draftDaysRange: '草稿和未使用的上传保存天数应在1至365之间',
  abandonedYearsRange: '长期未使用账号的保存年数应在1至30之间',
  auditMonthsRange: '审计日志在线保存月数应在6至120之间（《网络安全法》第二十一条：不少于六个月）',
  archiveYearsRange: '归档审计日志保存年数应在1至30之间',
}

/** What a staff member opened, as 查阅记录 says it. */
export const VIEW_LABELS = {
  registration: '定期注册申请',
  registration_form: '定期注册申请表（打印）',
  certification: '认定申请',
  certification_form: '认定申请表（打印）',
  identity_review: '实名人工审核',
  info_item: '个人信息核验',
  file: '上传的照片或材料',
} as const

export type RecordView = keyof typeof VIEW_LABELS

/** How the audit log names the actions of this module. */
export const ACTION_LABELS: Record<string, string> = {
  'applicant.record_viewed': '查阅申请人信息',
  'applicant.consent': '同意用户账号注册协议',
  'applicant.data_export': '下载我的信息',
  'agreement.publish': '发布用户账号注册协议',
  'retention.update': '修改保存期限',
  'retention.drafts': '清理过期草稿和未使用的上传',
  'retention.accounts': '清理长期未使用的账号',
  'retention.audit': '归档和清理审计日志',
}
