export const ACCOUNT_MESSAGES = {
  password: '密码须为8位以上数字、字母和特殊字符组合（特殊字符请从“#、%、*、-、_、!、@、$、&”中选取）',
  emailFullWidth:
    '邮箱中的点勿使用句号代替，且不能包含全角字符。如您所使用的邮箱为QQ邮箱，请使用@前为纯数字的形式',
  email: '请输入正确的电子邮箱地址',
  mobile: '请输入11位手机号码',
  nameMissing: '请输入姓名',
  nameLength: '姓名不能超过50个字符',
  nameChars: '姓名只能包含汉字、英文字母、空格和间隔号“·”',
} as const

/** Returns the rule as the message when the password breaks it; other characters are allowed. */
export function checkPassword(pw: string): string | null {
  const ok = Array.from(pw).length >= 8 && /\d/.test(pw) && /[A-Za-z]/.test(pw) && /[#%*\-_!@$&]/.test(pw)
  return ok ? null : ACCOUNT_MESSAGES.password
}

// Chinese input methods in full-width mode turn '.' into '。' or '．'; those addresses look right to
// the applicant but never receive mail, so they get their own explanation.
const FULL_WIDTH = /[\u3000\u3002\uFF00-\uFFEF]/

const EMAIL_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
const EMAIL_RE = new RegExp(
  `^[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]+)*@${EMAIL_LABEL}(?:\\.${EMAIL_LABEL})+$`,
)

export function checkEmail(e: string): string | null {
  if (FULL_WIDTH.test(e)) return ACCOUNT_MESSAGES.emailFullWidth
  if (e.length > 254 || !EMAIL_RE.test(e)) return ACCOUNT_MESSAGES.email
  const local = e.slice(0, e.lastIndexOf('@'))
  return local.length > 64 ? ACCOUNT_MESSAGES.email : null
}

export function checkMobile(m: string): string | null {
  return /^1\d{10}$/.test(m) ? null : ACCOUNT_MESSAGES.mobile
}

// Ethnic-minority and foreign-born names are written with a middle dot, and applicants type whichever
// dot their keyboard offers; the ID registry uses U+00B7, so the others are mapped onto it.
const OTHER_DOTS = /[\u2022\u30FB\uFF0E]/g

/** The stored form of a name: trimmed, single spaces, every middle dot as U+00B7. */
export function normaliseName(name: string): string {
  return name.replace(OTHER_DOTS, '\u00B7').trim().replace(/\s+/g, ' ')
}

// Han covers rare characters in CJK extensions A–G that must not be refused.
const NAME_RE = /^[\p{Script=Han}A-Za-z]+(?:(?: ?\u00B7 ?| )[\p{Script=Han}A-Za-z]+)*$/u

/** Checks the name as normaliseName would store it. */
export function checkName(name: string): string | null {
  const n = normaliseName(name)
  if (!n) return ACCOUNT_MESSAGES.nameMissing
  if (Array.from(n).length > 50) return ACCOUNT_MESSAGES.nameLength
  return NAME_RE.test(n) ? null : ACCOUNT_MESSAGES.nameChars
}
