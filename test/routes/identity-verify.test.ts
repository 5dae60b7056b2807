import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, submitForm, type Agent } from '../helpers/http'
import { createApplicant } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { registryVerifier, type Verifier } from '../../src/services/verifier'
import { insertReview } from '../fixtures/identity'

describe('实名核验 /identity/verify', () => {
  let t: TestApp
  let verifierDown = false
  // The registry verifier, with a switch to play a provider that does not answer.
  const verifier: Verifier = {
    verify: (claim) =>
      verifierDown ? Promise.reject(new Error('provider down')) : registryVerifier(t.db).verify(claim),
  }
  beforeAll(async () => {
    t = await appWithAllRoutes({ verifier })
  })
  afterAll(() => t.close())
  beforeEach(() => {
    verifierDown = false
    t.clock.set('2026-09-15T02:00:00Z')
  })

  async function signIn(overrides: Record<string, unknown> = {}, inRegistry?: string) {
    const applicant = await createApplicant(t.db, { identity_status: 'unverified', ...overrides })
    if (inRegistry)
      await t.db('identity_registry').insert({
        doc_type: applicant.doc_type,
        doc_number: applicant.doc_number,
        name: inRegistry,
        imported_at: t.clock.now(),
      })
    const a = agent(t.app)
    await loginAs(a, applicant)
    return { a, applicant }
  }

  const verify = (a: Agent, name: string) => submitForm(a, '/identity/verify', { name })
  const applicantRow = (id: number) => t.db('applicants').where({ id }).first()
  const checks = (id: number) => t.db('identity_checks').where({ applicant_id: id }).orderBy('id')

  it('asks for a login first', async () => {
    const res = await agent(t.app).get('/identity/verify')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
  })

  it("shows the document, the masked number, the manual's 操作说明 and the attempts left", async () => {
    const { a, applicant } = await signIn()
    const page = await a.get('/identity/verify')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<dt>证件类型</dt><dd>身份证</dd>')
    const masked = `${applicant.doc_number.slice(0, 2)}${'*'.repeat(14)}${applicant.doc_number.slice(-2)}`
    expect(page.text).toContain(`<dd>${masked}</dd>`)
    expect(page.text).not.toContain(applicant.doc_number)
    expect(page.text).toContain('操作说明')
    expect(page.text).toContain(
      '<li>不做实名认证，也可登录系统，但是在办理教师资格认定和定期注册业务之前必须做实名认证。</li>',
    )
    expect(page.text).toContain(
      '每日您可进行三次实名认证，如核验不通过，勿直接重复提交，请仔细核对您所填写的内容。',
    )
    expect(page.text).toContain('人工审核周期较长，仅能保证7个工作日之内给出结论')
    expect(page.text.match(/<ol class="identity-notes">[\s\S]*?<\/ol>/)![0].match(/<li>/g)).toHaveLength(5)
    expect(page.text).toContain('href="/identity/ctid-guide">《居民身份证网上功能凭证开通指南》</a>')
    expect(page.text).toContain('今日剩余核验次数：3')
    expect(page.text).toMatch(/<label for="name">姓名/)
    expect(page.text).toContain('value="张三"')
  })

  it('passes with the registry verifier when name and number match, and records the check and audit', async () => {
    const { a, applicant } = await signIn({}, '张三')
    const res = await verify(a, '张三')
    expect(res.status).toBe(303)
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('实名核验成功。')
    expect(page.text).toContain('实名状态：<strong>核验通过</strong>')
    expect(page.text).toContain('今日剩余核验次数：2')
    expect((await applicantRow(applicant.id)).identity_status).toBe('verified')
    expect(await checks(applicant.id)).toMatchObject([
      { passed: true, name_tried: '张三', day: expect.anything() },
    ])
    const audit = await t.db('audit_log').where({ action: 'identity.verify', actor_id: applicant.id }).first()
    expect(audit.detail).toEqual({ passed: true, nameChanged: false })
    expect(JSON.stringify(audit)).not.toContain(applicant.doc_number)
  })

  it('fails when the registry does not know the person, then offers the 网证 guide and 人工审核', async () => {
    const { a, applicant } = await signIn({}, '李四')
    await verify(a, '张三')
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('实名核验未通过。请仔细核对您所填写的内容，勿直接重复提交。')
    expect(page.text).toContain('<h2 id="failed-title">实名核验未通过</h2>')
    expect(page.text).toContain('开通CTID网证')
    expect(page.text).toContain('<a class="button" href="/identity/review">人工审核</a>')
    expect((await applicantRow(applicant.id)).identity_status).toBe('unverified')
    const guide = await a.get('/identity/ctid-guide')
    expect(guide.status).toBe(200)
    expect(guide.text).toContain('《居民身份证网上功能凭证开通指南》')
  })

  it('offers only 人工审核 (no 网证) after a failure with a document other than 身份证', async () => {
    const { a } = await signIn({
      doc_type: 'hk_macau_pass',
      doc_number: `H${Date.now() % 100_000_000}`.padEnd(9, '0'),
    })
    await verify(a, '张三')
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('您使用的证件类型不为身份证，请申请人工审核。')
    expect(page.text).not.toContain('开通CTID网证')
    expect(page.text).toContain('href="/identity/review">人工审核</a>')
  })

  it('allows 3 attempts a Shanghai day, refuses the 4th, and allows again after Shanghai midnight', async () => {
    t.clock.set('2026-09-15T15:58:00Z') // 23:58 in Shanghai
    const { a, applicant } = await signIn()
    for (let i = 0; i < 3; i++) await verify(a, '张三')
    const refused = await verify(a, '张三')
    expect(refused.status).toBe(303)
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('今日实名核验次数已用完，请明天再试。')
    expect(page.text).toContain('今日剩余核验次数：0')
    expect(page.text).toContain('<span class="button button-disabled" aria-disabled="true">实名核验</span>')
    expect(await checks(applicant.id)).toHaveLength(3)

    t.clock.set('2026-09-15T15:59:59Z') // still 23:59 on the same Shanghai day
    await verify(a, '张三')
    expect(await checks(applicant.id)).toHaveLength(3)

    t.clock.set('2026-09-15T16:00:00Z') // 00:00 the next Shanghai day
    expect((await a.get('/identity/verify')).text).toContain('今日剩余核验次数：3')
    await verify(a, '张三')
    expect(await checks(applicant.id)).toHaveLength(4)
  })

  it('counts attempts atomically: 6 parallel submissions make exactly 3 checks', async () => {
    const { a, applicant } = await signIn()
    const token = csrfFrom((await a.get('/identity/verify')).text)
    await Promise.all(
      Array.from({ length: 6 }, () =>
        a.post('/identity/verify').type('form').send({ name: '张三', _csrf: token }),
      ),
    )
    expect(await checks(applicant.id)).toHaveLength(3)
  })

  it('keeps the old name when verification with a new name fails, and says so', async () => {
    const { a, applicant } = await signIn({ identity_status: 'verified' }, '张三')
    await verify(a, '张三丰')
    const page = await a.get('/identity/verify')
    expect(page.text).toContain(
      '实名认证失败，信息更新未成功。您仍可正常办理业务，如确需修改，可参照页面右侧说明开通网证，再进行实名认证。',
    )
    const row = await applicantRow(applicant.id)
    expect(row.name).toBe('张三')
    // A later failure never lowers a pass.
    expect(row.identity_status).toBe('verified')
    expect(page.text).toContain('value="张三"')
  })

  it('tells an applicant not yet verified that a failed name change left the name as it was', async () => {
    const { a, applicant } = await signIn({}, '张三')
    await verify(a, '张三丰')
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('实名认证失败，信息更新未成功，姓名未修改。')
    expect(await applicantRow(applicant.id)).toMatchObject({ name: '张三', identity_status: 'unverified' })
  })

  it('stores a new name only when verification with it passes', async () => {
    const { a, applicant } = await signIn({}, '张三丰')
    await verify(a, ' 张三丰 ')
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('实名核验成功，姓名已修改。')
    expect(page.text).toContain('张三丰您好')
    expect(await applicantRow(applicant.id)).toMatchObject({ name: '张三丰', identity_status: 'verified' })
    const audit = await t.db('audit_log').where({ action: 'identity.verify', actor_id: applicant.id }).first()
    expect(audit.detail).toEqual({ passed: true, nameChanged: true })
  })

  it('refuses a name that breaks the rule beside the field, without using an attempt', async () => {
    const { a, applicant } = await signIn()
    const res = await verify(a, '张三123')
    expect(res.headers.location).toBe('/identity/verify')
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('<a href="#name">姓名只能包含汉字、英文字母、空格和间隔号“·”</a>')
    expect(page.text).toContain('value="张三123"')
    expect(await checks(applicant.id)).toHaveLength(0)
  })

  it('while a manual review is pending, shows no form and refuses a crafted POST (no check, no name change)', async () => {
    const { a, applicant } = await signIn({}, '王五')
    await insertReview(t.db, applicant, { status: 'pending', submittedAt: t.clock.now() })
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('待人工审核期间，您不可修改所提交信息，也不可进行实名核验。')
    expect(page.text).not.toContain('action="/identity/verify"')
    const res = await a
      .post('/identity/verify')
      .type('form')
      .send({ name: '王五', _csrf: csrfFrom(page.text) })
    expect(res.status).toBe(303)
    expect((await a.get('/identity/verify')).text).toContain('您的人工审核申请正在审核中。')
    expect(await checks(applicant.id)).toHaveLength(0)
    expect(await applicantRow(applicant.id)).toMatchObject({
      name: '张三',
      identity_status: 'manual_pending',
    })
  })

  it('gives the attempt back when the verifier does not answer', async () => {
    const { a, applicant } = await signIn()
    verifierDown = true
    await verify(a, '张三')
    const page = await a.get('/identity/verify')
    expect(page.text).toContain('实名核验服务暂时无法使用，本次不计入核验次数，请稍后再试。')
    expect(page.text).toContain('今日剩余核验次数：3')
    expect(await checks(applicant.id)).toHaveLength(0)
  })
})

describe('实名核验 per-IP rate limit', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: { rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 10_000, verifyPerIpPerHour: 2 } },
    })
  })
  afterAll(() => t.close())

  it('refuses verification from one address beyond the hourly limit', async () => {
    const applicant = await createApplicant(t.db, { identity_status: 'unverified' })
    const a = agent(t.app)
    await loginAs(a, applicant)
    for (let i = 0; i < 3; i++) await submitForm(a, '/identity/verify', { name: '张三' })
    expect((await a.get('/identity/verify')).text).toContain('操作过于频繁，请稍后再试。')
    expect(await t.db('identity_checks').where({ applicant_id: applicant.id })).toHaveLength(2)
  })
})
