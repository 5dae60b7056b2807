import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow } from '../helpers/http'
import { createApplicant, createStaff, ethnicityCodes } from '../helpers/factories'
import { loginAs, staffLoginAs } from '../helpers/login'
import { MESSAGES } from '../../src/modules/heldForms/held'

// Time without surprise: a form posted after the session expired keeps what was typed, the login
// page says so, and after the same person signs in again one button sends it — under the new
// session's CSRF token, through the form's own route and checks. Another person signing in on the
// same browser gets nothing of it; a secret (a password) is never held.

describe('a form posted after the session expired', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
    await ethnicityCodes(t.db)
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  /** Signs in, opens 修改个人信息, lets the session expire, then posts the form with the old token. */
  async function postAfterExpiry(fields: Record<string, string>) {
    const p = await createApplicant(t.db, { ethnicity: '01' })
    const a = agent(t.app)
    await loginAs(a, p)
    const page = await a.get('/account/profile')
    expect(page.text).toMatch(/会话将于 \d\d:\d\d 到期/)
    t.clock.advanceMinutes(31)
    const late = await a
      .post('/account/profile')
      .type('form')
      .send({ ...fields, _csrf: csrfFrom(page.text) })
    return { p, a, late }
  }

  const ethnicity = async (id: number) =>
    (await t.db('applicants').where({ id }).first('ethnicity')).ethnicity as string

  it('keeps what was typed, asks to log in again, and after login sends it with one button', async () => {
    const { p, a, late } = await postAfterExpiry({ ethnicity: '03' })
    // Not saved, not a CSRF error: the login page, which says the form was kept.
    expect(late.status).toBe(303)
    expect(late.headers.location).toBe('/login')
    expect(await ethnicity(p.id)).toBe('01')
    expect((await follow(a, late)).text).toContain(MESSAGES.expiredHeld)

    const login = await loginAs(a, p)
    expect(login.headers.location).toBe('/form-resume')
    const resume = await a.get('/form-resume')
    expect(resume.status).toBe(200)
    expect(resume.text).toContain(MESSAGES.title)
    expect(resume.text).toContain('<form method="post" action="/account/profile"')
    expect(resume.text).toContain('<input type="hidden" name="ethnicity" value="03">')
    // The token on the page is the new session's; the old one is not carried.
    const sent = await a
      .post('/account/profile')
      .type('form')
      .send({ ethnicity: '03', _csrf: csrfFrom(resume.text) })
    expect(sent.headers.location).toBe('/account')
    expect(await ethnicity(p.id)).toBe('03')
    // Shown once: the page now carries it.
    expect((await a.get('/form-resume')).headers.location).toBe('/platform')
  })

  it('still needs the token: the held form posted without the new one is refused', async () => {
    const { p, a } = await postAfterExpiry({ ethnicity: '03' })
    await loginAs(a, p)
    const resume = await a.get('/form-resume')
    expect(resume.text).toContain('name="ethnicity" value="03"')
    const forged = await a.post('/account/profile').type('form').send({ ethnicity: '03' })
    expect(forged.status).toBe(403)
    expect(await ethnicity(p.id)).toBe('01')
  })

  it('gives nothing to someone else who signs in on the same browser', async () => {
    const { p, a } = await postAfterExpiry({ ethnicity: '03' })
    const other = await createApplicant(t.db)
    const login = await loginAs(a, other)
    // The login still goes where the held form was, which has nothing for this person.
    const resume = await a.get(login.headers.location)
    expect(resume.status).toBe(303)
    expect(resume.headers.location).toBe('/platform')
    expect((await follow(a, resume)).text).toContain(MESSAGES.nothingHeld)
    expect(await ethnicity(p.id)).toBe('01')
  })

  it('never holds a password: a change of password posted late is typed again', async () => {
    const p = await createApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, p)
    const page = await a.get('/account/password')
    t.clock.advanceMinutes(31)
    const late = await a
      .post('/account/password')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        currentPassword: p.password,
        password: 'New#2026abcd',
        passwordConfirm: 'New#2026abcd',
      })
    expect(late.headers.location).toBe('/login')
    const login = await follow(a, late)
    expect(login.text).not.toContain(MESSAGES.expiredHeld)
    const row = await t.db('session').whereRaw(`sess::text LIKE '%New#2026abcd%'`).first()
    expect(row).toBeUndefined()
  })

  it('holds a staff member’s form across the staff login, and drops it after an hour', async () => {
    const s = await createStaff(t.db, [{ role: 'admin' }])
    const a = agent(t.app)
    await staffLoginAs(a, s)
    const page = await a.get('/staff/admin/holidays')
    t.clock.advanceMinutes(16)
    const late = await a
      .post('/staff/admin/holidays')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), day: '2026-10-09', kind: 'workday', name: '调休上班' })
    expect(late.headers.location).toBe('/staff/login')
    const login = await staffLoginAs(a, s)
    expect(login.headers.location).toBe('/staff/form-resume')
    const resume = await a.get('/staff/form-resume')
    expect(resume.text).toContain('<form method="post" action="/staff/admin/holidays"')
    expect(resume.text).toContain('name="day" value="2026-10-09"')

    const again = agent(t.app)
    await staffLoginAs(again, s)
    const page2 = await again.get('/staff/admin/holidays')
    t.clock.advanceMinutes(16)
    await again
      .post('/staff/admin/holidays')
      .type('form')
      .send({ _csrf: csrfFrom(page2.text), day: '2026-10-10', kind: 'workday', name: '调休上班' })
    t.clock.advanceMinutes(61)
    await staffLoginAs(again, s)
    expect((await again.get('/staff/form-resume')).headers.location).toBe('/staff')
  })
})
