import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node'
import { generate } from '@otplib/totp'
import { base32 } from '../../src/services/totp'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow, submitForm, type Agent } from '../helpers/http'
import { createStaff, TEST_PASSWORD } from '../helpers/factories'
import { postLogin, staffLoginAs } from '../helpers/login'

// Staff accounts (issue 16): password rotation, the administrators' second factor (TOTP) and
// signing a staff member out of every session at once, through the real login pages.

const DAY = 24 * 3600_000
const NEW_PASSWORD = 'Fresh#2026xyz'
const OTHER_PASSWORD = 'Other#2026xyz'

/** The code an authenticator app shows at the app's (test) clock for the secret on the setup page. */
const codeNow = (t: TestApp, secret: string) =>
  generate({
    secret: secret.replace(/\s/g, ''),
    epoch: Math.floor(t.clock.now().getTime() / 1000),
    crypto: new NodeCryptoPlugin(),
    base32,
  })

const secretOn = (html: string) => {
  const m = html.match(/<code class="totp-secret">([A-Z2-7 ]+)<\/code>/)
  if (!m) throw new Error('no secret on the setup page')
  return m[1]
}

/** The password step: answers where it sends the person. */
async function passwordStep(a: Agent, who: { username: string; password: string }) {
  const res = await postLogin(a, '/staff/login', { username: who.username, password: who.password })
  expect(res.status).toBe(303)
  return res.headers.location as string
}

async function postCode(a: Agent, path: string, code: string) {
  return submitForm(a, path, { code })
}

describe('staff password rotation', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(() => t.close())

  it('sends a staff member whose password is past the instance limit to change it, and nowhere else until they do', async () => {
    const staff = await createStaff(t.db, [{ role: 'identity_reviewer' }], {
      password_changed_at: new Date(t.clock.now().getTime() - 91 * DAY),
    })
    const a = agent(t.app)
    expect(await passwordStep(a, staff)).toBe('/staff/password')
    for (const url of ['/staff', '/staff/identity-reviews', '/staff/audit', '/'])
      expect((await a.get(url)).headers.location).toBe('/staff/password')
    const page = await a.get('/staff/password')
    expect(page.status).toBe(200)
    expect(page.text).toContain('您的密码已使用超过90天')

    const res = await submitForm(a, '/staff/password', {
      currentPassword: staff.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    })
    expect(res.headers.location).toBe('/staff')
    expect((await a.get('/staff')).status).toBe(200)
    const entry = await t
      .db('audit_log')
      .where({ action: 'staff.change_password', actor_id: staff.id })
      .first()
    expect(entry.detail).toMatchObject({ reason: 'expired' })
    // the new password counts from now: the next login goes straight in
    expect(await passwordStep(agent(t.app), { ...staff, password: NEW_PASSWORD })).toBe('/staff')
  })

  it('lets a password younger than the limit in, and follows the limit the administrator sets', async () => {
    const staff = await createStaff(t.db, [{ role: 'identity_reviewer' }], {
      password_changed_at: new Date(t.clock.now().getTime() - 30 * DAY),
    })
    expect(await passwordStep(agent(t.app), staff)).toBe('/staff')
    await t
      .ownerDb('settings')
      .insert({ key: 'staff_password_max_age_days', value: JSON.stringify(20), updated_at: t.clock.now() })
      .onConflict('key')
      .merge()
    try {
      expect(await passwordStep(agent(t.app), staff)).toBe('/staff/password')
    } finally {
      await t.ownerDb('settings').where({ key: 'staff_password_max_age_days' }).del()
    }
  })

  it('refuses the current password and any of the last ones as the new password', async () => {
    const staff = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const a = agent(t.app)
    await staffLoginAs(a, staff)
    const change = (current: string, next: string) =>
      submitForm(a, '/staff/password', { currentPassword: current, password: next, passwordConfirm: next })

    const same = await change(TEST_PASSWORD, TEST_PASSWORD)
    expect(same.headers.location).toBe('/staff/password')
    expect((await follow(a, same)).text).toContain('新密码不能与最近5次使用过的密码相同')

    expect((await change(TEST_PASSWORD, NEW_PASSWORD)).headers.location).toBe('/staff')
    expect((await change(NEW_PASSWORD, OTHER_PASSWORD)).headers.location).toBe('/staff')
    const back = await change(OTHER_PASSWORD, TEST_PASSWORD)
    expect(back.headers.location).toBe('/staff/password')
    expect((await follow(a, back)).text).toContain('新密码不能与最近5次使用过的密码相同')
    // the password did not change
    expect(await passwordStep(agent(t.app), { ...staff, password: OTHER_PASSWORD })).toBe('/staff')

    const wrong = await change('Wrong#2026abc', 'Another#2026x')
    expect((await follow(a, wrong)).text).toContain('当前密码不正确')
  })

  it('signs the staff member out of their other sessions when they change the password', async () => {
    const staff = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const elsewhere = agent(t.app)
    await staffLoginAs(elsewhere, staff)
    const here = agent(t.app)
    await staffLoginAs(here, staff)
    await submitForm(here, '/staff/password', {
      currentPassword: staff.password,
      password: NEW_PASSWORD,
      passwordConfirm: NEW_PASSWORD,
    })
    expect((await here.get('/staff')).status).toBe(200)
    expect((await elsewhere.get('/staff')).headers.location).toBe('/staff/login')
  })
})

