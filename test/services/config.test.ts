import { configWarnings, loadConfig, type Config } from '../../src/config'

// loadConfig reads only the object it is given: every case is its own environment.
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://jszg:pw@db:5432/jszg',
  SESSION_SECRET: 'x'.repeat(32),
}

describe('loadConfig refuses a value it cannot take, and says what was meant', () => {
  const refused: [Record<string, string>, RegExp][] = [
    // A misspelt production must not start a development instance (demo logins, /dev/outbox, FAKE_NOW).
    [{ NODE_ENV: 'Production' }, /NODE_ENV="Production".*是否应为 NODE_ENV=production/],
    [{ NODE_ENV: 'PRODUCTION' }, /NODE_ENV=production？/],
    [{ NODE_ENV: 'production ' }, /NODE_ENV=production？/],
    [{ NODE_ENV: 'prod' }, /NODE_ENV=production？/],
    [{ NODE_ENV: 'dev' }, /NODE_ENV=development？/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV="staging" 无法识别，只能是 production、development、test 之一/],
    [{ LOG_LEVEL: 'INFO' }, /LOG_LEVEL=info？/],
    [{ LOG_LEVEL: 'warning' }, /LOG_LEVEL=warn？/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL="verbose" 无法识别/],
    [{ TRUST_PROXY: 'ture' }, /TRUST_PROXY="ture" 无法识别，开关只能是 1\/0/],
    [{ TRUST_PROXY: 'enabled' }, /TRUST_PROXY="enabled"/],
    [{ CAPTCHA_DISABLED: 'y' }, /CAPTCHA_DISABLED="y"/],
    [{ SEED_DEMO: 'nope' }, /SEED_DEMO="nope"/],
    [
      { PUBLIC_URL: 'jszg.example.gov.cn' },
      /PUBLIC_URL="jszg.example.gov.cn" 不是有效的地址，应以 http:\/\/ 或 https:\/\/ 开头/,
    ],
    [{ PUBLIC_URL: 'ftp://jszg.example.gov.cn' }, /PUBLIC_URL=/],
    [{ SMS_GATEWAY_URL: 'sms-gateway.internal/send' }, /SMS_GATEWAY_URL=/],
    [{ IDENTITY_PROVIDER_URL: 'idp:8080' }, /IDENTITY_PROVIDER_URL=/],
    [{ SMTP_URL: 'http://smtp.example.gov.cn' }, /SMTP_URL=.*smtp:\/\/ 或 smtps:\/\//],
    [{ PORT: '0' }, /PORT="0" 不是1–65535 之间的整数/],
    [{ PORT: '65536' }, /PORT="65536"/],
    [{ PORT: '80a' }, /PORT="80a"/],
    [{ PORT: '3000.5' }, /PORT="3000.5"/],
    [{ PORT: '-1' }, /PORT="-1"/],
    [{ PDF_PAGES: '0' }, /PDF_PAGES="0" 不是1–16 之间的整数/],
    [{ PDF_PAGES: '17' }, /PDF_PAGES="17"/],
    [{ RATE_LOGIN_PER_IP_PER_MINUTE: '0' }, /RATE_LOGIN_PER_IP_PER_MINUTE="0" 不是不小于 1 的整数/],
    [{ RATE_PDF_PER_USER_PER_MINUTE: '1e3' }, /RATE_PDF_PER_USER_PER_MINUTE="1e3"/],
    [{ ARGON2_TIME_COST: 'two' }, /ARGON2_TIME_COST="two"/],
    [{ FAKE_NOW: 'tomorrow' }, /FAKE_NOW="tomorrow" 不是日期时间/],
    [{ METRICS_ALLOW: '127.0.0.1,localhost' }, /METRICS_ALLOW=".*" 中 “localhost” 不是 IP 地址或网段/],
    [{ METRICS_ALLOW: '10.0.0.0/33' }, /“10\.0\.0\.0\/33”/],
    [{ METRICS_ALLOW: '10.0.0.0/8/8' }, /METRICS_ALLOW=/],
    [{ METRICS_ALLOW: ' , ' }, /METRICS_ALLOW=" , " 没有列出任何地址/],
    [{ ...PRODUCTION, SESSION_SECRET: 'short' }, /SESSION_SECRET/],
    [{ ...PRODUCTION, FAKE_NOW: '2026-08-31T23:55:00+08:00' }, /FAKE_NOW/],
    [{ ...PRODUCTION, CAPTCHA_DISABLED: '1' }, /CAPTCHA_DISABLED/],
    [{ ...PRODUCTION, ARGON2_TIME_COST: '1' }, /argon2/],
  ]
  it.each(refused)('%j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
    expect(() => loadConfig(env)).toThrow(/^配置有误，系统拒绝启动/)
  })

  it('names every refused value in one message', () => {
    expect(() => loadConfig({ NODE_ENV: 'Production', PORT: 'x', TRUST_PROXY: 'si' })).toThrow(
      /NODE_ENV="Production"[^]*PORT="x"[^]*TRUST_PROXY="si"/,
    )
  })
})

