import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow, submitForm, type Agent } from '../helpers/http'
import { createApplicant } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { MESSAGES } from '../../src/modules/accounts/messages'

const NEW_PASSWORD = 'Fresh#2026pw'

describe('忘记密码', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: {
        rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 10_000, verifyPerIpPerHour: 100 },
      },
    })
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  type Applicant = Awaited<ReturnType<typeof createApplicant>>

  const identityOf = (p: Applicant) => ({ docType: p.doc_type, docNumber: p.doc_number, name: p.name })

  /** Passes the identity step; returns the agent on the 选择密码重置方式 page. */
  async function passIdentity(p: Applicant): Promise<Agent> {
    const a = agent(t.app)
    const res = await submitForm(a, '/forgot-password', identityOf(p))
    expect(res.headers.location).toBe('/forgot-password/method')
    return a
  }

  async function resetLinkFor(p: Applicant): Promise<string> {
    const row = await t
      .db('outbox')
      .where({ channel: 'email', recipient: p.email })
      .orderBy('id', 'desc')
      .first()
    if (!row) throw new Error(`no e-mail to ${p.email}`)
    const m = /http:\/\/[^/\s]+(\/forgot-password\/reset\/[A-Za-z0-9_-]+)/.exec(row.body)
    if (!m) throw new Error(`no link in ${row.body}`)
    return m[1]
  }

  async function requestEmail(a: Agent): Promise<void> {
    const page = await a.get('/forgot-password/method')
    expect(page.status).toBe(200)
    const res = await a
      .post('/forgot-password/email')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
    expect(res.headers.location).toBe('/forgot-password/email-sent')
  }

  async function canLogIn(p: Applicant, password: string): Promise<boolean> {
    try {
      await loginAs(agent(t.app), { docNumber: p.doc_number, password })
      return true
    } catch {
      return false
    }
  }

  it('gives the same answer whether the type, the number or the name is wrong, or the account does not exist', async () => {
    const p = await createApplicant(t.db, { name: '李四' })
    const attempts = [
      { ...identityOf(p), name: '李五' },
      { ...identityOf(p), docType: 'residence_permit' },
      { ...identityOf(p), docNumber: p.doc_number.slice(0, 17) + (p.doc_number[17] === '1' ? '2' : '1') },
      { docType: 'id_card', docNumber: '11010119900307002X', name: '王五' },
    ]
    const pages: string[] = []
    for (const fields of attempts) {
      const a = agent(t.app)
      const res = await submitForm(a, '/forgot-password', fields)
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/forgot-password')
      const page = await follow(a, res)
      const errors = page.text.match(/<p class="field-error"[^]*?<\/p>/g)
      pages.push(JSON.stringify(errors))
      expect(page.text).toContain(MESSAGES.forgotNoMatch)
      expect(page.text).toContain(`value="${fields.name}"`)
    }
    expect(new Set(pages).size).toBe(1)
    expect(await t.db('outbox').where({ recipient: p.email }).first()).toBeUndefined()
  })

  it('resets by an e-mailed link that works once, then clears the lockout and signs the account out elsewhere', async () => {
    const p = await createApplicant(t.db)
    const elsewhere = agent(t.app)
    await loginAs(elsewhere, p)
    await t.db('login_failures').insert({ realm: 'applicant', login_key: p.doc_number, at: t.clock.now() })
    await t.db('login_locks').insert({
      realm: 'applicant',
      login_key: p.doc_number,
      locked_until: new Date(t.clock.now().getTime() + 30 * 60_000),
    })

    const a = await passIdentity(p)
    const method = await a.get('/forgot-password/method')
    expect(method.text).toContain('邮件重置密码')
    expect(method.text).toContain('短信验证重置密码')
    expect(method.text).not.toContain(p.email)
    await requestEmail(a)
    expect((await a.get('/forgot-password/email-sent')).text).toContain('30分钟内')

    const link = await resetLinkFor(p)
    const stored = await t.db('password_resets').where({ applicant_id: p.id }).first()
    expect(link).not.toContain(stored.token_hash)

    const browser = agent(t.app) // the link is opened from the mailbox, maybe in another browser
    const form = await browser.get(link)
    expect(form.status).toBe(200)
    const mismatch = await browser
      .post(link)
      .type('form')
      .send({ password: NEW_PASSWORD, passwordConfirm: 'Other#2026pw', _csrf: csrfFrom(form.text) })
    expect((await follow(browser, mismatch)).text).toContain(MESSAGES.passwordMismatch)

    const res = await browser
      .post(link)
      .type('form')
      .send({ password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, _csrf: csrfFrom(form.text) })
    expect(res.headers.location).toBe('/login')
    expect((await follow(browser, res)).text).toContain(MESSAGES.passwordReset)

    expect(await t.db('login_locks').where({ login_key: p.doc_number }).first()).toBeUndefined()
    expect(await t.db('login_failures').where({ login_key: p.doc_number }).first()).toBeUndefined()
    expect((await elsewhere.get('/account')).headers.location).toBe('/login')
    expect(await canLogIn(p, NEW_PASSWORD)).toBe(true)
    const audit = await t
      .db('audit_log')
      .where({ action: 'applicant.password_reset', actor_id: p.id })
      .first()
    expect(audit.detail).toEqual({ method: 'email' })

    // Single use: the same link neither shows the form nor accepts a password again.
    const again = await agent(t.app).get(link)
    expect(again.status).toBe(410)
    expect(again.text).toContain('链接已失效')
    const token = csrfFrom((await browser.get('/forgot-password')).text)
    const replay = await browser
      .post(link)
      .type('form')
      .send({ password: 'Other#2026pw', passwordConfirm: 'Other#2026pw', _csrf: token })
    expect(replay.status).toBe(410)
    expect(await canLogIn(p, 'Other#2026pw')).toBe(false)
  })

  it('sends the reset mail with a subject ending 「-找回密码」', async () => {
    const p = await createApplicant(t.db)
    await requestEmail(await passIdentity(p))
    const mail = await t
      .db('outbox')
      .where({ channel: 'email', recipient: p.email })
      .orderBy('id', 'desc')
      .first('subject')
    expect(mail.subject).toMatch(/-找回密码$/)
  })

  it('lets a link expire after 30 minutes', async () => {
    const p = await createApplicant(t.db)
    await requestEmail(await passIdentity(p))
    const link = await resetLinkFor(p)
    t.clock.advanceMinutes(29)
    expect((await agent(t.app).get(link)).status).toBe(200)
    t.clock.advanceMinutes(1)
    const page = await agent(t.app).get(link)
    expect(page.status).toBe(410)
  })

  it('retires an earlier link when a new one is asked for', async () => {
    const p = await createApplicant(t.db)
    const a = await passIdentity(p)
    await requestEmail(a)
    const first = await resetLinkFor(p)
    await requestEmail(a)
    const second = await resetLinkFor(p)
    expect(second).not.toBe(first)
    expect((await agent(t.app).get(first)).status).toBe(410)
    expect((await agent(t.app).get(second)).status).toBe(200)
  })

  it('answers an unknown link like a used one', async () => {
    const page = await agent(t.app).get('/forgot-password/reset/no-such-token')
    expect(page.status).toBe(410)
  })

  it('resets with an SMS code sent to the registered phone and a new password', async () => {
    const p = await createApplicant(t.db)
    const a = await passIdentity(p)
    const page = await a.get('/forgot-password/sms')
    expect(page.status).toBe(200)
    expect(page.text).toContain(`${p.phone.slice(0, 3)}****${p.phone.slice(-4)}`)
    expect(page.text).not.toContain(p.phone)
    const token = csrfFrom(page.text)

    // New passwords typed before the code was asked for are still there when it comes back.
    const sent = await a
      .post('/forgot-password/sms')
      .type('form')
      .send({ action: 'sms', password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, _csrf: token })
    expect(sent.status).toBe(200)
    expect(sent.text).toContain(MESSAGES.smsSent)
    expect(sent.text).toMatch(new RegExp(`name="passwordConfirm"[^>]*value="${NEW_PASSWORD}"`))
    const sms = await t
      .db('outbox')
      .where({ channel: 'sms', recipient: p.phone })
      .orderBy('id', 'desc')
      .first()
    const code = /(\d{6})/.exec(sms.body)![1]
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')

    const bad = await a
      .post('/forgot-password/sms')
      .type('form')
      .send({ smsCode: wrong, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, _csrf: token })
    expect((await follow(a, bad)).text).toContain(MESSAGES.smsWrong)
    expect(await canLogIn(p, NEW_PASSWORD)).toBe(false)

    const weak = await a
      .post('/forgot-password/sms')
      .type('form')
      .send({ smsCode: code, password: 'password', passwordConfirm: 'password', _csrf: token })
    expect((await follow(a, weak)).text).toContain('8位以上数字、字母和特殊字符组合')

    const res = await a
      .post('/forgot-password/sms')
      .type('form')
      .send({ smsCode: code, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD, _csrf: token })
    expect(res.headers.location).toBe('/login')
    expect(await canLogIn(p, NEW_PASSWORD)).toBe(true)
    const audit = await t
      .db('audit_log')
      .where({ action: 'applicant.password_reset', actor_id: p.id })
      .first()
    expect(audit.detail).toEqual({ method: 'sms' })
    // The identity step is over: the SMS page now sends the visitor back to the start.
    expect((await a.get('/forgot-password/sms')).headers.location).toBe('/forgot-password')
  })

  it('sends the pages after the identity step back to the start without a recent match', async () => {
    const a = agent(t.app)
    for (const path of ['/forgot-password/method', '/forgot-password/sms', '/forgot-password/email-sent'])
      expect((await a.get(path)).headers.location).toBe('/forgot-password')

    const p = await createApplicant(t.db)
    const b = await passIdentity(p)
    t.clock.advanceMinutes(31)
    const page = await b.get('/forgot-password/method')
    expect(page.headers.location).toBe('/forgot-password')
    expect((await follow(b, page)).text).toContain(MESSAGES.forgotExpired)
  })

  it('answers 403 to a reset without the CSRF token and changes nothing', async () => {
    const p = await createApplicant(t.db)
    const a = await passIdentity(p)
    const res = await a.post('/forgot-password/email').type('form').send({})
    expect(res.status).toBe(403)
    expect(await t.db('password_resets').where({ applicant_id: p.id }).first()).toBeUndefined()
    expect(await t.db('outbox').where({ recipient: p.email }).first()).toBeUndefined()
  })
})

describe('忘记密码 rate limit', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: { rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 3, verifyPerIpPerHour: 100 } },
    })
  })
  afterAll(() => t.close())

  it('stops guessing identities from one address after the hourly limit, even with the right details', async () => {
    const p = await createApplicant(t.db)
    const a = agent(t.app)
    for (let i = 0; i < 3; i++) {
      const res = await submitForm(a, '/forgot-password', {
        docType: 'id_card',
        docNumber: p.doc_number,
        name: `错名${'甲乙丙'[i]}`,
      })
      expect((await follow(a, res)).text).toContain(MESSAGES.forgotNoMatch)
    }
    const res = await submitForm(a, '/forgot-password', {
      docType: p.doc_type,
      docNumber: p.doc_number,
      name: p.name,
    })
    expect(res.headers.location).toBe('/forgot-password')
    expect((await follow(a, res)).text).toContain(MESSAGES.forgotRateLimited)
  })
})