describe('signing a staff member out everywhere', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(() => t.close())

  const staffSessions = (id: number) =>
    t.ownerDb('session').whereRaw(`sess->>'realm' = 'staff' AND sess->>'userId' = ?`, [String(id)])

  it('ends every session of a deactivated staff member: their next request lands on the login page, even once reactivated', async () => {
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const clerk = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const phone = agent(t.app)
    const desk = agent(t.app)
    await staffLoginAs(phone, clerk)
    await staffLoginAs(desk, clerk)
    expect(await staffSessions(clerk.id)).toHaveLength(2)

    const a = agent(t.app)
    await staffLoginAs(a, admin)
    const page = `/staff/admin/staff/${clerk.id}`
    await submitForm(a, page, {}, `${page}/deactivate`)
    expect(await staffSessions(clerk.id)).toHaveLength(0)
    const entry = await t
      .db('audit_log')
      .where({ action: 'staff.deactivate', target_id: String(clerk.id) })
      .first()
    expect(entry.detail).toEqual({ sessionsEnded: 2 })

    // Reactivated at once: the old cookies do not come back to life.
    await submitForm(a, page, {}, `${page}/reactivate`)
    for (const old of [phone, desk]) {
      const res = await old.get('/staff/identity-reviews')
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/staff/login')
    }
    // the administrator's own session is untouched
    expect((await a.get('/staff')).status).toBe(200)
  })

  it('ends every session of a staff member whose password an administrator resets', async () => {
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const clerk = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const old = agent(t.app)
    await staffLoginAs(old, clerk)
    const a = agent(t.app)
    await staffLoginAs(a, admin)
    const page = `/staff/admin/staff/${clerk.id}/password`
    await submitForm(a, page, { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
    expect((await old.get('/staff')).headers.location).toBe('/staff/login')
    expect(await passwordStep(agent(t.app), { ...clerk, password: NEW_PASSWORD })).toBe('/staff')
  })
})

describe('the administrators’ second factor (TOTP)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ config: { adminTotp: true } })
  })
  afterAll(() => t.close())

  /** Signs an administrator in for the first time: password, then enrolment with a real code. */
  async function enrol(who: { username: string; password: string }) {
    const a = agent(t.app)
    expect(await passwordStep(a, who)).toBe('/staff/login/setup')
    const page = await a.get('/staff/login/setup')
    const secret = secretOn(page.text)
    const res = await a
      .post('/staff/login/setup')
      .type('form')
      .send({ code: await codeNow(t, secret), _csrf: csrfFrom(page.text) })
    expect(res.headers.location).toBe('/staff')
    return { a, secret }
  }

  it('makes an administrator without a second factor enrol before they are signed in', async () => {
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const a = agent(t.app)
    expect(await passwordStep(a, admin)).toBe('/staff/login/setup')
    // not signed in yet
    expect((await a.get('/staff')).headers.location).toBe('/staff/login')
    expect(await t.db('audit_log').where({ action: 'staff.login', actor_id: admin.id })).toHaveLength(0)

    const page = await a.get('/staff/login/setup')
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/<img src="data:image\/svg\+xml;base64,[^"]+" alt="绑定身份验证器的二维码"/)
    const secret = secretOn(page.text)
    // the same secret on a reload (the phone may have scanned the first one)
    expect(secretOn((await a.get('/staff/login/setup')).text)).toBe(secret)
    // stored encrypted
    const row = await t.db('staff_users').where({ id: admin.id }).first('totp_secret', 'totp_enrolled_at')
    expect(row.totp_secret).not.toContain(secret.replace(/\s/g, ''))
    expect(row.totp_enrolled_at).toBeNull()

    const wrong = await submitForm(a, '/staff/login/setup', { code: '000000' })
    expect((await follow(a, wrong)).text).toContain('动态口令不正确或已使用过')

    const res = await submitForm(a, '/staff/login/setup', { code: await codeNow(t, secret) })
    expect(res.headers.location).toBe('/staff')
    expect((await a.get('/staff')).status).toBe(200)
    const actions = (
      await t.db('audit_log').where({ actor_id: admin.id, actor_kind: 'staff' }).orderBy('id')
    ).map((r) => r.action)
    expect(actions).toEqual([
      'staff.login_password',
      'staff.second_factor_failed',
      'staff.second_factor_enrol',
      'staff.login',
    ])
  })

  it('asks an enrolled administrator for a code: a wrong or replayed code is refused, a fresh one signs in', async () => {
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const { secret } = await enrol(admin)
    const enrolmentCode = await codeNow(t, secret)

    const a = agent(t.app)
    expect(await passwordStep(a, admin)).toBe('/staff/login/code')
    expect((await a.get('/staff')).headers.location).toBe('/staff/login')

    const wrong = await postCode(a, '/staff/login/code', enrolmentCode === '123456' ? '654321' : '123456')
    expect(wrong.headers.location).toBe('/staff/login/code')
    expect((await follow(a, wrong)).text).toContain('动态口令不正确或已使用过')
    // the code that enrolled, still inside its 30 seconds: taken once, never again
    const replayed = await postCode(a, '/staff/login/code', enrolmentCode)
    expect(replayed.headers.location).toBe('/staff/login/code')
    expect((await a.get('/staff')).headers.location).toBe('/staff/login')

    t.clock.advance(30_000)
    const res = await postCode(a, '/staff/login/code', await codeNow(t, secret))
    expect(res.headers.location).toBe('/staff')
    expect((await a.get('/staff')).status).toBe(200)
    const failures = await t
      .db('audit_log')
      .where({ action: 'staff.second_factor_failed', actor_id: admin.id })
    expect(failures.map((f) => f.detail.reason).sort()).toEqual(['reused_code', 'wrong_code'])
  })

  it('locks the second step after five wrong codes, even for the right one', async () => {
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const { secret } = await enrol(admin)
    t.clock.advance(30_000)
    const a = agent(t.app)
    await passwordStep(a, admin)
    const right = await codeNow(t, secret)
    const wrongCode = right === '111111' ? '222222' : '111111'
    for (let i = 0; i < 5; i++) await postCode(a, '/staff/login/code', wrongCode)
    const res = await postCode(a, '/staff/login/code', right)
    expect((await follow(a, res)).text).toContain('动态口令连续输错5次，已锁定30分钟')
    // a right password again does not clear the count
    const again = agent(t.app)
    await passwordStep(again, admin)
    expect((await postCode(again, '/staff/login/code', right)).headers.location).toBe('/staff/login/code')
  })

  it('gives the second step five minutes after the password', async () => {
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const { secret } = await enrol(admin)
    const a = agent(t.app)
    await passwordStep(a, admin)
    const page = await a.get('/staff/login/code')
    t.clock.advanceMinutes(6)
    const res = await a
      .post('/staff/login/code')
      .type('form')
      .send({ code: await codeNow(t, secret), _csrf: csrfFrom(page.text) })
    expect(res.headers.location).toBe('/staff/login')
    expect((await follow(a, res)).text).toContain('登录已超时，请重新输入用户名和密码')
    expect((await a.get('/staff')).headers.location).toBe('/staff/login')
  })

  it('asks no code of staff who are not administrators', async () => {
    const clerk = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    expect(await passwordStep(agent(t.app), clerk)).toBe('/staff')
  })

  it('lets another administrator reset a colleague’s second factor, audited; the colleague is signed out and enrols again', async () => {
    const colleague = await createStaff(t.db, [{ role: 'admin' }])
    const { a: colleagueSession } = await enrol(colleague)
    t.clock.advance(30_000)
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const { a } = await enrol(admin)

    const page = `/staff/admin/staff/${colleague.id}`
    expect((await a.get(page)).text).toContain('重置动态口令')
    const res = await submitForm(a, page, {}, `${page}/second-factor/reset`)
    expect((await follow(a, res)).text).toContain('已重置该管理员的动态口令')
    const entry = await t
      .db('audit_log')
      .where({ action: 'staff.reset_second_factor', actor_id: admin.id })
      .first()
    expect(entry).toMatchObject({ target_id: String(colleague.id), detail: { sessionsEnded: 1 } })

    expect((await colleagueSession.get('/staff')).headers.location).toBe('/staff/login')
    expect(await passwordStep(agent(t.app), colleague)).toBe('/staff/login/setup')
    // nobody resets their own (they could not sign in to do it after losing the phone anyway)
    const own = await submitForm(
      a,
      `/staff/admin/staff/${admin.id}`,
      {},
      `/staff/admin/staff/${admin.id}/second-factor/reset`,
    )
    expect((await follow(a, own)).text).toContain('不能重置自己的动态口令')
  })
})