describe('loadConfig takes what it should', () => {
  const accepted: [Record<string, string>, Partial<Config>][] = [
    [{}, { env: 'development', port: 3000, trustProxy: false, logLevel: 'info', seedDemo: true }],
    [{ NODE_ENV: '' }, { env: 'development' }],
    [{ NODE_ENV: 'development' }, { env: 'development' }],
    [{ NODE_ENV: 'test' }, { env: 'test', logLevel: 'silent' }],
    [PRODUCTION, { env: 'production', logLevel: 'info', captchaDisabled: false }],
    ...['1', 'true', 'TRUE', 'yes', 'on', ' On '].map((v): [Record<string, string>, Partial<Config>] => [
      { TRUST_PROXY: v },
      { trustProxy: true },
    ]),
    ...['0', 'false', 'no', 'Off', ''].map((v): [Record<string, string>, Partial<Config>] => [
      { TRUST_PROXY: v },
      { trustProxy: false },
    ]),
    [{ SEED_DEMO: '0' }, { seedDemo: false }],
    [{ SEED_DEMO: 'false' }, { seedDemo: false }],
    [{ PORT: '8080' }, { port: 8080, publicUrl: 'http://localhost:8080' }],
    [{ PUBLIC_URL: 'https://jszg.example.gov.cn/' }, { publicUrl: 'https://jszg.example.gov.cn' }],
    [{ LOG_LEVEL: 'debug' }, { logLevel: 'debug' }],
    [{ PDF_PAGES: '16' }, { pdfPages: 16 }],
    [{ FAKE_NOW: '2026-08-31T23:55:00+08:00' }, { fakeNow: '2026-08-31T23:55:00+08:00' }],
    [{}, { metricsAllow: ['127.0.0.0/8', '::1'] }],
    [
      { METRICS_ALLOW: '127.0.0.1, ::1 10.0.0.0/8,fd00::/8' },
      { metricsAllow: ['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8'] },
    ],
  ]
  it.each(accepted)('%j', (env, expected) => {
    expect(loadConfig(env)).toMatchObject(expected)
  })
})

describe('configWarnings', () => {
  const proxy = /PUBLIC_URL 以 https:\/\/ 开头但未设置 TRUST_PROXY/
  const cases: [string, Record<string, string>, RegExp[]][] = [
    ['development as it comes', {}, []],
    ['https without TRUST_PROXY', { PUBLIC_URL: 'https://jszg.example.gov.cn' }, [proxy]],
    ['https behind a trusted proxy', { PUBLIC_URL: 'https://jszg.example.gov.cn', TRUST_PROXY: '1' }, []],
    ['plain http without a proxy', { PUBLIC_URL: 'http://jszg.example.gov.cn' }, []],
    [
      'production with every edge set',
      {
        ...PRODUCTION,
        PUBLIC_URL: 'https://jszg.example.gov.cn',
        TRUST_PROXY: '1',
        SMTP_URL: 'smtps://u:p@smtp.example.gov.cn:465',
        SMS_GATEWAY_URL: 'http://sms.internal/send',
      },
      [],
    ],
    [
      'production left at the defaults',
      PRODUCTION,
      [/PUBLIC_URL 为 http:\/\/localhost:3000/, /未设置 SMTP_URL/, /未设置 SMS_GATEWAY_URL/],
    ],
    [
      'production https without TRUST_PROXY',
      {
        ...PRODUCTION,
        PUBLIC_URL: 'https://jszg.example.gov.cn',
        SMTP_URL: 'smtp://smtp.example.gov.cn',
        SMS_GATEWAY_URL: 'http://sms.internal/send',
      },
      [proxy],
    ],
  ]
  it.each(cases)('%s', (_name, env, expected) => {
    const warnings = configWarnings(loadConfig(env))
    expect(warnings).toHaveLength(expected.length)
    expected.forEach((re, i) => expect(warnings[i]).toMatch(re))
  })
})
