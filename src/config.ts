// Every environment variable is read here, once, and nowhere else.

import { DEFAULT_METRICS_ALLOW, parseAllowEntry } from './domain/addressList'

export interface Config {
  env: 'production' | 'development' | 'test'
  port: number
  host: string
  databaseUrl: string | undefined
  /** The database's owner: migrations, seeds and the command-line tools (DATABASE_URL when unset). */
  databaseOwnerUrl: string | undefined
  dataDir: string
  sessionSecret: string
  trustProxy: boolean
  /** Addresses and networks (CIDR) that may read /metrics; everyone else gets 404. */
  metricsAllow: string[]
  /** Without a trailing slash. */
  publicUrl: string
  fakeNow: string | undefined
  captchaDisabled: boolean
  /** Administrators give a TOTP code after their password (off only outside production). */
  adminTotp: boolean
  /** The key the administrators' TOTP secrets are encrypted with (SESSION_SECRET when unset). */
  totpKey: string
  /** Load the demo accounts at start (never in production). */
  seedDemo: boolean
  smtpUrl: string | undefined
  mailFrom: string
  smsGatewayUrl: string | undefined
  smsGatewayToken: string | undefined
  identityProviderUrl: string | undefined
  identityProviderToken: string | undefined
  logLevel: LogLevel
  /** Pages the PDF service prints on at once (one warm Chromium). */
  pdfPages: number
  argon2: { memoryCost: number; timeCost: number; parallelism: number }
  rateLimits: {
    loginPerIpPerMinute: number
    smsPerIpPerHour: number
    verifyPerIpPerHour: number
    /** the public /verify page (QR codes of printed forms) */
    lookupPerIpPerMinute: number
    /** printed forms (申请表) one account may have rendered in a minute */
    pdfPerUserPerMinute: number
  }
}

type Env = Record<string, string | undefined>

export const NODE_ENVS = ['production', 'development', 'test'] as const
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

const TRUE = ['1', 'true', 'yes', 'on']
const FALSE = ['0', 'false', 'no', 'off']

