import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { makeAuthority, makePoint, makeWindow, NANNING } from '../helpers/bureauFactories'
import { createApplicant, createStaff } from '../helpers/factories'
import { agent, csrfFrom, submitForm, type Agent } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'
import { goodInformation, idPhoto, registryCertificate, school } from '../helpers/registrationFactories'

// Seasons and windows (issue 13): the platform's 定期注册 报名 outside every window, the public
// 网报时间查询's choice carried through the login into the wizard, and the window-closed page.

const BASE = '/registration/apply'
const CLOSED_SEASON = '中小学教师定期注册业务于每年的下半年开展（上半年将不开放入口）。'
let t: TestApp
let authorityId: number
let pointId: number

beforeAll(async () => {
  t = await appWithAllRoutes()
  await school(t.db, '华南师范大学')
  authorityId = await makeAuthority(t.db, { name: '南宁市青秀区教育局', stages: ['1', '2', '3'] })
  await makePoint(t.db, authorityId, { name: '青秀区教师发展中心' })
  pointId = await makePoint(t.db, authorityId, { name: '青秀区刘圩镇中心学校' })
  // 下半年: 1 July 2026 to 31 December 2026 (Shanghai), as 系统设置's default half
  await makeWindow(t.db, authorityId, 'registration', '2026-06-30T16:00:00Z', '2026-12-31T16:00:00Z')
})
afterAll(() => t.close())

async function teacher() {
  const applicant = await createApplicant(t.db, { name: '薛明' })
  const certNumber = await registryCertificate(t.db, applicant)
  return { applicant, certNumber }
}

async function post(a: Agent, step: string, fields: Record<string, string>) {
  const page = await a.get(`${BASE}/${step}`)
  expect(page.status).toBe(200)
  return a
    .post(`${BASE}/${step}`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) })
}

/** Through the steps before 选择注册机构. */
async function walkToAuthority(a: Agent, certNumber: string) {
  expect((await post(a, 'agreement', { agree: 'yes' })).headers.location).toBe(`${BASE}/certificate`)
  expect((await post(a, 'certificate', { certNumber })).headers.location).toBe(`${BASE}/information`)
  expect((await post(a, 'information', goodInformation('华南师范大学'))).headers.location).toBe(
    `${BASE}/conditions`,
  )
  const yes = { ethics: 'yes', appraisals: 'yes', training: 'yes', health: 'yes' }
  expect((await post(a, 'conditions', yes)).headers.location).toBe(`${BASE}/photo`)
  const photo = await a.get(`${BASE}/photo`)
  const uploaded = await a
    .post(`${BASE}/photo`)
    .field('_csrf', csrfFrom(photo.text))
    .attach('photo', await idPhoto(), { filename: 'me.jpg', contentType: 'image/jpeg' })
  expect(uploaded.headers.location).toBe(`${BASE}/authority`)
}

