import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import {
  BASE,
  EXAMPLE_VIEWS,
  RECORD,
  exampleWizard,
  prepareExampleTables,
  type ExampleHarness,
} from '../fixtures/wizard/example'

let t: TestApp
let harness: ExampleHarness

beforeAll(async () => {
  t = await appWithAllRoutes({
    routes: (services) => (harness = exampleWizard(services)).router,
    viewDirs: [EXAMPLE_VIEWS],
  })
  await prepareExampleTables(t.ownerDb)
})
afterAll(() => t.close())

async function signedIn() {
  const applicant = await createApplicant(t.db)
  const a = agent(t.app)
  await loginAs(a, applicant)
  return { a, applicant }
}

/** Opens a step's page and posts it with the page's token, as a person would. */
async function post(a: Agent, step: string, fields: Record<string, string | string[]>, query = '') {
  const page = await a.get(`${BASE}/${step}${query}`)
  if (page.status !== 200)
    throw new Error(`GET ${step} answered ${page.status} → ${page.headers.location ?? '-'}`)
  return a
    .post(`${BASE}/${step}${query}`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) })
}

const EDUCATION = { level: '20', school: '北京师范大学', graduatedOn: '2020-07-01' }

/** Answers every step up to the review page (national: with the exam step). */
async function fillIn(a: Agent, route: 'national' | 'other' = 'national') {
  await post(a, 'agreement', { agree: 'yes' })
  await post(a, 'route', { examRoute: route })
  if (route === 'national') await post(a, 'exam', { certNumber: '12345678' })
  const res = await post(a, 'education', { ...EDUCATION, extras: ['mandarin', 'degree'] })
  expect(res.headers.location).toBe(`${BASE}/review`)
}

async function progressRow(applicantId: number) {
  return t.db('wizard_progress').where({ applicant_id: applicantId, wizard_key: 'example' }).first()
}

describe('wizard engine: the path through the steps', () => {
  it('walks the steps in table order, each POST answering 303 to the next', async () => {
    const { a } = await signedIn()
    const expectNext = async (res: { status: number; headers: Record<string, string> }, to: string) => {
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe(`${BASE}/${to}`)
    }
    await expectNext(await post(a, 'agreement', { agree: 'yes' }), 'route')
    await expectNext(await post(a, 'route', { examRoute: 'national' }), 'exam')
    await expectNext(await post(a, 'exam', { certNumber: '12345678' }), 'education')
    await expectNext(await post(a, 'education', EDUCATION), 'review')
    await expectNext(await post(a, 'review', {}), 'commitment')
  })

  it('follows the first `when` that holds, else the plain next', async () => {
    const { a } = await signedIn()
    await post(a, 'agreement', { agree: 'yes' })
    const res = await post(a, 'route', { examRoute: 'other' })
    expect(res.headers.location).toBe(`${BASE}/education`)
    // The branch not taken cannot be opened.
    expect((await a.get(`${BASE}/exam`)).headers.location).toBe(`${BASE}/education`)
  })

  it('sends a step opened too early to the first incomplete step', async () => {
    const { a } = await signedIn()
    for (const step of ['route', 'exam', 'education', 'review', 'commitment']) {
      const res = await a.get(`${BASE}/${step}`)
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe(`${BASE}/agreement`)
    }
    await post(a, 'agreement', { agree: 'yes' })
    expect((await a.get(`${BASE}/review`)).headers.location).toBe(`${BASE}/route`)
    // A POST straight to a later step is refused the same way, and saves nothing.
    const page = await a.get(`${BASE}/route`)
    const res = await a
      .post(`${BASE}/education`)
      .type('form')
      .send({ ...EDUCATION, _csrf: csrfFrom(page.text) })
    expect(res.headers.location).toBe(`${BASE}/route`)
    expect((await a.get(BASE)).headers.location).toBe(`${BASE}/route`)
  })

  it('answers 404 for a step the table does not have', async () => {
    const { a } = await signedIn()
    expect((await a.get(`${BASE}/nonsense`)).status).toBe(404)
  })

  it('asks for a login first (the business router mounts requireApplicant)', async () => {
    const res = await agent(t.app).get(`${BASE}/agreement`)
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
  })
})

