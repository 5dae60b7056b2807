import request from 'supertest'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant, createStaff } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs, postLogin, staffLoginAs } from '../helpers/login'
import {
  JIANGMEN,
  fakeBureau,
  goodInformation,
  idPhoto,
  registryCertificate,
  school,
  taishanBureau,
} from '../helpers/registrationFactories'
import { createMetrics } from '../../src/services/metrics'
import { createPdfService } from '../../src/services/pdf'
import { TestClock } from '../helpers/clock'

/** `name{label="v",...} value` lines of the Prometheus text, by series (labels as written). */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}

async function scrape(t: TestApp): Promise<Map<string, number>> {
  const res = await request(t.app).get('/metrics')
  expect(res.status).toBe(200)
  return series(res.text)
}

const delta = (before: Map<string, number>, after: Map<string, number>, key: string) =>
  (after.get(key) ?? 0) - (before.get(key) ?? 0)

describe('/metrics from an address on the list (loopback by default)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      bureau: { registration: fakeBureau([taishanBureau()]) },
      config: { rateLimits: { pdfPerUserPerMinute: 1 } },
    })
    await school(t.db, '华南师范大学')
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  it('answers Prometheus text naming every family the operator is promised', async () => {
    const res = await request(t.app).get('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.headers['cache-control']).toBe('no-store')
    for (const name of [
      'jszg_http_requests_total',
      'jszg_http_request_duration_seconds_bucket',
      'jszg_submissions_total',
      'jszg_pdf_total',
      'jszg_pdf_queue',
      'jszg_logins_total',
      'jszg_lockouts_total',
      'jszg_rate_limit_refusals_total',
      'jszg_db_pool_connections',
      'jszg_db_pool_waiting',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
    ])
      expect(res.text).toContain(`# TYPE ${name.replace(/_bucket$/, '')} `)
  })

  it('counts requests by route pattern and status, never by the URL with its ids', async () => {
    const staff = await createStaff(t.db, [{ role: 'admin', scope_type: 'instance' }])
    const a = agent(t.app)
    await staffLoginAs(a, staff)
    const before = await scrape(t)
    expect((await a.get(`/staff/admin/staff/${staff.id}`)).status).toBe(200)
    expect((await a.get('/staff/admin/staff/987654321')).status).toBe(404)
    expect((await request(t.app).get('/no-such-page')).status).toBe(404)
    const after = await scrape(t)
    const route = 'method="GET",route="/staff/admin/staff/:id"'
    expect(delta(before, after, `jszg_http_requests_total{${route},status="200"}`)).toBe(1)
    expect(delta(before, after, `jszg_http_requests_total{${route},status="404"}`)).toBe(1)
    expect(
      delta(before, after, `jszg_http_requests_total{method="GET",route="(no route)",status="404"}`),
    ).toBe(1)
    expect(delta(before, after, `jszg_http_request_duration_seconds_count{${route}}`)).toBe(2)
    const text = (await request(t.app).get('/metrics')).text
    expect(text).not.toContain('987654321')
    expect(text).not.toContain(`/staff/admin/staff/${staff.id}"`)
  })

  it('labels a route that failed with its whole pattern, mount path included', async () => {
    // A handler's error reaches the app's error page after the router has reset req.baseUrl.
    const staff = await createStaff(t.db, [{ role: 'admin', scope_type: 'instance' }])
    const a = agent(t.app)
    await staffLoginAs(a, staff)
    const before = await scrape(t)
    await t.ownerDb.raw('ALTER TABLE holidays RENAME TO holidays_gone')
    try {
      expect((await a.get('/staff/admin/holidays')).status).toBe(500)
    } finally {
      await t.ownerDb.raw('ALTER TABLE holidays_gone RENAME TO holidays')
    }
    const after = await scrape(t)
    expect(
      delta(
        before,
        after,
        'jszg_http_requests_total{method="GET",route="/staff/admin/holidays",status="500"}',
      ),
    ).toBe(1)
  })

  it('counts logins by outcome, and a lockout once', async () => {
    const applicant = await createApplicant(t.db)
    const before = await scrape(t)
    await loginAs(agent(t.app), applicant)
    for (let i = 0; i < 5; i++)
      await postLogin(agent(t.app), '/login', { docNumber: applicant.doc_number, password: 'Wrong#2026xyz' })
    await postLogin(agent(t.app), '/login', { docNumber: applicant.doc_number, password: applicant.password })
    await postLogin(agent(t.app), '/login', {
      docNumber: applicant.doc_number,
      password: 'x',
      captcha: 'zzzz',
    })
    const after = await scrape(t)
    const login = (outcome: string) => `jszg_logins_total{realm="applicant",outcome="${outcome}"}`
    expect(delta(before, after, login('success'))).toBe(1)
    expect(delta(before, after, login('bad_credentials'))).toBe(5)
    expect(delta(before, after, login('locked'))).toBe(1)
    expect(delta(before, after, login('captcha'))).toBe(1)
    expect(delta(before, after, 'jszg_lockouts_total{realm="applicant"}')).toBe(1)
    expect(delta(before, after, 'jszg_lockouts_total{realm="staff"}')).toBe(0)
  })

  it('counts a submit once it is committed, once however often the last step is posted', async () => {
    const applicant = await createApplicant(t.db, { name: '薛明' })
    const certNumber = await registryCertificate(t.db, applicant)
    const a = agent(t.app)
    await loginAs(a, applicant)
    await walkToCommitment(a, certNumber)
    const before = await scrape(t)
    const page = await a.get(`${BASE}/commitment`)
    const posts = await Promise.all(
      Array.from({ length: 5 }, () =>
        a
          .post(`${BASE}/commitment`)
          .type('form')
          .send({ consent: 'agree', _csrf: csrfFrom(page.text) }),
      ),
    )
    expect(posts.every((p) => p.status === 303)).toBe(true)
    const after = await scrape(t)
    expect(await t.db('registrations').where({ applicant_id: applicant.id })).toHaveLength(1)
    expect(delta(before, after, 'jszg_submissions_total{business="registration"}')).toBe(1)
    expect(delta(before, after, 'jszg_submissions_total{business="certification"}')).toBe(0)
  })

  it('counts a printed form, and the rate limit that refuses the next', async () => {
    const before = await scrape(t)
    const first = await request(t.app).get('/certification/commitment-template.pdf')
    expect(first.status).toBe(200)
    expect(first.headers['content-type']).toBe('application/pdf')
    expect((await request(t.app).get('/certification/commitment-template.pdf')).status).toBe(429)
    const after = await scrape(t)
    expect(delta(before, after, 'jszg_pdf_total{outcome="rendered"}')).toBe(1)
    expect(delta(before, after, 'jszg_pdf_total{outcome="failed"}')).toBe(0)
    expect(delta(before, after, 'jszg_rate_limit_refusals_total{limit="pdf"}')).toBe(1)
    expect(after.get('jszg_pdf_queue{state="waiting"}')).toBe(0)
  })

  it('reads both PostgreSQL pools on every scrape', async () => {
    // A login uses both: the rate limit and the session on one, the account on the other.
    await loginAs(agent(t.app), await createApplicant(t.db))
    const after = await scrape(t)
    expect(after.get('jszg_db_pool_connections{pool="knex",state="idle"}')).toBeGreaterThan(0)
    expect(after.get('jszg_db_pool_connections{pool="session",state="idle"}')).toBeGreaterThan(0)
    expect(after.get('jszg_db_pool_waiting{pool="knex"}')).toBe(0)
  })
})