describe('定期注册 seasons and windows', () => {
  it('disables 定期注册 报名 on 15 March with the manual’s closed-season sentence, while 须知 still opens', async () => {
    t.clock.set('2026-03-15T02:00:00Z')
    const { applicant } = await teacher()
    const a = agent(t.app)
    await loginAs(a, applicant)
    const platform = await a.get('/platform')
    expect(platform.text).not.toContain('href="/registration/start"')
    expect(platform.text).toMatch(/<span class="button button-disabled" aria-disabled="true"[^>]*>报名/)
    expect(platform.text).toContain(CLOSED_SEASON)
    // when it opens next: the window set for 下半年
    expect(platform.text).toContain('2026-07-01 00:00 至 2027-01-01 00:00')
    // 认定 is not seasonal: its 报名 stays
    expect(platform.text).toContain('href="/certification/start"')
    expect(platform.text).toContain('href="/platform/registration/notice">须知')
    const notice = await a.get('/platform/registration/notice')
    expect(notice.status).toBe(200)
    expect(notice.text).toContain('教师资格定期注册申请人必读')

    // 报名 typed by hand: the closed-season page, saying when and what to do; no wizard run starts
    const start = await a.get('/registration/start')
    expect(start.headers.location).toBe('/registration/closed')
    const closed = await a.get('/registration/closed')
    expect(closed.text).toContain(CLOSED_SEASON)
    expect(closed.text).toContain('最近一次网报时间：2026-07-01 00:00 至 2027-01-01 00:00')
    expect(closed.text).toContain('网报时间内请从业务平台点击【报名】办理')
    expect(closed.text).toContain('href="/registration/schedule"')
    expect(await t.db('wizard_progress').where({ applicant_id: applicant.id })).toEqual([])
  })

  it('opens 报名 again inside the window, and on 2 January says the last window is over', async () => {
    const { applicant } = await teacher()
    t.clock.set('2026-09-15T02:00:00Z')
    const a = agent(t.app)
    await loginAs(a, applicant)
    expect((await a.get('/platform')).text).toContain('<a class="button" href="/registration/start">报名')
    t.clock.set('2027-01-02T02:00:00Z')
    const b = agent(t.app)
    await loginAs(b, applicant)
    const platform = await b.get('/platform')
    expect(platform.text).toContain(CLOSED_SEASON)
    expect(platform.text).toContain('上一次网报时间：2026-07-01 00:00 至 2027-01-01 00:00，已结束。')
  })

  it('carries the public 网报时间查询’s authority and point through the login into 选择注册机构', async () => {
    t.clock.set('2026-09-15T02:00:00Z')
    const { applicant, certNumber } = await teacher()
    const a = agent(t.app)
    const lookup = await a.get(
      `/registration/schedule?province=${NANNING.province}&city=${NANNING.city}&stage=2&authority=${authorityId}&point=${pointId}`,
    )
    const apply = lookup.text.match(/<a class="button" href="([^"]+)">定期注册报名<\/a>/)
    expect(apply).not.toBeNull()
    const href = apply![1].replace(/&amp;/g, '&')
    // not signed in: the login, then back to 报名 with the choice
    expect((await a.get(href)).headers.location).toBe('/login')
    const login = await loginAs(a, applicant)
    expect(login.headers.location).toBe(href)
    expect((await a.get(href)).headers.location).toMatch(new RegExp(`^${BASE}\\?`))
    await a.get(`${BASE}?${href.split('?')[1]}`)
    await walkToAuthority(a, certNumber)
    const page = await a.get(`${BASE}/authority`)
    expect(page.text).toMatch(new RegExp(`<option value="${NANNING.city}" selected`))
    expect(page.text).toMatch(new RegExp(`<option value="${authorityId}" selected`))
    expect(page.text).toMatch(new RegExp(`value="${pointId}"[^>]*checked|value="${pointId}" selected`))
  })

  it('carries the choice into a run already in progress, after a login', async () => {
    t.clock.set('2026-09-15T02:00:00Z')
    const { applicant, certNumber } = await teacher()
    const first = agent(t.app)
    await loginAs(first, applicant)
    await first.get('/registration/start')
    await post(first, 'agreement', { agree: 'yes' })
    // later, signed out, the applicant looks the authority up and presses 定期注册报名
    const a = agent(t.app)
    const href = `/registration/start?province=${NANNING.province}&city=${NANNING.city}&stage=2&authority=${authorityId}&point=${pointId}`
    await a.get(href)
    await loginAs(a, applicant)
    await a.get(href)
    await a.get(`${BASE}?${href.split('?')[1]}`)
    await walkToAuthority(a, certNumber)
    const page = await a.get(`${BASE}/authority`)
    expect(page.text).toMatch(new RegExp(`<option value="${authorityId}" selected`))
  })

  it('says on the window-closed page when the chosen authority’s window was and lets another be chosen', async () => {
    // ten minutes before the window ends (31 December, 23:50 in Shanghai)
    t.clock.set('2026-12-31T15:50:00Z')
    const { applicant, certNumber } = await teacher()
    const a = agent(t.app)
    await loginAs(a, applicant)
    await a.get('/registration/start')
    await walkToAuthority(a, certNumber)
    const chosen = await post(a, 'authority', {
      provinceCode: NANNING.province,
      cityCode: NANNING.city,
      stage: '2',
      subject: 'chinese',
      authorityId: String(authorityId),
      pointId: String(pointId),
    })
    expect(chosen.headers.location).toBe(`${BASE}/review`)
    t.clock.advanceMinutes(15)
    const review = await a.get(`${BASE}/review`)
    expect(review.headers.location).toBe(`/registration/closed?authority=${authorityId}`)
    const closed = await a.get(review.headers.location)
    expect(closed.text).toContain('当前时间不在该机构的网报时间段内')
    expect(closed.text).toContain('注册机构：南宁市青秀区教育局')
    expect(closed.text).toContain('该机构的网报时间为 2026-07-01 00:00 至 2027-01-01 00:00，已经结束')
    expect(closed.text).toContain('0771-5550000')
    expect(closed.text).toContain(`href="${BASE}/authority">重新选择注册机构`)
    // the authority step itself still opens, to choose another
    expect((await a.get(`${BASE}/authority`)).status).toBe(200)
  })

  it('reads the season once a minute, and at once again after an administrator edits a window', async () => {
    // 20 April, outside every window (a minute no other test uses)
    t.clock.set('2026-04-20T02:00:00Z')
    const { applicant } = await teacher()
    const a = agent(t.app)
    await loginAs(a, applicant)
    const isOpen = async () => {
      const text = (await a.get('/platform')).text
      expect(text.includes(CLOSED_SEASON)).toBe(!text.includes('href="/registration/start"'))
      return !text.includes(CLOSED_SEASON)
    }
    expect(await isOpen()).toBe(false)
    const spring = await makeAuthority(t.db, { name: '春季注册局' })
    // written straight to the database, as another instance's administrator would: seen within the minute
    const windowId = await makeWindow(
      t.db,
      spring,
      'registration',
      '2026-04-01T00:00:00Z',
      '2026-05-01T00:00:00Z',
    )
    expect(await isOpen()).toBe(false)
    t.clock.advance(59_000)
    expect(await isOpen()).toBe(false)
    t.clock.advance(1_000)
    expect(await isOpen()).toBe(true)
    // the administrator's own edits through the app: at once
    const admin = agent(t.app)
    await staffLoginAs(admin, await createStaff(t.db, [{ role: 'admin' }]))
    const edit = await admin.get(`/staff/admin/windows/${windowId}`)
    const removed = await admin
      .post(`/staff/admin/windows/${windowId}/delete`)
      .type('form')
      .send({ _csrf: csrfFrom(edit.text) })
    expect(removed.status).toBe(303)
    expect(await isOpen()).toBe(false)
    const made = await submitForm(admin, `/staff/admin/authorities/${spring}/windows/new`, {
      business: 'registration',
      start: '2026-04-01 00:00',
      end: '2026-05-01 00:00',
    })
    expect(made.headers.location).toBe(`/staff/admin/authorities/${spring}`)
    expect(await isOpen()).toBe(true)
    await t.db('online_windows').where({ authority_id: spring }).delete()
  })
})