describe('wizard engine: errors (post/redirect/get)', () => {
  it('redirects back with every message, a summary linking to each field, and what was typed', async () => {
    const { a } = await signedIn()
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'route', { examRoute: 'other' })
    const res = await post(a, 'education', { level: '', school: '北京大学', graduatedOn: '2020-13-45' })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe(`${BASE}/education`)
    const page = await a.get(`${BASE}/education`)
    expect(page.text).toContain('class="error-summary"')
    expect(page.text).toContain('<a href="#level">请填写最高学历</a>')
    expect(page.text).toMatch(/<a href="#graduatedOn">[^<]*毕业时间/)
    expect(page.text).toContain('id="level-error"')
    expect(page.text).toContain('value="北京大学"')
    expect(page.text).toContain('value="2020-13-45"')
    // Shown once: the next visit is a clean page again.
    expect((await a.get(`${BASE}/education`)).text).not.toContain('error-summary')
  })

  it('uses the schema’s own Chinese messages', async () => {
    const { a } = await signedIn()
    await post(a, 'agreement', {})
    const page = await a.get(`${BASE}/agreement`)
    expect(page.text).toContain('<a href="#agree">请勾选“已阅读并完全同意本协议”</a>')
  })

  it('shows the errors of beforeSave (checks against the database) the same way', async () => {
    const { a } = await signedIn()
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'route', { examRoute: 'other' })
    const res = await post(a, 'education', { ...EDUCATION, school: '不存在的学校' })
    expect(res.headers.location).toBe(`${BASE}/education`)
    expect((await a.get(`${BASE}/education`)).text).toContain('<a href="#school">未找到该学校</a>')
  })

  it('saves progress to the store on every successful step and never on a failed one', async () => {
    const { a, applicant } = await signedIn()
    const before = harness.calls.saves
    await post(a, 'agreement', {})
    expect(harness.calls.saves).toBe(before)
    expect(await progressRow(applicant.id)).toBeUndefined()
    await post(a, 'agreement', { agree: 'yes' })
    expect(harness.calls.saves).toBe(before + 1)
    expect((await progressRow(applicant.id)).data.values).toEqual({ agreement: { agree: 'yes' } })
  })

  it('keeps a signed-in applicant’s answers in the table only; the session just names the run', async () => {
    const { a, applicant } = await signedIn()
    await fillIn(a)
    const row = await progressRow(applicant.id)
    expect(row.data.values.education.school).toBe('北京师范大学')
    const sessions = await t
      .db('session')
      .whereRaw(`sess->>'realm' = 'applicant' AND (sess->>'userId')::bigint = ?`, [applicant.id])
    expect(sessions.length).toBeGreaterThan(0)
    for (const s of sessions) {
      expect(JSON.stringify(s.sess)).not.toContain('北京师范大学')
      expect(s.sess.wizards?.example).toEqual({ run: row.data.runId })
    }
  })
})