describe('/metrics from an address not on the list', () => {
  let t: TestApp
  beforeAll(async () => {
    // Loopback not listed; behind a trusted proxy the address the proxy saw is judged.
    t = await appWithAllRoutes({ config: { metricsAllow: ['10.0.0.0/8'], trustProxy: true } })
  })
  afterAll(() => t.close())

  it('is a page that is not there for a direct request from 127.0.0.1', async () => {
    const res = await request(t.app).get('/metrics')
    expect(res.status).toBe(404)
    expect(res.text).toContain('页面不存在')
    expect(res.text).not.toContain('jszg_')
  })

  it('judges the address the proxy saw (the last X-Forwarded-For entry), never one the client wrote', async () => {
    expect((await request(t.app).get('/metrics').set('X-Forwarded-For', '10.1.2.3')).status).toBe(200)
    const forged = await request(t.app).get('/metrics').set('X-Forwarded-For', '10.1.2.3, 198.51.100.7')
    expect(forged.status).toBe(404)
  })
})

describe('the PDF counter', () => {
  it('counts a print that failed', async () => {
    const metrics = createMetrics()
    const pdf = createPdfService({
      pages: 1,
      publicUrl: 'http://localhost',
      clock: new TestClock(),
      launch: () => Promise.reject(new Error('no browser here')),
      metrics,
    })
    await expect(pdf.render('commitment-template', {})).rejects.toThrow('no browser here')
    const after = series(await metrics.registry.metrics())
    expect(after.get('jszg_pdf_total{outcome="failed"}')).toBe(1)
    expect(after.get('jszg_pdf_total{outcome="rendered"}')).toBe(0)
    await pdf.close()
  })
})

const BASE = '/registration/apply'

async function post(a: Agent, step: string, fields: Record<string, string>) {
  const page = await a.get(`${BASE}/${step}`)
  return a
    .post(`${BASE}/${step}`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) })
}

/** The registration wizard up to its last step (as test/routes/registration-wizard.test.ts walks it). */
async function walkToCommitment(a: Agent, certNumber: string): Promise<void> {
  await a.get('/registration/start')
  await post(a, 'agreement', { agree: 'yes' })
  await post(a, 'certificate', { certNumber })
  await post(a, 'information', goodInformation('华南师范大学'))
  await post(a, 'conditions', { ethics: 'yes', appraisals: 'yes', training: 'yes', health: 'yes' })
  const photoPage = await a.get(`${BASE}/photo`)
  await a
    .post(`${BASE}/photo`)
    .field('_csrf', csrfFrom(photoPage.text))
    .attach('photo', await idPhoto(), { filename: 'me.jpg', contentType: 'image/jpeg' })
  const to = { provinceCode: JIANGMEN.province, cityCode: JIANGMEN.city, stage: '2', subject: 'chinese' }
  await post(a, 'authority', { ...to, authorityId: '3', pointId: '32' })
  await post(a, 'review', {})
  const notices = await post(a, 'notices', {})
  expect(notices.headers.location).toBe(`${BASE}/commitment`)
}
