import type { Browser, Page } from 'puppeteer'
import { type TestApp } from '../helpers/app'
import {
  describeInBrowser,
  inspect,
  newPage as newTab,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser'
import { createStaff } from '../helpers/factories'
import { fakeBureau, swappable } from '../helpers/registrationFactories'
import { applicantWithRegistration, bureauRows, twoAuthorities } from '../routes/registrationRecordsSupport'

// 我的注册, its 详情, the staff queue and the staff detail in headless Chromium with JavaScript OFF
// at 1024×768: each answers 200, fits the width, has no serious/critical axe-core findings, and is
// saved to screenshots/ for a person to look at.

describeInBrowser('registration records and staff console in a browser without JavaScript', () => {
  let app: BrowserApp
  let t: TestApp
  let browser: Browser
  const bureau = swappable(fakeBureau([]))
  let registrationId = 0
  let applicant = { doc_number: '', password: '' }
  let clerk = { username: '', password: '' }
  let pending: Awaited<ReturnType<typeof applicantWithRegistration>>

  beforeAll(async () => {
    app = await startBrowserApp({ bureau: { registration: bureau.port } })
    ;({ t, browser } = app)
    t.clock.set('2026-09-15T02:00:00Z')
    bureau.use(fakeBureau(twoAuthorities()))
    await bureauRows(t, twoAuthorities())
    const made = await applicantWithRegistration(t, { status: 'confirmation_failed', name: '薛明' })
    await t
      .db('registrations')
      .where({ id: made.registration.id })
      .update({ missing_materials: ['身份证原件', '聘用合同或劳动合同'] })
    await t.db('registration_messages').insert({
      registration_id: made.registration.id,
      body: '请携带聘用合同原件到确认点补齐材料。',
      created_at: new Date('2026-09-14T02:00:00Z'),
    })
    registrationId = made.registration.id
    applicant = made.applicant
    pending = await applicantWithRegistration(t, { name: '王小明' })
    clerk = await createStaff(t.db, [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: 32 }], {
      name: '李确认',
    })
  }, 120_000)

  afterAll(async () => {
    await app?.close()
  })

  const newPage = async () => newTab(await browser.createBrowserContext())

  async function check(page: Page, url: string, name: string, expected: string[]) {
    await app.open(page, url)
    const text = await page.content()
    for (const e of expected) expect(text).toContain(e)
    expect(await inspect(page, name)).toEqual([])
  }

  it('我的注册 and 详情', async () => {
    const page = await newPage()
    await app.login(page, { docNumber: applicant.doc_number, password: applicant.password })
    await check(page, '/registration/records', 'registration-records', ['我的注册', '确认未通过', '有留言'])
    await check(page, `/registration/records/${registrationId}`, 'registration-record-detail', [
      '经审核材料不全，请向确认机构提交补齐',
      '身份证原件',
    ])
    await check(page, `/registration/records/${registrationId}/messages`, 'registration-record-messages', [
      '请携带聘用合同原件',
    ])
  }, 60_000)

  it('修改 (网报待确认): the information fields and the optional new photo', async () => {
    const page = await newPage()
    await app.login(page, { docNumber: pending.applicant.doc_number, password: pending.applicant.password })
    await check(page, `/registration/records/${pending.registration.id}/edit`, 'registration-record-edit', [
      '修改报名信息',
      '更换证件照（不更换可不选择文件）',
      '上传并预览照片',
    ])
  }, 60_000)

  it('the point’s queue and detail', async () => {
    const page = await newPage()
    await app.login(page, clerk)
    await check(page, '/staff/registrations', 'registration-staff-queue', ['定期注册申请', '王小明', '薛明'])
    await check(page, `/staff/registrations/${registrationId}`, 'registration-staff-detail', [
      '材料已补齐',
      '退回修改',
      '发送留言',
    ])
  }, 60_000)
})