describe('wizard engine: answers, review and editing', () => {
  it('replaces a step’s answers as a whole, so unchecking a box clears it', async () => {
    const { a } = await signedIn()
    await fillIn(a, 'other')
    expect((await a.get(`${BASE}/review`)).text).toContain('普通话证书、学位证书')
    await post(a, 'education', EDUCATION, '?edit=review')
    const review = await a.get(`${BASE}/review`)
    expect(review.text).not.toContain('普通话证书')
    expect(review.text).toMatch(/附加材料<\/dt><dd>—/)
  })

  it('builds the review page from the step table: labels not codes, dates as 年-月-日, a 修改 link per section', async () => {
    const { a } = await signedIn()
    await fillIn(a)
    const page = await a.get(`${BASE}/review`)
    expect(page.status).toBe(200)
    for (const text of ['考试形式', '国家统一考试', '12345678', '本科', '北京师范大学', '2020-07-01'])
      expect(page.text).toContain(text)
    expect(page.text).not.toContain('>20<')
    for (const step of ['route', 'exam', 'education'])
      expect(page.text).toContain(`href="${BASE}/${step}?edit=review"`)
    // Steps without review fields (the agreement) have no section.
    expect(page.text).not.toContain(`${BASE}/agreement?edit=review`)
  })

  it('returns to the review page after saving a step opened with 修改', async () => {
    const { a } = await signedIn()
    await fillIn(a)
    const page = await a.get(`${BASE}/exam?edit=review`)
    expect(page.text).toContain('保存并返回确认页')
    expect(page.text).toContain(`action="${BASE}/exam?edit=review"`)
    expect(page.text).toContain(`<a class="back-link" href="${BASE}/review">`)
    const res = await post(a, 'exam', { certNumber: '87654321' }, '?edit=review')
    expect(res.headers.location).toBe(`${BASE}/review`)
    expect((await a.get(`${BASE}/review`)).text).toContain('87654321')
  })

  it('keeps ?edit=review through a failed POST', async () => {
    const { a } = await signedIn()
    await fillIn(a)
    const res = await post(a, 'exam', { certNumber: 'x' }, '?edit=review')
    expect(res.headers.location).toBe(`${BASE}/exam?edit=review`)
  })

  it('walks the steps a branch change opens, then returns to review; the closed branch’s answers are dropped', async () => {
    const { a, applicant } = await signedIn()
    await fillIn(a, 'other')
    let res = await post(a, 'route', { examRoute: 'national' }, '?edit=review')
    expect(res.headers.location).toBe(`${BASE}/exam?edit=review`)
    // The review page cannot be reached while the new step is unanswered.
    expect((await a.get(`${BASE}/review`)).headers.location).toBe(`${BASE}/exam`)
    res = await post(a, 'exam', { certNumber: '11112222' }, '?edit=review')
    expect(res.headers.location).toBe(`${BASE}/review`)
    expect((await a.get(`${BASE}/review`)).text).toContain('11112222')

    res = await post(a, 'route', { examRoute: 'other' }, '?edit=review')
    expect(res.headers.location).toBe(`${BASE}/review`)
    const review = await a.get(`${BASE}/review`)
    expect(review.text).not.toContain('11112222')
    expect(review.text).not.toContain('考试合格证明编号')
    const row = await progressRow(applicant.id)
    expect(Object.keys(row.data.values).sort()).toEqual(['agreement', 'education', 'route'])
    expect(row.data.completed).not.toContain('exam')
  })

  it('takes back links from the visited history, not from the table', async () => {
    const { a } = await signedIn()
    expect((await a.get(`${BASE}/agreement`)).text).not.toContain('class="back-link"')
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'route', { examRoute: 'other' })
    expect((await a.get(`${BASE}/education`)).text).toContain(`<a class="back-link" href="${BASE}/route">`)
    await post(a, 'route', { examRoute: 'national' })
    await post(a, 'exam', { certNumber: '12345678' })
    expect((await a.get(`${BASE}/education`)).text).toContain(`<a class="back-link" href="${BASE}/exam">`)
    expect((await a.get(`${BASE}/route`)).text).toContain(`<a class="back-link" href="${BASE}/agreement">`)
  })

  it('renders the step bar with the current stage marked, the notice line and the CSRF token', async () => {
    const { a } = await signedIn()
    await post(a, 'agreement', { agree: 'yes' })
    const page = await a.get(`${BASE}/route`)
    expect(page.text).toMatch(/aria-current="step">\s*填写信息/)
    expect(page.text.match(/aria-current="step"/g)).toHaveLength(1)
    expect(page.text).toContain('请注意，所有环节均完成，生成报名号之后方为报名成功!')
    expect(page.text).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/)
    expect(page.text).toContain('>下一步</button>')
    expect(page.headers['cache-control']).toBe('no-store')
  })
})

