import crypto from 'node:crypto'
import type express from 'express'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow, submitForm, type Agent } from '../helpers/http'
import { createApplicant, ethnicityCodes } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { makeIdNumber } from '../../src/domain/idNumber'

/** Every GET path the app's routers declare (without parameters), read from Express itself. */
function declaredGetPaths(app: express.Express): string[] {
  type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } }
  const found: string[] = []
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string' && layer.route.methods.get)
        found.push(layer.route.path)
      else if (layer.handle?.stack) walk(layer.handle.stack)
    }
  }
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack)
  return [...new Set(found)]
}

describe('first login: completing personal information', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: { rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 20, verifyPerIpPerHour: 30 } },
    })
    // The reference seed provides the ethnicity list; make sure the two used here exist regardless.
    await ethnicityCodes(t.db)
  })
  afterAll(() => t.close())

  const incomplete = { profile_completed_at: null, ethnicity: null }

  async function signIn(
    overrides: Record<string, unknown>,
  ): Promise<{ a: Agent; id: number; location: string }> {
    const applicant = await createApplicant(t.db, { ...incomplete, ...overrides })
    const a = agent(t.app)
    const res = await loginAs(a, applicant)
    return { a, id: applicant.id, location: res.headers.location }
  }

  it('sends a first login to the completion form and nowhere else until it is done', async () => {
    const { a, location } = await signIn({})
    expect(location).toBe('/account/complete')

    const applicantPaths = declaredGetPaths(t.app).filter(
      (p) => /^\/(account|identity|platform)(\/|$)/.test(p) && !p.includes(':') && p !== '/account/complete',
    )
    applicantPaths.push('/platform/certification/notice', '/platform/registration/notice')
    expect(applicantPaths).toContain('/platform')
    for (const path of applicantPaths) {
      const res = await a.get(path)
      expect({ path, status: res.status, location: res.headers.location }).toEqual({
        path,
        status: 303,
        location: '/account/complete',
      })
    }
    // The home page sends a signed-in applicant on to the platform, which sends them back here.
    expect((await a.get('/')).headers.location).toBe('/platform')
  })

  it('asks a 身份证 holder for 民族 only, showing sex and birth date from the number', async () => {
    const docNumber = makeIdNumber('110101', '19900307', '002') // an even sequence digit: female
    const { a, id } = await signIn({ doc_number: docNumber })
    const page = await a.get('/account/complete')
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/<label for="ethnicity">民族/)
    expect(page.text).toContain('<option value="01">汉族</option>')
    expect(page.text).not.toContain('name="sex"')
    expect(page.text).not.toContain('name="localIdNumber"')
    expect(page.text).toContain('1990-03-07')
    expect(page.text).toContain('<dd>女</dd>')

    const empty = await submitForm(a, '/account/complete', { ethnicity: '' })
    const again = await follow(a, empty)
    expect(again.text).toContain('<a href="#ethnicity">请选择民族</a>')

    const unknownCode = await submitForm(a, '/account/complete', { ethnicity: '99x' })
    expect((await follow(a, unknownCode)).text).toContain('请选择民族')

    const done = await submitForm(a, '/account/complete', { ethnicity: '03' })
    expect(done.headers.location).toBe('/platform')
    expect((await follow(a, done)).text).toContain('个人信息已完善')
    const row = await t.db('applicants').where({ id }).first()
    expect(row).toMatchObject({ ethnicity: '03', sex: 'F' })
    expect(row.profile_completed_at).not.toBeNull()
    expect(
      await t.db('audit_log').where({ action: 'applicant.complete_profile', actor_id: id }),
    ).toHaveLength(1)

    expect((await a.get('/platform')).status).toBe(200)
    expect((await a.get('/account/complete')).headers.location).toBe('/platform')
  })

  it('asks a 港澳居民来往内地通行证 holder for sex, birth date and the local ID number too', async () => {
    const docNumber = `H${crypto.randomInt(1e8).toString().padStart(8, '0')}`
    const { a, id } = await signIn({ doc_type: 'hk_macau_pass', doc_number: docNumber })
    const page = await a.get('/account/complete')
    expect(page.text).toContain('<legend>性别')
    expect(page.text).toMatch(/<label for="birthDate">出生日期/)
    expect(page.text).toMatch(/<label for="localIdNumber">港澳或台湾当地有效身份证件号码/)

    const bad = await submitForm(a, '/account/complete', {
      ethnicity: '01',
      sex: '',
      birthDate: '2099-01-01',
      localIdNumber: 'A123456(7)',
    })
    const shown = (await follow(a, bad)).text
    expect(shown).toContain('<a href="#sex">请选择性别</a>')
    expect(shown).toContain('出生日期不是有效的日期')
    // What was typed stays in the form.
    expect(shown).toContain('value="A123456(7)"')
    expect(shown).toContain('value="2099-01-01"')
    expect(shown).toMatch(/<option value="01" selected>汉族/)

    const done = await submitForm(a, '/account/complete', {
      ethnicity: '01',
      sex: 'M',
      birthDate: '1985-12-31',
      localIdNumber: 'a123456(7)',
    })
    expect(done.headers.location).toBe('/platform')
    const row = await t.db('applicants').where({ id }).first()
    expect(row).toMatchObject({ sex: 'M', local_id_number: 'A123456(7)', ethnicity: '01' })
    expect(row.birth_date).toBeTruthy()
  })

  it('asks a 台湾居民来往大陆通行证 holder the same', async () => {
    const docNumber = crypto.randomInt(1e8).toString().padStart(8, '0')
    const { a } = await signIn({ doc_type: 'taiwan_pass', doc_number: docNumber })
    const empty = await submitForm(a, '/account/complete', { ethnicity: '01' })
    const shown = (await follow(a, empty)).text
    expect(shown).toContain('请选择性别')
    expect(shown).toContain('请填写出生日期')
    expect(shown).toContain('请填写港澳或台湾当地有效身份证件号码')
  })

  it('asks a 居住证 holder for the matching pass number, taking sex and birth date from the permit', async () => {
    const permit = makeIdNumber(
      '810000',
      '19880808',
      String(crypto.randomInt(500) * 2 + 1)
        .padStart(3, '0')
        .slice(-3),
    )
    const { a, id } = await signIn({
      doc_type: 'residence_permit',
      doc_number: permit,
      sex: null,
      birth_date: null,
    })
    const page = await a.get('/account/complete')
    expect(page.text).toMatch(/<label for="passNumber">港澳居民来往内地通行证号码/)
    expect(page.text).not.toContain('name="sex"')
    expect(page.text).toContain('1988-08-08')

    const bad = await submitForm(a, '/account/complete', {
      ethnicity: '01',
      localIdNumber: 'A1234567',
      passNumber: '12345',
    })
    expect((await follow(a, bad)).text).toContain('港澳居民来往内地通行证号码应为9位（H或M及8位纯数字）')

    const done = await submitForm(a, '/account/complete', {
      ethnicity: '01',
      localIdNumber: 'A1234567',
      passNumber: 'm12345678',
    })
    expect(done.headers.location).toBe('/platform')
    const row = await t.db('applicants').where({ id }).first()
    expect(row).toMatchObject({ pass_number: 'M12345678', local_id_number: 'A1234567', sex: 'M' })
    expect(row.birth_date).toBeTruthy()
  })

  it('labels the pass number for a Taiwan residence permit', async () => {
    const permit = makeIdNumber('830000', '19910101', '021')
    const { a } = await signIn({ doc_type: 'residence_permit', doc_number: permit })
    const page = await a.get('/account/complete')
    expect(page.text).toMatch(/<label for="passNumber">台湾居民来往大陆通行证号码/)
    const res = await a
      .post('/account/complete')
      .type('form')
      .send({
        ethnicity: '01',
        localIdNumber: 'A123456789',
        passNumber: '87654321',
        _csrf: csrfFrom(page.text),
      })
    expect(res.headers.location).toBe('/platform')
  })

  it('goes on to the page that asked for the login once the form is complete', async () => {
    const applicant = await createApplicant(t.db, incomplete)
    const a = agent(t.app)
    await a.get('/platform/registration/notice')
    const res = await loginAs(a, applicant)
    expect(res.headers.location).toBe('/account/complete')
    const done = await submitForm(a, '/account/complete', { ethnicity: '01' })
    expect(done.headers.location).toBe('/platform/registration/notice')
  })
})
