import Joi from 'joi'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { EXAMPLE_VIEWS } from '../fixtures/wizard/example'
import { REFUSED_UNIT, ROWS_BASE, rowsWizard } from '../fixtures/wizard/rows'
import { createWizard } from '../../src/web/wizard/engine'
import type { WizardDefinition } from '../../src/web/wizard/types'

let t: TestApp

beforeAll(async () => {
  t = await appWithAllRoutes({ routes: rowsWizard, viewDirs: [EXAMPLE_VIEWS] })
})
afterAll(() => t.close())

async function signedIn() {
  const applicant = await createApplicant(t.db)
  const a = agent(t.app)
  await loginAs(a, applicant)
  return { a, applicant }
}

// Rows are posted as a browser posts them (rows[0][unit]=...); supertest would drop the indexes.
async function post(a: Agent, step: string, fields: Record<string, string>, query = '') {
  const page = await a.get(`${ROWS_BASE}/${step}${query}`)
  if (page.status !== 200)
    throw new Error(`GET ${step} answered ${page.status} → ${page.headers.location ?? '-'}`)
  return a
    .post(`${ROWS_BASE}/${step}${query}`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) })
}

describe('wizard engine: loaded answers, skipped steps, invalidation', () => {
  it('starts a new run with the answers load() gives', async () => {
    const { a } = await signedIn()
    expect((await a.get(`${ROWS_BASE}/kind`)).text).toMatch(/value="b" checked/)
  })

  it('passes over a step whose skipIf holds, and opens it when it applies', async () => {
    const { a } = await signedIn()
    expect((await post(a, 'kind', { kind: 'b' })).headers.location).toBe(`${ROWS_BASE}/cv`)
    expect((await a.get(`${ROWS_BASE}/extra`)).headers.location).toBe(`${ROWS_BASE}/cv`)
    expect((await post(a, 'kind', { kind: 'a' })).headers.location).toBe(`${ROWS_BASE}/extra`)
    expect((await post(a, 'extra', { note: '说明' })).headers.location).toBe(`${ROWS_BASE}/cv`)
  })

  it('asks again for the steps a changed answer invalidates, keeping their answers as defaults', async () => {
    const { a } = await signedIn()
    await post(a, 'kind', { kind: 'b' })
    await post(a, 'cv', { 'rows[0][unit]': '第一中学' })
    expect((await a.get(`${ROWS_BASE}/submit`)).status).toBe(200)
    // The same answer again invalidates nothing.
    await post(a, 'kind', { kind: 'b' })
    expect((await a.get(`${ROWS_BASE}/submit`)).status).toBe(200)
    await post(a, 'kind', { kind: 'a' })
    await post(a, 'extra', { note: '说明' })
    expect((await a.get(`${ROWS_BASE}/submit`)).headers.location).toBe(`${ROWS_BASE}/cv`)
    expect((await a.get(`${ROWS_BASE}/cv`)).text).toContain('value="第一中学"')
  })
})

describe('wizard engine: redisplay without JavaScript', () => {
  it('adds and removes rows through buttons that neither validate nor save', async () => {
    const { a, applicant } = await signedIn()
    await post(a, 'kind', { kind: 'b' })
    let res = await post(a, 'cv', { 'rows[0][unit]': '第一中学', _action: 'add' })
    expect(res.headers.location).toBe(`${ROWS_BASE}/cv`)
    let page = await a.get(`${ROWS_BASE}/cv`)
    expect(page.text).toContain('value="第一中学"')
    expect(page.text).toContain('name="rows[1][unit]"')
    expect(page.text).not.toContain('error-summary')
    const row = await t
      .db('wizard_progress')
      .where({ applicant_id: applicant.id, wizard_key: 'rows' })
      .first()
    expect(row.data.completed).toEqual(['kind'])

    res = await post(a, 'cv', { 'rows[0][unit]': '第一中学', 'rows[1][unit]': '', _action: 'remove' })
    page = await a.get(`${ROWS_BASE}/cv`)
    expect(page.text).not.toContain('name="rows[1][unit]"')
  })

  it('validates nested rows with errors keyed by their path', async () => {
    const { a } = await signedIn()
    await post(a, 'kind', { kind: 'b' })
    await post(a, 'cv', { 'rows[0][unit]': '第一中学', 'rows[1][unit]': '' })
    const page = await a.get(`${ROWS_BASE}/cv`)
    expect(page.text).toContain('<a href="#rows-1-unit">请填写单位</a>')
  })
})

describe('wizard engine: a refused submit', () => {
  it('keeps the applicant on the last step with the message and the run intact', async () => {
    const { a } = await signedIn()
    await post(a, 'kind', { kind: 'b' })
    await post(a, 'cv', { 'rows[0][unit]': REFUSED_UNIT })
    const res = await post(a, 'submit', {})
    expect(res.headers.location).toBe(`${ROWS_BASE}/submit`)
    const page = await a.get(`${ROWS_BASE}/submit`)
    expect(page.text).toContain('<a href="#_form">您的简历中有限制单位，不能提交。</a>')
    expect(page.text).toContain('id="_form"')
    await post(a, 'cv', { 'rows[0][unit]': '第一中学' })
    expect((await post(a, 'submit', {})).headers.location).toBe('/rows-done')
    expect((await a.get(`${ROWS_BASE}/kind`)).headers.location).toBe('/rows-done')
  })
})

describe('wizard engine: definitions are checked when the wizard is built', () => {
  const base: WizardDefinition = {
    key: 'bad',
    basePath: '/bad',
    title: '坏',
    steps: [],
    onComplete: () => undefined,
    doneRedirect: () => '/',
  }
  const deps = () => ({ db: t.db, clock: t.clock })

  it('refuses a step that leads to an unknown step', () => {
    const steps = [{ path: 'one', title: '一', schema: Joi.object({}), next: 'nowhere' }]
    expect(() => createWizard({ ...base, steps }, deps())).toThrow(/unknown step/)
  })

  it('refuses a path defined twice and a step bar naming an unknown step', () => {
    const one = { path: 'one', title: '一' }
    expect(() => createWizard({ ...base, steps: [one, one] }, deps())).toThrow(/twice/)
    expect(() =>
      createWizard({ ...base, steps: [one], stepBar: [{ label: 'x', steps: ['two'] }] }, deps()),
    ).toThrow(/step bar/)
  })
})
