import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow } from '../helpers/http'
import { createApplicant, createStaff } from '../helpers/factories'
import { postLogin, staffLoginAs } from '../helpers/login'

const BAD_CREDENTIALS = '账号或密码错误，连续输错5次账号将被锁定30分钟'
const LOCKED = '账号已被锁定'

async function staffFailure(t: TestApp, username: string, password: string) {
  const a = agent(t.app)
  const res = await postLogin(a, '/staff/login', { username, password })
  expect(res.headers.location).toBe('/staff/login')
  return (await follow(a, res)).text
}

describe('staff login', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: { rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 20, verifyPerIpPerHour: 30 } },
    })
  })
  afterAll(() => t.close())

  it('has its own entrance with username, password and CAPTCHA', async () => {
    const page = await agent(t.app).get('/staff/login')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<form method="post" action="/staff/login"')
    expect(page.text).toMatch(/<label for="username">用户名/)
    expect(page.text).toMatch(/<label for="captcha">验证码/)
    expect(page.text).toContain('<a href="/staff/login">看不清？换一张</a>')
  })

  it('signs staff in to the staff realm and records it', async () => {
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    const a = agent(t.app)
    const res = await staffLoginAs(a, staff)
    expect(res.headers.location).toBe('/staff')
    // Signed in as staff: the staff entrance now sends them home, the applicant pages do not let them in.
    expect((await a.get('/staff/login')).headers.location).toBe('/staff')
    expect((await a.get('/platform')).headers.location).toBe('/login')
    const [audit] = await t.db('audit_log').where({ action: 'staff.login', actor_id: staff.id })
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_label: staff.username })
    const row = await t.db('staff_users').where({ id: staff.id }).first('last_login_at')
    expect(row.last_login_at.toISOString()).toBe(t.clock.now().toISOString())
  })

  it('does not accept staff credentials at the applicant entrance, nor applicants at the staff one', async () => {
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    const asApplicant = await postLogin(a, '/login', { docNumber: staff.username, password: staff.password })
    expect((await follow(a, asApplicant)).text).toContain(BAD_CREDENTIALS)
    expect(await staffFailure(t, applicant.doc_number, applicant.password)).toContain(BAD_CREDENTIALS)
  })

  it('gives an unknown username and a wrong password the same answer', async () => {
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    const wrong = await staffFailure(t, staff.username, 'Wrong#2026x')
    const unknown = await staffFailure(t, 'nobody-here', 'Wrong#2026x')
    const errors = (html: string) => (html.match(/<div class="error-summary"[\s\S]*?<\/div>/) ?? [''])[0]
    expect(errors(wrong)).toContain(BAD_CREDENTIALS)
    expect(errors(unknown)).toBe(errors(wrong))
  })

  it('locks a staff account after 5 failures for 30 minutes', async () => {
    const staff = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    for (let i = 0; i < 5; i++) await staffFailure(t, staff.username, `Wrong#${i}abc`)
    expect(await staffFailure(t, staff.username, staff.password)).toContain(LOCKED)
    expect(
      await t.db('audit_log').where({ action: 'staff.login_failed', target_id: String(staff.id) }),
    ).toHaveLength(6)
    t.clock.advanceMinutes(30)
    await staffLoginAs(agent(t.app), staff)
  })

  it('refuses a deactivated staff account with the ordinary message', async () => {
    const staff = await createStaff(t.db, [{ role: 'admin' }], { active: false })
    expect(await staffFailure(t, staff.username, staff.password)).toContain(BAD_CREDENTIALS)
  })

  it('returns to the staff page that asked for a login, and never to an applicant page', async () => {
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    const a = agent(t.app)
    await a.get('/login')
    // An applicant page asked first; a staff login must not be sent there.
    await a.get('/platform')
    expect((await staffLoginAs(a, staff)).headers.location).toBe('/staff')
  })

  it('logs staff out', async () => {
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    const a = agent(t.app)
    await staffLoginAs(a, staff)
    // Any page a signed-in staff member sees has the logout form in its header.
    const page = await a.get('/no-such-page')
    expect(page.text).toContain('action="/staff/logout"')
    const res = await a
      .post('/staff/logout')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/staff/login')
    expect((await a.get('/staff/login')).status).toBe(200)
    expect(await t.db('audit_log').where({ action: 'staff.logout', actor_id: staff.id })).toHaveLength(1)
  })
})
