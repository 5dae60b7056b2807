// What the account pages say (manual 000 §2.1 wording where it has one).
export const MESSAGES = {
  registered: '注册成功，请使用证件号码和密码登录。',
  duplicate: '该证件号码已被注册',
  docTypeMissing: '请选择证件类型',
  docNumberMissing: '请填写证件号码',
  validFromMissing: '请填写证件有效期开始日期',
  validFromFuture: '证件有效期开始日期不能晚于今天',
  validToMissing: '请填写证件有效期结束日期，长期有效的身份证请勾选“长期”',
  validToBeforeStart: '证件有效期结束日期应晚于开始日期',
  validToExpired: '证件已过有效期，请使用有效期内的证件注册',
  validLongOnlyIdCard: '只有身份证的有效期可以为长期，请填写结束日期',
  dateFormat: '日期应为“年-月-日”格式，例如2020-09-01',
  passwordMissing: '请填写密码',
  passwordConfirmMissing: '请再次输入密码',
  passwordMismatch: '两次输入的密码不一致',
  emailMissing: '请填写电子邮箱',
  phoneMissing: '请填写手机号码',
  smsCodeMissing: '请填写短信验证码',
  smsCodeFormat: '短信验证码为6位数字',
  agreeMissing: '请阅读并勾选同意《用户账号注册协议》',

  smsSent: '验证码已发送，5分钟内有效',
  smsNotSentTitle: '短信验证码未发送，原因如下',
  smsQuota: '该手机号码今日获取验证码次数已达上限（每天最多3次），请明天再试',
  smsRateLimited: '获取验证码过于频繁，请稍后再试',
  smsNoCode: '短信验证码已失效或尚未获取，请重新获取',
  smsWrong: '短信验证码不正确，请重新输入',
  smsKilled: '短信验证码输错次数过多，已失效，请重新获取',

  forgotNoMatch:
    '证件类型、证件号码或姓名不正确，无法找回密码。请选择注册时的证件类型并正确填写证件号码和姓名。',
  forgotRateLimited: '找回密码操作过于频繁，请稍后再试',
  forgotExpired: '找回密码操作已超时，请重新填写证件信息',
  passwordReset: '密码已重置，请使用新密码登录。',

  oldPasswordMissing: '请填写原密码',
  oldPasswordWrong: '原密码不正确',
  currentPasswordMissing: '请填写当前登录密码',
  currentPasswordWrong: '当前登录密码不正确',
  passwordTriesLocked: '密码输错次数过多，请30分钟后再试',
  passwordSame: '新密码不能与原密码相同',
  passwordChanged: '密码已修改。',
  phoneSame: '新手机号码与当前手机号码相同',
  phoneChanged: '手机号码已修改。',
  emailSame: '新邮箱与当前邮箱相同',
  emailChanged: '电子邮箱已修改。',
  profileChanged: '个人信息已修改。',
  profileUnchanged: '个人信息没有变化，未作修改。',
  profileGone: '账号不存在，请重新登录',
} as const

export const SMS_TEXT = (code: string) =>
  `【教师资格网上申报系统】您的验证码为${code}，5分钟内有效。请勿将验证码告知他人。`

export const RESET_EMAIL = {
  subject: '教师资格网上申报系统-找回密码',
  body: (name: string, link: string) =>
    `${name}，您好：\n\n` +
    `您在教师资格网上申报系统申请了密码重置。请在30分钟内打开下面的链接设置新密码（链接只能使用一次）：\n\n` +
    `${link}\n\n` +
    `如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。\n`,
}

// Beside each document type: how its number is written (manual 000 §2.1.1 (2)).
export const DOC_NUMBER_HINTS = {
  id_card: '18位，最后一位可以是X',
  hk_macau_pass: '9位（H或M及8位纯数字），最后两位换证次数无需填写',
  taiwan_pass: '8位（纯数字），最后两位换证次数无需填写',
  residence_permit: '18位，以810000、820000或830000开头',
} as const

export const SEX_LABELS = { M: '男', F: '女' } as const
