import { appWithAllRoutes, TEST_CAPTCHA, type TestApp } from '../helpers/app'
import { createApplicant, createStaff } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'
import { makeAuthority, makePoint } from '../helpers/bureauFactories'
import { smallPng } from '../fixtures/images'
import { failedCheck, photo, postMultipart } from '../fixtures/identity'

// The input boundary, one reproduction per report: a control character or a repeated field is
// refused beside the field, never with a server error, and never leaves a session that no longer
// loads.

let t: TestApp
beforeAll(async () => {
  t = await appWithAllRoutes()
})
afterAll(() => t.close())
beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

/** POSTs a raw urlencoded body (repeats and escapes exactly as written) with the page's token. */
async function postRaw(a: Agent, pageUrl: string, body: string, postUrl = pageUrl) {
  const page = await a.get(pageUrl)
  expect(page.status).toBe(200)
  return a
    .post(postUrl)
    .type('form')
    .send(`${body}&_csrf=${encodeURIComponent(csrfFrom(page.text))}`)
}

/** The error text beside field `id` on a page. */
const besideField = (html: string, id: string) =>
  new RegExp(`id="${id}-error"><span class="visually-hidden">错误：</span>([^<]*)<`).exec(html)?.[1]

async function signedInApplicant(overrides: Record<string, unknown> = {}) {
  const applicant = await createApplicant(t.db, overrides)
  const a = agent(t.app)
  await loginAs(a, applicant)
  return { a, applicant }
}

async function signedInAdmin() {
  const a = agent(t.app)
  await staffLoginAs(a, await createStaff(t.db, [{ role: 'admin' }]))
  return a
}

describe('control characters in a form', () => {
  it('refuses a NUL in 姓名 on /register beside the field, and the visitor’s pages keep working', async () => {
    const a = agent(t.app)
    const res = await postRaw(a, '/register', 'docType=id_card&name=a%00&phone=13900000000')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/register')
    expect((await a.get('/')).status).toBe(200)
    const page = await a.get('/register')
    expect(page.status).toBe(200)
    expect(besideField(page.text, 'name')).toBe('姓名不能包含控制字符')
    expect(page.text).toContain('href="#name">姓名不能包含控制字符</a>')
    expect(page.text).toMatch(/id="name" name="name" type="text" value="a"/)
    expect((await a.get('/login')).status).toBe(200)
  })

  it('refuses control characters in a multipart form beside the field, and stores nothing', async () => {
    const { a, applicant } = await signedInApplicant({ identity_status: 'unverified' })
    await failedCheck(t.db, applicant.id, new Date('2026-09-01T02:00:00Z'))
    const res = await postMultipart(
      a,
      '/identity/review',
      '/identity/review',
      { action: 'submit', name: '张\u0000三', details: '说明\u0007' },
      [photo(await smallPng(640, 480))],
    )
    expect(res.status).toBe(303)
    const page = await a.get('/identity/review')
    expect(page.status).toBe(200)
    expect(besideField(page.text, 'name')).toBe('姓名不能包含控制字符')
    expect(besideField(page.text, 'details')).toBe('情况说明不能包含控制字符')
    expect(await t.db('identity_reviews').where({ applicant_id: applicant.id })).toHaveLength(0)
    expect((await a.get('/platform')).status).toBe(200)
  })

  it('keeps a refused form’s values in the session only up to a bound', async () => {
    const a = agent(t.app)
    // Just under the 200 kB form limit.
    const long = 'x'.repeat(95_000)
    const res = await postRaw(
      a,
      '/register',
      `docType=id_card&name=${encodeURIComponent(long)}&email=${encodeURIComponent(long)}`,
    )
    expect(res.status).toBe(303)
    const rows = await t.db('session').select(t.db.raw('length(sess::text) AS n'))
    expect(Math.max(...rows.map((r: { n: number }) => Number(r.n)))).toBeLessThan(70_000)
    const page = await a.get('/register')
    expect(besideField(page.text, 'name')).toBe('姓名不能超过200个字符')
  })
})

