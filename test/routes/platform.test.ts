import { applicantWithRegistration, bureauRows, twoAuthorities } from './registrationRecordsSupport'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent } from '../helpers/http'
import { createApplicant } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { BUSINESSES } from '../../src/modules/platform/businesses'
import { makeAuthority, makeWindow } from '../helpers/bureauFactories'

describe('business platform (业务平台)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: { rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 20, verifyPerIpPerHour: 30 } },
    })
  })
  afterAll(() => t.close())

  it('asks for a login first', async () => {
    const res = await agent(t.app).get('/platform')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
  })

  it('lists both businesses with 须知 and 报名, and both record tables empty', async () => {
    // 定期注册's 报名 opens only while some authority's window is (registration-season.test.ts)
    const open = await makeAuthority(t.db)
    await makeWindow(t.db, open, 'registration', '2026-09-01T00:00:00Z', '2026-10-31T16:00:00Z')
    const a = agent(t.app)
    await loginAs(a, await createApplicant(t.db))
    const page = await a.get('/platform')
    expect(page.status).toBe(200)
    expect(page.text).toContain('业务办理区域')
    for (const [key, name] of [
      ['certification', '教师资格认定'],
      ['registration', '中小学在职教师定期注册'],
    ]) {
      expect(page.text).toContain(`<h3 id="business-${key}">${name}</h3>`)
    }
    // 认定 has its own 认定须知 page; 定期注册's 须知 is the platform's.
    expect(page.text).toContain('href="/certification/notice">须知')
    expect(page.text).toContain('href="/platform/registration/notice">须知')
    expect(page.text).toContain('href="/certification/start"')
    expect(page.text).toContain('href="/registration/start"')
    expect(page.text).not.toContain('aria-disabled="true">报名')

    expect(page.text).toContain('<caption class="table-caption">教师资格认定信息</caption>')
    expect(page.text).toContain('<caption class="table-caption">中小学在职教师定期注册信息</caption>')
    for (const column of ['报名号', '申请资格种类', '任教学科', '认定机构', '认定状态', '证书号码', '操作'])
      expect(page.text).toContain(`<th scope="col">${column}</th>`)
    for (const column of ['注册报名号', '现任教学段', '现任教学科', '注册结论', '注册机构'])
      expect(page.text).toContain(`<th scope="col">${column}</th>`)
    expect(page.text.match(/<td colspan="7">暂无记录<\/td>/g)).toHaveLength(2)
  })

  it('shows each business notice on its own page', async () => {
    const a = agent(t.app)
    await loginAs(a, await createApplicant(t.db))
    const notice = await a.get('/platform/registration/notice')
    expect(notice.status).toBe(200)
    expect(notice.text).toContain('<h1>教师资格定期注册申请人必读</h1>')
    const own = await a.get('/platform/certification/notice')
    expect(own.status).toBe(303)
    expect(own.headers.location).toBe('/certification/notice')
    expect((await a.get('/platform/nothing/notice')).status).toBe(404)
  })

  describe('once a business module is available', () => {
    const certification = BUSINESSES.find((b) => b.key === 'certification')!
    const saved = { ...certification }
    beforeAll(() => {
      certification.available = true
      certification.applyUrl = '/certification/apply'
      certification.loadRecords = async (_services, applicantId) => [
        {
          cells: ['2026450100001', '高级中学教师资格', '数学', '某区教育局', '网报待确认', ''],
          actions: [{ text: '查看', href: `/x/${applicantId}` }],
        },
      ]
    })
    afterAll(() => {
      Object.assign(certification, saved)
      if (!saved.loadRecords) delete certification.loadRecords
    })

    it('sends an unverified applicant from 报名 to real-name verification', async () => {
      const a = agent(t.app)
      await loginAs(a, await createApplicant(t.db, { identity_status: 'unverified' }))
      const page = await a.get('/platform')
      expect(page.text).toContain('<a class="button" href="/identity/verify">报名')
      expect(page.text).toContain('您尚未通过实名核验')
    })

    it('sends a verified applicant to the business and lists their records', async () => {
      // (the platform asks the businesses for records only once the applicant has an application)
      await bureauRows(t, twoAuthorities())
      const { applicant, registration } = await applicantWithRegistration(t)
      await t.db('applicants').where({ id: applicant.id }).update({ identity_status: 'manual_approved' })
      const a = agent(t.app)
      await loginAs(a, applicant)
      const page = await a.get('/platform')
      expect(page.text).toContain('<a class="button" href="/certification/apply">报名')
      expect(page.text).not.toContain('您尚未通过实名核验')
      expect(page.text).toContain('<td>2026450100001</td>')
      expect(page.text).toContain(`<a href="/x/${applicant.id}">查看</a>`)
      expect(page.text).toContain(registration.number)
      expect(page.text).not.toContain('暂无记录')
    })
  })
})
