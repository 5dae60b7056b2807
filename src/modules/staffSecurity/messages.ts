// What the staff account security pages say.
export const MESSAGES = {
  codeRequired: '请输入身份验证器应用显示的6位动态口令',
  codeWrong: '动态口令不正确或已使用过，请输入应用中最新显示的6位数字',
  codeLocked: '动态口令连续输错5次，已锁定30分钟，请稍后再试或联系其他系统管理员',
  pendingExpired: '登录已超时，请重新输入用户名和密码',
  rateLimited: '尝试过于频繁，请稍后再试',
  enrolled: '已绑定身份验证器，今后登录时请在密码之后输入动态口令。',
  currentPasswordWrong: '当前密码不正确',
  passwordReused: (count: number) =>
    count > 1 ? `新密码不能与最近${count}次使用过的密码相同` : '新密码不能与当前密码相同',
  passwordExpired: (days: number) => `您的密码已使用超过${days}天，请先设置新密码再继续使用系统。`,
  passwordChanged: '密码已修改，您在其他设备上的登录已全部退出。',
  secondFactorReset: '已重置该管理员的动态口令，其所有登录已退出；下次登录时需重新绑定身份验证器。',
  secondFactorResetRefused: '该账号未绑定动态口令，或不能重置自己的动态口令',
} as const
