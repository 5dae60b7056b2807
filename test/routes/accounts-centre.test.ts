import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow, type Agent } from '../helpers/http'
import { createApplicant, TEST_PASSWORD, uniquePhone } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { makeIdNumber, maskDocNumber } from '../../src/domain/idNumber'
import { ACCOUNT_MESSAGES } from '../../src/domain/password'
import { MESSAGES } from '../../src/modules/accounts/messages'

describe('个人信息中心 · 个人身份信息', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: {
        rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 10_000, verifyPerIpPerHour: 100 },
      },
    })
    await t
      .db('ref_codes')
      .insert({ kind: 'ethnicity', code: '01', name: '汉族', sort: 1 })
      .onConflict(['kind', 'code'])
      .ignore()
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  type Applicant = Awaited<ReturnType<typeof createApplicant>>

  async function signedIn(overrides: Record<string, unknown> = {}): Promise<{ a: Agent; p: Applicant }> {
    const p = await createApplicant(t.db, overrides)
    const a = agent(t.app)
    await loginAs(a, p)
    return { a, p }
  }

  async function post(a: Agent, path: string, fields: Record<string, string>) {
    const page = await a.get(path)
    expect(page.status).toBe(200)
    return a
      .post(path)
      .type('form')
      .send({ ...fields, _csrf: csrfFrom(page.text) })
  }

  async function lastCodeTo(phone: string): Promise<string | undefined> {
    const row = await t
      .db('outbox')
      .where({ channel: 'sms', recipient: phone })
      .orderBy('id', 'desc')
      .first('body')
    return row ? /(\d{6})/.exec(row.body)![1] : undefined
  }

  const applicantRow = (id: number) =>
    t.db('applicants').where({ id }).first('phone', 'email', 'password_hash')

  it('asks for login first', async () => {
    for (const path of ['/account', '/account/password', '/account/phone', '/account/email'])
      expect((await agent(t.app).get(path)).headers.location).toBe('/login')
  })

  it('shows the owner their document number and phone masked, and links to the changes', async () => {
    const docNumber = makeIdNumber('420102', '19880214', '024')
    const { a, p } = await signedIn({
      doc_number: docNumber,
      sex: 'F',
      birth_date: '1988-02-14',
      ethnicity: '01',
    })
    const page = await a.get('/account')
    expect(page.status).toBe(200)
    // Masked as in the information centre: the full number is shown where it must be checked (确认申报信息).
    expect(page.text).toContain(`<dd>${maskDocNumber(docNumber)}</dd>`)
    expect(page.text).not.toContain(docNumber)
    expect(page.text).toContain('<dd>身份证</dd>')
    expect(page.text).toContain(`<dd>${p.name}</dd>`)
    expect(page.text).toContain('<dd>女</dd>')
    expect(page.text).toContain('<dd>1988-02-14</dd>')
    expect(page.text).toContain('<dd>汉族</dd>')
    expect(page.text).toContain('<dd>核验通过</dd>')
    expect(page.text).toContain(`<dd>${p.email}</dd>`)
    expect(page.text).toContain(`<dd>${p.phone.slice(0, 3)}****${p.phone.slice(-4)}</dd>`)
    expect(page.text).not.toContain(p.phone)
    for (const href of ['/identity/verify', '/account/password', '/account/phone', '/account/email'])
      expect(page.text).toContain(`href="${href}"`)
  })

  it('changes the password after checking the old one, and signs out other sessions only', async () => {
    const { a, p } = await signedIn()
    const other = agent(t.app)
    await loginAs(other, p)

    const wrong = await post(a, '/account/password', {
      oldPassword: 'Wrong#2026pw',
      password: 'Brand#2026new',
      passwordConfirm: 'Brand#2026new',
    })
    const wrongPage = await follow(a, wrong)
    expect(wrongPage.text).toContain(MESSAGES.oldPasswordWrong)
    expect(wrongPage.text).not.toContain('Brand#2026new')

    const weak = await post(a, '/account/password', {
      oldPassword: TEST_PASSWORD,
      password: 'brandnew',
      passwordConfirm: 'brandnew',
    })
    expect((await follow(a, weak)).text).toContain('8位以上数字、字母和特殊字符组合')

    const before = (await applicantRow(p.id)).password_hash
    const res = await post(a, '/account/password', {
      oldPassword: TEST_PASSWORD,
      password: 'Brand#2026new',
      passwordConfirm: 'Brand#2026new',
    })
    expect(res.headers.location).toBe('/account')
    expect((await follow(a, res)).text).toContain(MESSAGES.passwordChanged)
    expect((await applicantRow(p.id)).password_hash).not.toBe(before)
    expect((await other.get('/account')).headers.location).toBe('/login')
    await loginAs(agent(t.app), { docNumber: p.doc_number, password: 'Brand#2026new' })
    expect(
      await t.db('audit_log').where({ action: 'applicant.change_password', actor_id: p.id }).first(),
    ).toBeTruthy()
  })

  it('locks password checks after 5 wrong old passwords', async () => {
    const { a } = await signedIn()
    const fields = {
      oldPassword: 'Wrong#2026pw',
      password: 'Brand#2026new',
      passwordConfirm: 'Brand#2026new',
    }
    for (let i = 0; i < 4; i++)
      expect((await follow(a, await post(a, '/account/password', fields))).text).toContain(
        MESSAGES.oldPasswordWrong,
      )
    expect((await follow(a, await post(a, '/account/password', fields))).text).toContain(
      MESSAGES.passwordTriesLocked,
    )
    const right = await post(a, '/account/password', { ...fields, oldPassword: TEST_PASSWORD })
    expect((await follow(a, right)).text).toContain(MESSAGES.passwordTriesLocked)
  })

  it('changes the phone only with the code sent to the NEW number', async () => {
    const { a, p } = await signedIn()
    const newPhone = uniquePhone()

    // A code to the current number is no use: the new number is what must be proven.
    const same = await post(a, '/account/phone', { phone: p.phone, action: 'sms' })
    expect(same.status).toBe(422)
    expect(same.text).toContain(MESSAGES.phoneSame)
    expect(await lastCodeTo(p.phone)).toBeUndefined()

    const sentPage = await post(a, '/account/phone', {
      phone: newPhone,
      currentPassword: TEST_PASSWORD,
      action: 'sms',
    })
    expect(sentPage.status).toBe(200)
    expect(sentPage.text).toContain(MESSAGES.smsSent)
    expect(sentPage.text).toContain(`value="${newPhone}"`)
    expect(sentPage.text).toMatch(/name="currentPassword"[^>]*value=/)
    const code = (await lastCodeTo(newPhone))!
    expect(code).toMatch(/^\d{6}$/)

    const otherPhone = uniquePhone()
    const elsewhere = await post(a, '/account/phone', {
      phone: otherPhone,
      smsCode: code,
      currentPassword: TEST_PASSWORD,
    })
    expect((await follow(a, elsewhere)).text).toContain(MESSAGES.smsNoCode)

    const badPassword = await post(a, '/account/phone', {
      phone: newPhone,
      smsCode: code,
      currentPassword: 'Wrong#2026pw',
    })
    expect((await follow(a, badPassword)).text).toContain(MESSAGES.currentPasswordWrong)
    expect((await applicantRow(p.id)).phone).toBe(p.phone)

    const res = await post(a, '/account/phone', {
      phone: newPhone,
      smsCode: code,
      currentPassword: TEST_PASSWORD,
    })
    expect(res.headers.location).toBe('/account')
    expect((await follow(a, res)).text).toContain(MESSAGES.phoneChanged)
    expect((await applicantRow(p.id)).phone).toBe(newPhone)
    const audit = await t.db('audit_log').where({ action: 'applicant.change_phone', actor_id: p.id }).first()
    expect(JSON.stringify(audit.detail)).not.toContain(newPhone)
  })

  it('refuses an e-mail with 。 or full-width characters and changes it otherwise', async () => {
    const { a, p } = await signedIn()
    for (const email of ['new@example。com', 'ｎew@example.com', 'new@example．com']) {
      const res = await post(a, '/account/email', { email, currentPassword: TEST_PASSWORD })
      const page = await follow(a, res)
      expect(page.text).toContain(ACCOUNT_MESSAGES.emailFullWidth)
      expect(page.text).toContain(`value="${email}"`)
    }
    expect((await applicantRow(p.id)).email).toBe(p.email)

    const noPassword = await post(a, '/account/email', { email: 'new@example.com' })
    expect((await follow(a, noPassword)).text).toContain(MESSAGES.currentPasswordMissing)

    const res = await post(a, '/account/email', { email: '12345678@qq.com', currentPassword: TEST_PASSWORD })
    expect(res.headers.location).toBe('/account')
    expect((await applicantRow(p.id)).email).toBe('12345678@qq.com')
    expect(
      await t.db('audit_log').where({ action: 'applicant.change_email', actor_id: p.id }).first(),
    ).toBeTruthy()
  })

  it('answers 403 to a change without the CSRF token and changes nothing', async () => {
    const { a, p } = await signedIn()
    await a.get('/account/email')
    const res = await a
      .post('/account/email')
      .type('form')
      .send({ email: 'x@example.com', currentPassword: TEST_PASSWORD })
    expect(res.status).toBe(403)
    expect((await applicantRow(p.id)).email).toBe(p.email)
  })
})
