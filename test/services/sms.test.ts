import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { uniquePhone } from '../helpers/factories'
import { checkSmsCode, sendSmsCode, SMS_RULES } from '../../src/modules/accounts/sms'
import { MESSAGES } from '../../src/modules/accounts/messages'

const HIGH_LIMITS = { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 10_000, verifyPerIpPerHour: 10_000 }

async function codesSentTo(t: TestApp, phone: string): Promise<string[]> {
  const rows = await t.db('outbox').where({ channel: 'sms', recipient: phone }).orderBy('id').select('body')
  return rows.map((r: { body: string }) => /(\d{6})/.exec(r.body)![1])
}

async function lastCode(t: TestApp, phone: string): Promise<string> {
  const codes = await codesSentTo(t, phone)
  if (!codes.length) throw new Error(`no code sent to ${phone}`)
  return codes[codes.length - 1]
}

/** A six-digit code that is certainly not `code`. */
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

describe('SMS verification codes', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ config: { rateLimits: HIGH_LIMITS } })
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  const send = (phone: string, purpose: 'register' | 'reset_password' | 'change_phone' = 'register') =>
    sendSmsCode(t.services, { phone, purpose, ip: '10.0.0.1' })
  const check = (phone: string, code: string, purpose: 'register' | 'change_phone' = 'register') =>
    checkSmsCode(t.services, undefined, { phone, purpose, code })

  it('gives exactly 3 codes to one phone when 20 requests arrive at once', async () => {
    const phone = uniquePhone()
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => send(phone)))
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3)
    const refused = outcomes.filter((o) => !o.ok)
    expect(refused).toHaveLength(17)
    for (const o of refused) expect(o).toEqual({ ok: false, reason: 'quota', message: MESSAGES.smsQuota })
    expect(await codesSentTo(t, phone)).toHaveLength(3)
    expect(await t.db('sms_codes').where({ phone }).count('* as n').first()).toEqual({ n: '3' })
  })

  it('sends six random digits through the outbox and stores only a hash of them', async () => {
    const phone = uniquePhone()
    expect(await send(phone)).toEqual({ ok: true })
    const code = await lastCode(t, phone)
    expect(code).toMatch(/^\d{6}$/)
    const row = await t.db('sms_codes').where({ phone }).first()
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(row.code_hash).not.toContain(code)
    expect(JSON.stringify(row)).not.toContain(code)
    const audit = await t.db('audit_log').where({ action: 'sms.send' }).orderBy('id', 'desc').first()
    expect(JSON.stringify(audit.detail)).not.toContain(phone)
    expect(JSON.stringify(audit.detail)).not.toContain(code)
  })

  it('counts the quota per Asia/Shanghai day: 23:59 and 00:00 are different days', async () => {
    const phone = uniquePhone()
    t.clock.set('2026-09-01T15:59:00Z') // 2026-09-01 23:59 in Shanghai
    for (let i = 0; i < SMS_RULES.perPhonePerDay; i++) expect((await send(phone)).ok).toBe(true)
    expect(await send(phone)).toMatchObject({ ok: false, reason: 'quota' })
    t.clock.set('2026-09-01T16:00:00Z') // 2026-09-02 00:00 in Shanghai
    expect(await send(phone)).toEqual({ ok: true })
    const days = await t.db('sms_quota').where({ phone }).orderBy('day').select(t.db.raw('day::text'), 'used')
    expect(days).toEqual([
      { day: '2026-09-01', used: 3 },
      { day: '2026-09-02', used: 1 },
    ])
  })

  it('accepts a code until 5 minutes have passed and not after', async () => {
    const phone = uniquePhone()
    await send(phone)
    const code = await lastCode(t, phone)
    t.clock.advance(5 * 60_000 - 1000)
    expect(await check(phone, code)).toEqual({ ok: true })

    const phone2 = uniquePhone()
    await send(phone2)
    const code2 = await lastCode(t, phone2)
    t.clock.advanceMinutes(5)
    expect(await check(phone2, code2)).toEqual({ ok: false, reason: 'missing', message: MESSAGES.smsNoCode })
  })

  it('uses a code up: the same code works once', async () => {
    const phone = uniquePhone()
    await send(phone)
    const code = await lastCode(t, phone)
    expect(await check(phone, code)).toEqual({ ok: true })
    expect(await check(phone, code)).toMatchObject({ ok: false, reason: 'missing' })
  })

  it('kills a code after 5 wrong tries, even for the right code afterwards', async () => {
    const phone = uniquePhone()
    await send(phone)
    const code = await lastCode(t, phone)
    for (let i = 1; i < SMS_RULES.maxWrongTries; i++)
      expect(await check(phone, otherThan(code))).toEqual({
        ok: false,
        reason: 'wrong',
        message: MESSAGES.smsWrong,
      })
    expect(await check(phone, otherThan(code))).toEqual({
      ok: false,
      reason: 'killed',
      message: MESSAGES.smsKilled,
    })
    expect(await check(phone, code)).toMatchObject({ ok: false, reason: 'killed' })
  })

  it('counts wrong tries made in parallel without losing any', async () => {
    const phone = uniquePhone()
    await send(phone)
    const code = await lastCode(t, phone)
    await Promise.all(Array.from({ length: 8 }, () => check(phone, otherThan(code))))
    expect((await t.db('sms_codes').where({ phone }).first('failed_tries')).failed_tries).toBe(
      SMS_RULES.maxWrongTries,
    )
    expect(await check(phone, code)).toMatchObject({ ok: false, reason: 'killed' })
  })

  it('only the newest code counts once another has been sent', async () => {
    const phone = uniquePhone()
    await send(phone)
    const first = await lastCode(t, phone)
    await send(phone)
    const second = await lastCode(t, phone)
    if (first !== second) expect(await check(phone, first)).toMatchObject({ ok: false })
    expect(await check(phone, second)).toEqual({ ok: true })
  })

  it('keeps a code to the phone and the purpose it was sent for', async () => {
    const phone = uniquePhone()
    await send(phone, 'register')
    const code = await lastCode(t, phone)
    expect(await check(phone, code, 'change_phone')).toMatchObject({ ok: false, reason: 'missing' })
    expect(await check(uniquePhone(), code)).toMatchObject({ ok: false, reason: 'missing' })
    expect(await check(phone, code, 'register')).toEqual({ ok: true })
  })

  it('refuses a phone number that was not checked first', async () => {
    await expect(send('1234')).rejects.toThrow(/11-digit/)
  })
})

describe('SMS codes per IP address', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ config: { rateLimits: { ...HIGH_LIMITS, smsPerIpPerHour: 4 } } })
  })
  afterAll(() => t.close())

  it('refuses a fifth code within the hour from one address, whatever the phone, and takes no quota', async () => {
    const ip = '10.9.9.9'
    for (let i = 0; i < 4; i++)
      expect(await sendSmsCode(t.services, { phone: uniquePhone(), purpose: 'register', ip })).toEqual({
        ok: true,
      })
    const phone = uniquePhone()
    expect(await sendSmsCode(t.services, { phone, purpose: 'register', ip })).toEqual({
      ok: false,
      reason: 'rate_limited',
      message: MESSAGES.smsRateLimited,
    })
    expect(await t.db('sms_quota').where({ phone }).first()).toBeUndefined()
    expect(await sendSmsCode(t.services, { phone, purpose: 'register', ip: '10.9.9.10' })).toEqual({
      ok: true,
    })
  })
})