describe('wizard engine: progress, completion and abandoning', () => {
  it('resumes after a new login (the session is regenerated) from wizard_progress', async () => {
    const { a, applicant } = await signedIn()
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'route', { examRoute: 'national' })
    await post(a, 'exam', { certNumber: '12345678' })

    const b = agent(t.app)
    await loginAs(b, applicant)
    const loads = harness.calls.loads
    const res = await b.get(BASE)
    expect(res.headers.location).toBe(`${BASE}/education`)
    expect(harness.calls.loads).toBe(loads + 1)
    expect((await b.get(`${BASE}/exam`)).text).toContain('value="12345678"')
    expect((await b.get(`${BASE}/education`)).text).toContain(`<a class="back-link" href="${BASE}/exam">`)
  })

  it('keeps a step when a request running alongside it writes the older session back', async () => {
    const { a, applicant } = await signedIn()
    await post(a, 'agreement', { agree: 'yes' })
    const before = await t.db('session').whereRaw("(sess->>'userId')::bigint = ?", [applicant.id]).first()
    await post(a, 'route', { examRoute: 'national' })
    // What express-session does for a favicon or second-tab request that loaded the session first.
    await t.db('session').where({ sid: before.sid }).update({ sess: before.sess })
    const res = await a.get(`${BASE}/exam`)
    expect(res.status).toBe(200)
    expect(res.text).toContain(`<a class="back-link" href="${BASE}/route">`)
  })

  it('submits exactly once when the last step is posted 20 times at once; every answer lands on the record', async () => {
    const { a, applicant } = await signedIn()
    await fillIn(a)
    await post(a, 'review', {})
    const page = await a.get(`${BASE}/commitment`)
    expect(page.text).toContain('>提交</button>')
    const token = csrfFrom(page.text)
    const before = harness.calls.onComplete
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        a.post(`${BASE}/commitment`).type('form').send({ consent: 'agree', _csrf: token }),
      ),
    )
    for (const res of answers) {
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe(RECORD)
    }
    expect(harness.calls.onComplete - before).toBe(1)
    const rows = await t.db('example_applications').where({ applicant_id: applicant.id })
    expect(rows).toHaveLength(1)
    expect(rows[0].answers).toMatchObject({ examRoute: 'national', certNumber: '12345678', level: '20' })
    expect((await progressRow(applicant.id)).data).toHaveProperty('doneRunId')
  })

  it('sends every step of a finished run (the back button) to the record, never to a second submit', async () => {
    const { a, applicant } = await signedIn()
    await fillIn(a)
    await post(a, 'review', {})
    const page = await a.get(`${BASE}/commitment`)
    await a
      .post(`${BASE}/commitment`)
      .type('form')
      .send({ consent: 'agree', _csrf: csrfFrom(page.text) })
    for (const url of [BASE, `${BASE}/agreement`, `${BASE}/review`, `${BASE}/commitment`])
      expect((await a.get(url)).headers.location).toBe(RECORD)
    const again = await a
      .post(`${BASE}/commitment`)
      .type('form')
      .send({ consent: 'agree', _csrf: csrfFrom(page.text) })
    expect(again.headers.location).toBe(RECORD)
    expect(await t.db('example_applications').where({ applicant_id: applicant.id })).toHaveLength(1)
  })

  it('abandons on 不同意: the draft leaves the session and the table, and the platform is shown', async () => {
    const { a, applicant } = await signedIn()
    await fillIn(a)
    await post(a, 'review', {})
    expect(await progressRow(applicant.id)).toBeDefined()
    const page = await a.get(`${BASE}/commitment`)
    expect(page.text).toMatch(/name="consent"[^>]*value="disagree"/)
    const res = await a
      .post(`${BASE}/commitment`)
      .type('form')
      .send({ consent: 'disagree', _csrf: csrfFrom(page.text) })
    expect(res.headers.location).toBe('/platform')
    expect(await progressRow(applicant.id)).toBeUndefined()
    expect((await a.get(BASE)).headers.location).toBe(`${BASE}/agreement`)
    expect(await t.db('example_applications').where({ applicant_id: applicant.id })).toHaveLength(0)
  })

  it('ignores consent=disagree on steps that do not offer it', async () => {
    const { a, applicant } = await signedIn()
    await post(a, 'agreement', { agree: 'yes' })
    const res = await post(a, 'route', { examRoute: 'other', consent: 'disagree' })
    expect(res.headers.location).toBe(`${BASE}/education`)
    expect(await progressRow(applicant.id)).toBeDefined()
  })

  it('runs the guard before every GET and POST', async () => {
    const { a } = await signedIn()
    const page = await a.get(`${BASE}/agreement`)
    harness.windowOpen.value = false
    try {
      expect((await a.get(`${BASE}/agreement`)).headers.location).toBe('/example-closed')
      expect((await a.get(BASE)).headers.location).toBe('/example-closed')
      const res = await a
        .post(`${BASE}/agreement`)
        .type('form')
        .send({ agree: 'yes', _csrf: csrfFrom(page.text) })
      expect(res.headers.location).toBe('/example-closed')
    } finally {
      harness.windowOpen.value = true
    }
    expect((await a.get(`${BASE}/route`)).headers.location).toBe(`${BASE}/agreement`)
  })
})