/** A start refused for its configuration: the message is for the operator, the stack says nothing. */
export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`配置有误，系统拒绝启动：\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** The allowed value the operator probably meant ("Production" → production, "prod" → production). */
function meant(raw: string, allowed: readonly string[]): string | undefined {
  const v = raw.trim().toLowerCase()
  if (!v) return undefined
  return allowed.find((a) => a === v) ?? allowed.find((a) => a.startsWith(v) || v.startsWith(a))
}

/**
 * Reads variables and collects every value it cannot take, so one failed start names them all.
 * An unset or empty variable takes its default; a set one must be exactly right.
 */
function envReader(env: Env) {
  const problems: string[] = []
  const set = (name: string) => env[name] !== undefined && env[name] !== ''
  return {
    problems,
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const raw = env[name]
      if (!set(name)) return fallback
      if ((allowed as readonly string[]).includes(raw!)) return raw as T
      const guess = meant(raw!, allowed)
      problems.push(
        `${name}="${raw}" 无法识别，只能是 ${allowed.join('、')} 之一（区分大小写）${guess ? `；是否应为 ${name}=${guess}？` : ''}`,
      )
      return fallback
    },
    int(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
      const raw = env[name]
      if (!set(name)) return fallback
      const n = /^\d+$/.test(raw!.trim()) ? Number(raw) : NaN
      if (Number.isSafeInteger(n) && n >= min && n <= max) return n
      const range = max === Number.MAX_SAFE_INTEGER ? `不小于 ${min} 的整数` : `${min}–${max} 之间的整数`
      problems.push(`${name}="${raw}" 不是${range}`)
      return fallback
    },
    bool(name: string, fallback = false): boolean {
      const raw = env[name]
      if (!set(name)) return fallback
      const v = raw!.trim().toLowerCase()
      if (TRUE.includes(v)) return true
      if (FALSE.includes(v)) return false
      problems.push(`${name}="${raw}" 无法识别，开关只能是 1/0、true/false、yes/no 或 on/off`)
      return fallback
    },
    url(name: string, protocols: string[]): string | undefined {
      const raw = env[name]
      if (!set(name)) return undefined
      try {
        if (protocols.includes(new URL(raw!).protocol)) return raw
      } catch {
        // refused below, with the others
      }
      problems.push(
        `${name}="${raw}" 不是有效的地址，应以 ${protocols.map((p) => `${p}//`).join(' 或 ')} 开头`,
      )
      return undefined
    },
    /** A list of IP addresses and networks (10.0.0.0/8), separated by commas or spaces. */
    addresses(name: string, fallback: string[]): string[] {
      const raw = env[name]
      if (!set(name)) return fallback
      const entries = raw!.split(/[\s,]+/).filter(Boolean)
      const bad = entries.filter((e) => !parseAllowEntry(e))
      if (entries.length && !bad.length) return entries
      const what = bad.length
        ? `中 ${bad.map((b) => `“${b}”`).join('、')} 不是 IP 地址或网段`
        : '没有列出任何地址'
      problems.push(`${name}="${raw}" ${what}，应如 127.0.0.1,::1,10.0.0.0/8`)
      return fallback
    },
    date(name: string): string | undefined {
      const raw = env[name]
      if (!set(name)) return undefined
      if (!Number.isNaN(Date.parse(raw!))) return raw
      problems.push(`${name}="${raw}" 不是日期时间，应如 2026-08-31T23:55:00+08:00`)
      return undefined
    },
  }
}

export function loadConfig(env: Env = process.env): Config {
  const read = envReader(env)
  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS, 'development')
  const production = nodeEnv === 'production'
  const port = read.int('PORT', 3000, 1, 65535)
  const config: Config = {
    env: nodeEnv,
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    databaseOwnerUrl: env.DATABASE_OWNER_URL || undefined,
    dataDir: env.DATA_DIR || './data',
    sessionSecret: env.SESSION_SECRET || (production ? '' : 'development-only-secret-change-me'),
    trustProxy: read.bool('TRUST_PROXY'),
    metricsAllow: read.addresses('METRICS_ALLOW', DEFAULT_METRICS_ALLOW),
    publicUrl: (read.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(
      /\/+$/,
      '',
    ),
    fakeNow: read.date('FAKE_NOW'),
    captchaDisabled: read.bool('CAPTCHA_DISABLED'),
    adminTotp: read.bool('ADMIN_TOTP', true),
    totpKey: env.TOTP_KEY || env.SESSION_SECRET || (production ? '' : 'development-only-secret-change-me'),
    seedDemo: read.bool('SEED_DEMO', true),
    smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM || '教师资格网上申报系统 <noreply@localhost>',
    smsGatewayUrl: read.url('SMS_GATEWAY_URL', ['http:', 'https:']),
    smsGatewayToken: env.SMS_GATEWAY_TOKEN || undefined,
    identityProviderUrl: read.url('IDENTITY_PROVIDER_URL', ['http:', 'https:']),
    identityProviderToken: env.IDENTITY_PROVIDER_TOKEN || undefined,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    pdfPages: read.int('PDF_PAGES', 3, 1, 16),
    // OWASP's minimum for argon2id is m=19 MiB, t=2, p=1; these may only be raised.
    argon2: {
      memoryCost: read.int('ARGON2_MEMORY_KIB', 19456, 1),
      timeCost: read.int('ARGON2_TIME_COST', 2, 1),
      parallelism: read.int('ARGON2_PARALLELISM', 1, 1),
    },
    rateLimits: {
      loginPerIpPerMinute: read.int('RATE_LOGIN_PER_IP_PER_MINUTE', 30, 1),
      smsPerIpPerHour: read.int('RATE_SMS_PER_IP_PER_HOUR', 20, 1),
      verifyPerIpPerHour: read.int('RATE_VERIFY_PER_IP_PER_HOUR', 30, 1),
      lookupPerIpPerMinute: read.int('RATE_LOOKUP_PER_IP_PER_MINUTE', 60, 1),
      pdfPerUserPerMinute: read.int('RATE_PDF_PER_USER_PER_MINUTE', 30, 1),
    },
  }
  if (read.problems.length) throw new ConfigError(read.problems)
  validateConfig(config)
  return config
}

/** What production refuses even when every value is well formed. */
export function validateConfig(config: Config): void {
  if (config.env !== 'production') return
  const refusals: string[] = []
  if (!config.databaseUrl) refusals.push('生产环境必须设置 DATABASE_URL')
  if (config.sessionSecret.length < 32) refusals.push('生产环境必须设置至少 32 个字符的 SESSION_SECRET')
  if (config.fakeNow) refusals.push('生产环境不允许 FAKE_NOW（移动系统时钟）')
  if (config.captchaDisabled) refusals.push('生产环境不允许 CAPTCHA_DISABLED')
  if (!config.adminTotp) refusals.push('生产环境不允许关闭管理员动态口令（ADMIN_TOTP）')
  if (config.totpKey.length < 32)
    refusals.push('生产环境的 TOTP_KEY（未设置时用 SESSION_SECRET）至少 32 个字符')
  if (config.argon2.memoryCost < 19456 || config.argon2.timeCost < 2 || config.argon2.parallelism < 1)
    refusals.push(
      'argon2 参数低于 OWASP 最低要求（ARGON2_MEMORY_KIB≥19456、ARGON2_TIME_COST≥2、ARGON2_PARALLELISM≥1）',
    )
  if (refusals.length) throw new ConfigError(refusals)
}

/**
 * Settings that start but will not work as the operator expects; server.ts prints them at start.
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = []
  // The app itself speaks only HTTP: with an https PUBLIC_URL the session cookie is Secure, and
  // express-session sends a Secure cookie only when it sees HTTPS, which behind a proxy it sees
  // only through X-Forwarded-Proto, which it reads only with TRUST_PROXY.
  if (config.publicUrl.startsWith('https://') && !config.trustProxy)
    warnings.push(
      'PUBLIC_URL 以 https:// 开头但未设置 TRUST_PROXY：本系统只提供 HTTP，在 HTTPS 反向代理之后看不出请求是 HTTPS，不会发出会话 Cookie，任何人都无法登录。请设置 TRUST_PROXY=1，并让反向代理发送 X-Forwarded-Proto。',
    )
  if (config.env !== 'production') return warnings
  if (/^https?:\/\/(localhost|127\.0\.0\.1)([:/]|$)/.test(config.publicUrl))
    warnings.push(
      `PUBLIC_URL 为 ${config.publicUrl}（未设置时的默认值）：邮件中的找回密码链接和申请表上的二维码指向本机，申请人打不开。请设置为申请人访问的地址。`,
    )
  if (!config.smtpUrl) warnings.push('未设置 SMTP_URL：找回密码邮件只留在数据库的发件箱中，不会发出。')
  if (!config.smsGatewayUrl)
    warnings.push(
      '未设置 SMS_GATEWAY_URL：短信验证码只留在数据库的发件箱中，不会发出，申请人无法注册或用短信找回密码。',
    )
  return warnings
}
