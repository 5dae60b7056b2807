// What the login pages say. The credential and lock messages are deliberately the same whether or
// not the account exists.
export const MESSAGES = {
  badCredentials: '账号或密码错误，连续输错5次账号将被锁定30分钟',
  locked: '账号已被锁定，请30分钟后再试或通过“忘记密码”重置密码',
  staffLocked: '账号已被锁定，请30分钟后再试或联系系统管理员',
  captchaWrong: '验证码错误，请重新输入（每张验证码只能使用一次）',
  rateLimited: '登录尝试过于频繁，请稍后再试',
  loggedOut: '您已安全退出。',
  profileCompleted: '个人信息已完善。',
} as const
