import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow, type Agent } from '../helpers/http'
import { createApplicant, ethnicityCodes } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { insertReview } from '../fixtures/identity'
import { makeIdNumber } from '../../src/domain/idNumber'
import { MESSAGES } from '../../src/modules/accounts/messages'
import { MESSAGES as IDENTITY_MESSAGES } from '../../src/modules/identity/messages'

// 修改个人信息 (manual 001 §2.1) and what stays reachable while 人工审核中.

describe('个人信息中心 · 修改个人信息', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
    await ethnicityCodes(t.db)
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  type Applicant = Awaited<ReturnType<typeof createApplicant>>

  async function signedIn(overrides: Record<string, unknown> = {}): Promise<{ a: Agent; p: Applicant }> {
    const p = await createApplicant(t.db, overrides)
    const a = agent(t.app)
    await loginAs(a, p)
    return { a, p }
  }

  async function save(a: Agent, fields: Record<string, string>) {
    const page = await a.get('/account/profile')
    expect(page.status).toBe(200)
    return a
      .post('/account/profile')
      .type('form')
      .send({ ...fields, _csrf: csrfFrom(page.text) })
  }

  const row = (id: number) =>
    t
      .db('applicants')
      .where({ id })
      .first(
        'name',
        'doc_type',
        'doc_number',
        'sex',
        'ethnicity',
        'local_id_number',
        'pass_number',
        'identity_status',
        t.db.raw('birth_date::text as birth_date'),
      )

  const audits = (id: number) => t.db('audit_log').where({ action: 'applicant.change_profile', actor_id: id })

  it('offers 修改个人信息 beside 实名核验, 修改密码 and 修改手机号码, as manual 001 shows', async () => {
    const { a } = await signedIn()
    const page = await a.get('/account')
    const nav = /<ul class="side-nav" aria-label="个人信息中心">([\s\S]*?)<\/ul>/.exec(page.text)![1]
    const labels = [...nav.matchAll(/>([^<>]+)<\/a>/g)].map((m) => m[1])
    expect(labels.slice(2, 6)).toEqual(['修改个人信息', '实名核验', '修改密码', '修改手机号码'])
    expect(page.text).toContain('<a class="button" href="/account/profile">修改个人信息</a>')
  })

  it('changes 民族 of a verified 身份证 holder, audited by field name only, and never the name, number or sex', async () => {
    const { a, p } = await signedIn({ name: '李四', sex: 'M', birth_date: '1990-01-01' })
    const res = await save(a, {
      ethnicity: '03',
      name: '王五',
      docNumber: '110101199001010011',
      docType: 'hk_macau_pass',
      sex: 'F',
      birthDate: '1999-09-09',
    })
    expect(res.headers.location).toBe('/account')
    expect((await follow(a, res)).text).toContain(MESSAGES.profileChanged)
    expect(await row(p.id)).toMatchObject({
      ethnicity: '03',
      name: '李四',
      doc_type: 'id_card',
      doc_number: p.doc_number,
      sex: 'M',
      birth_date: '1990-01-01',
      identity_status: 'verified',
    })
    const [entry] = await audits(p.id)
    expect(entry.detail).toEqual({ fields: ['ethnicity'] })
    expect((await a.get('/account')).text).toContain('回族')
  })

  it('lets an unverified 港澳通行证 holder correct 性别, 出生日期 and the local ID number', async () => {
    const { a, p } = await signedIn({
      doc_type: 'hk_macau_pass',
      doc_number: 'H87654321',
      identity_status: 'unverified',
      sex: 'M',
      birth_date: '1991-02-03',
      local_id_number: 'A1234567',
    })
    const page = await a.get('/account/profile')
    expect(page.text).toContain('name="sex"')
    expect(page.text).toContain('value="A1234567"')
    const res = await save(a, {
      ethnicity: '01',
      sex: 'F',
      birthDate: '1991-03-02',
      localIdNumber: 'a765432(1)',
    })
    expect(res.headers.location).toBe('/account')
    expect(await row(p.id)).toMatchObject({
      sex: 'F',
      birth_date: '1991-03-02',
      local_id_number: 'A765432(1)',
      identity_status: 'unverified',
    })
    const [entry] = await audits(p.id)
    expect(entry.detail.fields.sort()).toEqual(['birth_date', 'local_id_number', 'sex'])
    expect(JSON.stringify(entry)).not.toContain('A765432')
  })

  it.each(['verified', 'manual_approved', 'manual_pending'])(
    'locks 性别, 出生日期 and the 港澳台 numbers while the identity is %s, taking only 民族',
    async (status) => {
      const { a, p } = await signedIn({
        doc_type: 'residence_permit',
        doc_number: makeIdNumber('810000', '19920304', String(100 + status.length).slice(-3)),
        identity_status: status,
        sex: 'F',
        birth_date: '1992-03-04',
        local_id_number: 'A1234567',
        pass_number: 'H12345678',
      })
      const page = await a.get('/account/profile')
      expect(page.text).not.toContain('name="passNumber"')
      expect(page.text).not.toContain('name="localIdNumber"')
      expect(page.text).toContain('H12345678')
      await save(a, { ethnicity: '03', passNumber: 'H87654321', localIdNumber: 'B7654321' })
      expect(await row(p.id)).toMatchObject({
        ethnicity: '03',
        pass_number: 'H12345678',
        local_id_number: 'A1234567',
        identity_status: status,
      })
    },
  )

  it('refuses a 民族 not in the code list beside the field and changes nothing', async () => {
    const { a, p } = await signedIn()
    const res = await save(a, { ethnicity: '99' })
    expect(res.headers.location).toBe('/account/profile')
    const page = await follow(a, res)
    expect(page.text).toContain('id="ethnicity-error"')
    expect((await row(p.id)).ethnicity).toBe('01')
    expect(await audits(p.id)).toHaveLength(0)
  })

  it('answers 403 to a change without the CSRF token', async () => {
    const { a, p } = await signedIn()
    const res = await a.post('/account/profile').type('form').send({ ethnicity: '03' })
    expect(res.status).toBe(403)
    expect((await row(p.id)).ethnicity).toBe('01')
  })

  it('keeps 个人身份信息, 修改密码 and 修改手机号码 reachable while 人工审核中; only verification is blocked', async () => {
    const { a, p } = await signedIn({ identity_status: 'unverified' })
    await insertReview(t.db, p, { status: 'pending', submittedAt: t.clock.now() })
    for (const page of ['/identity/verify', '/identity/review']) {
      const text = (await a.get(page)).text
      for (const href of ['/account', '/account/profile', '/account/password', '/account/phone'])
        expect(text).toContain(`href="${href}"`)
    }
    for (const path of [
      '/account',
      '/account/profile',
      '/account/password',
      '/account/phone',
      '/account/email',
    ])
      expect((await a.get(path)).status).toBe(200)
    const page = await a.get('/identity/verify')
    const verify = await a
      .post('/identity/verify')
      .type('form')
      .send({ name: p.name, _csrf: csrfFrom(page.text) })
    expect((await follow(a, verify)).text).toContain(IDENTITY_MESSAGES.pending)
  })
})
