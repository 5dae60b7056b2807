import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, follow, type Agent } from '../helpers/http'
import { createApplicant, createStaff } from '../helpers/factories'
import { loginAs, staffLoginAs } from '../helpers/login'

// The server's own time zone must not matter: times are shown in Asia/Shanghai.
process.env.TZ = 'UTC'

const EXPIRED = '您长时间未操作，会话已过期，请重新登录。'

describe('session timeouts', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: { rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 20, verifyPerIpPerHour: 30 } },
    })
  })
  afterAll(() => t.close())

  async function signedInApplicant(): Promise<Agent> {
    const a = agent(t.app)
    await loginAs(a, await createApplicant(t.db))
    return a
  }

  it('ends an applicant session after 30 idle minutes and says so on the login page', async () => {
    const a = await signedInApplicant()
    t.clock.advanceMinutes(29)
    expect((await a.get('/platform')).status).toBe(200)
    t.clock.advanceMinutes(31)
    const res = await a.get('/platform')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
    const login = await follow(a, res)
    expect(login.text).toContain(EXPIRED)
    expect((await a.get('/platform')).headers.location).toBe('/login')
  })

  it('reads the applicant afresh with every page, not from the time of login', async () => {
    const a = agent(t.app)
    const applicant = await createApplicant(t.db)
    await loginAs(a, applicant)
    await t.db('applicants').where({ id: applicant.id }).update({ name: '李明改' })
    expect((await a.get('/platform')).text).toContain('李明改')
    await t.db('applicants').where({ id: applicant.id }).update({ identity_status: 'unverified' })
    expect((await a.get('/platform')).text).toContain('未核验')
  })

  it('signs out a session whose applicant no longer exists', async () => {
    const a = agent(t.app)
    const applicant = await createApplicant(t.db)
    await loginAs(a, applicant)
    await t.db('applicants').where({ id: applicant.id }).delete()
    const res = await a.get('/platform')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
  })

  it('keeps a session alive while the applicant is active', async () => {
    const a = await signedInApplicant()
    for (let i = 0; i < 5; i++) {
      t.clock.advanceMinutes(25)
      expect((await a.get('/platform')).status).toBe(200)
    }
  })

  it('ends every session 8 hours after login, however active', async () => {
    const a = await signedInApplicant()
    for (let minutes = 20; minutes < 8 * 60; minutes += 20) {
      t.clock.advanceMinutes(20)
      expect((await a.get('/platform')).status).toBe(200)
    }
    t.clock.advanceMinutes(20)
    const res = await a.get('/platform')
    expect(res.headers.location).toBe('/login')
  })

  it('ends a staff session after 15 idle minutes', async () => {
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    const active = agent(t.app)
    await staffLoginAs(active, staff)
    t.clock.advanceMinutes(14)
    expect((await active.get('/staff/login')).headers.location).toBe('/staff')

    const idle = agent(t.app)
    await staffLoginAs(idle, staff)
    t.clock.advanceMinutes(15)
    const res = await idle.get('/staff/login')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/staff/login')
    expect((await follow(idle, res)).text).toContain(EXPIRED)
  })

  it('shows in the header, in Beijing time, when the session ends', async () => {
    t.clock.set('2026-09-15T02:00:00Z') // 10:00 in Beijing
    const a = await signedInApplicant()
    expect((await a.get('/platform')).text).toContain('会话将于 10:30 到期')

    t.clock.advanceMinutes(20)
    expect((await a.get('/platform')).text).toContain('会话将于 10:50 到期')

    // Near the 8-hour limit the absolute end comes before the idle one.
    for (let i = 0; i < 22; i++) {
      t.clock.advanceMinutes(20)
      await a.get('/platform')
    }
    const late = await a.get('/platform')
    expect(late.status).toBe(200)
    expect(late.text).toContain('会话将于 18:00 到期')
  })

  it('shows the staff session end 15 minutes ahead', async () => {
    t.clock.set('2026-09-15T15:50:00Z') // 23:50 in Beijing: the end falls on the next day
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    const a = agent(t.app)
    await staffLoginAs(a, staff)
    expect((await a.get('/no-such-page')).text).toContain('会话将于 00:05 到期')
  })
})
