// Every environment variable is read here, once, and nowhere else.

export interface Config {
  env: 'production' | 'development' | 'test'
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  sessionSecret: string
  trustProxy: boolean
  publicUrl: string
  fakeNow: string | undefined
  captchaDisabled: boolean
  smtpUrl: string | undefined
  mailFrom: string
  smsGatewayUrl: string | undefined
  smsGatewayToken: string | undefined
  identityProviderUrl: string | undefined
  identityProviderToken: string | undefined
  logLevel: string
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

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got "${raw}"`)
  return n
}

function bool(env: Env, name: string): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env[name] ?? '').toLowerCase())
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development'
  const production = nodeEnv === 'production'
  const config: Config = {
    env: nodeEnv,
    port: int(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || './data',
    sessionSecret: env.SESSION_SECRET || (production ? '' : 'development-only-secret-change-me'),
    trustProxy: bool(env, 'TRUST_PROXY'),
    publicUrl: env.PUBLIC_URL || `http://localhost:${int(env, 'PORT', 3000)}`,
    fakeNow: env.FAKE_NOW || undefined,
    captchaDisabled: bool(env, 'CAPTCHA_DISABLED'),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || '教师资格网上申报系统 <noreply@localhost>',
    smsGatewayUrl: env.SMS_GATEWAY_URL || undefined,
    smsGatewayToken: env.SMS_GATEWAY_TOKEN || undefined,
    identityProviderUrl: env.IDENTITY_PROVIDER_URL || undefined,
    identityProviderToken: env.IDENTITY_PROVIDER_TOKEN || undefined,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    pdfPages: int(env, 'PDF_PAGES', 3),
    // OWASP's minimum for argon2id is m=19 MiB, t=2, p=1; these may only be raised.
    argon2: {
      memoryCost: int(env, 'ARGON2_MEMORY_KIB', 19456),
      timeCost: int(env, 'ARGON2_TIME_COST', 2),
      parallelism: int(env, 'ARGON2_PARALLELISM', 1),
    },
    rateLimits: {
      loginPerIpPerMinute: int(env, 'RATE_LOGIN_PER_IP_PER_MINUTE', 30),
      smsPerIpPerHour: int(env, 'RATE_SMS_PER_IP_PER_HOUR', 20),
      verifyPerIpPerHour: int(env, 'RATE_VERIFY_PER_IP_PER_HOUR', 30),
      lookupPerIpPerMinute: int(env, 'RATE_LOOKUP_PER_IP_PER_MINUTE', 60),
      pdfPerUserPerMinute: int(env, 'RATE_PDF_PER_USER_PER_MINUTE', 30),
    },
  }
  validateConfig(config)
  return config
}

export function validateConfig(config: Config): void {
  if (config.env !== 'production') return
  if (config.pdfPages < 1 || config.pdfPages > 16) throw new Error('PDF_PAGES must be between 1 and 16')
  const refusals: string[] = []
  if (!config.databaseUrl) refusals.push('DATABASE_URL is required in production')
  if (config.sessionSecret.length < 32) refusals.push('SESSION_SECRET of at least 32 characters is required')
  if (config.fakeNow) refusals.push('FAKE_NOW (moving the clock) is refused in production')
  if (config.captchaDisabled) refusals.push('CAPTCHA_DISABLED is refused in production')
  if (config.argon2.memoryCost < 19456 || config.argon2.timeCost < 2 || config.argon2.parallelism < 1)
    refusals.push('argon2 parameters below the OWASP minimum (m=19456, t=2, p=1) are refused')
  if (refusals.length) throw new Error(`Refusing to start: ${refusals.join('; ')}`)
}