describe('repeated fields', () => {
  it('refuses a repeated 证件号码 at /login beside the field', async () => {
    const a = agent(t.app)
    const page = await a.get('/login')
    await a.get('/captcha.svg')
    const res = await a
      .post('/login')
      .type('form')
      .send(`docNumber=a&docNumber=b&password=x&captcha=${TEST_CAPTCHA}&_csrf=${csrfFrom(page.text)}`)
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
    const again = await a.get('/login')
    expect(besideField(again.text, 'docNumber')).toBe('账号（证件号码）只能填写一项')
    expect((await a.get('/')).status).toBe(200)
  })

  it('refuses a repeated 姓名 at /identity/verify beside the field and checks nothing', async () => {
    const { a, applicant } = await signedInApplicant({ identity_status: 'unverified' })
    const res = await postRaw(a, '/identity/verify', 'name=%E5%BC%A0%E4%B8%89&name=%E6%9D%8E%E5%9B%9B')
    expect(res.status).toBe(303)
    const page = await a.get('/identity/verify')
    expect(besideField(page.text, 'name')).toBe('姓名只能填写一项')
    expect(await t.db('identity_checks').where({ applicant_id: applicant.id })).toHaveLength(0)
  })

  it('refuses repeated dates on the window form and a repeated 其他学校, while checkbox groups take several values', async () => {
    const admin = await signedInAdmin()
    const authority = await makeAuthority(t.db)
    const windowForm = `/staff/admin/authorities/${authority}/windows/new`
    const res = await postRaw(
      admin,
      windowForm,
      'business=registration&start=2026-10-01&start=2026-10-02&end=2026-10-31&end=2026-11-30',
    )
    expect(res.status).toBe(303)
    const page = await admin.get(res.headers.location)
    expect(besideField(page.text, 'start')).toBe('网报开始时间只能填写一项')
    expect(besideField(page.text, 'end')).toBe('网报结束时间只能填写一项')
    expect(await t.db('online_windows').where({ authority_id: authority })).toHaveLength(0)

    const point = await makePoint(t.db, authority, { staffed: false })
    const pointRes = await postRaw(
      admin,
      `/staff/admin/points/${point}`,
      'name=%E7%A1%AE%E8%AE%A4%E7%82%B9&scope=x&address=y&freeSchools=a&freeSchools=b',
    )
    expect(pointRes.status).toBe(303)
    const pointPage = await admin.get(pointRes.headers.location)
    expect(besideField(pointPage.text, 'freeSchools')).toBe('其他学校只能填写一项')

    const authorityRes = await postRaw(
      admin,
      `/staff/admin/authorities/${authority}`,
      `name=${encodeURIComponent('多选教育局')}&regionCode=450103&registers=yes&stages=1&stages=3&enabled=yes`,
    )
    expect(authorityRes.status).toBe(303)
    expect(await t.db('authorities').where({ id: authority }).first('name', 'stages')).toEqual({
      name: '多选教育局',
      stages: ['1', '3'],
    })
  })
})

describe('query strings', () => {
  it('answers a NUL in a queue search with the page and a message, not a server error', async () => {
    const admin = await signedInAdmin()
    const res = await admin.get('/staff/identity-reviews?q=a%00b')
    expect(res.status).toBe(200)
    expect(res.text).toContain('姓名或证件号码不能包含控制字符')
    expect((await admin.get('/staff/audit?q=%00')).status).toBe(200)
    expect((await admin.get('/staff/admin/authorities?q=%00&q=x')).status).toBe(200)
    expect((await admin.get('/staff')).status).toBe(200)
  })

  it('answers a NUL or a repeat in a public search with the page', async () => {
    for (const url of ['/registration/points?q=%00', '/certification/points?q=a&q=b', '/verify?no=%00'])
      expect([url, (await agent(t.app).get(url)).status]).toEqual([url, 200])
  })
})
