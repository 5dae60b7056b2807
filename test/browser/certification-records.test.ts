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
import { applicantWithApplication, certifyingBureau } from '../routes/certificationRecordsSupport'

// 教师资格认定信息, its 详情 and 修改, the staff queue and the staff detail (point clerk and authority
// approver) in headless Chromium with JavaScript OFF at 1024×768: each answers 200, fits the width,
// has no serious/critical axe-core findings, and is saved to screenshots/ for a person to look at.

describeInBrowser('certification records and staff console in a browser without JavaScript', () => {
  let app: BrowserApp
  let t: TestApp
  let browser: Browser
  let failed: Awaited<ReturnType<typeof applicantWithApplication>>
  let pending: Awaited<ReturnType<typeof applicantWithApplication>>
  let review: Awaited<ReturnType<typeof applicantWithApplication>>
  let clerk = { username: '', password: '' }
  let approver = { username: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp()
    ;({ t, browser } = app)
    t.clock.set('2026-09-15T02:00:00Z')
    const bureau = await certifyingBureau(t)
    failed = await applicantWithApplication(t, bureau, { status: 'confirmation_failed', name: '覃丽' })
    await t
      .db('certification_applications')
      .where({ id: failed.application.id })
      .update({ missing_materials: ['身份证原件', '体检合格证明'] })
    await t.db('certification_messages').insert({
      application_id: failed.application.id,
      body: '请携带体检合格证明到确认点补齐材料。',
      created_at: new Date('2026-09-14T02:00:00Z'),
    })
    pending = await applicantWithApplication(t, bureau, { name: '王小明' })
    review = await applicantWithApplication(t, bureau, { status: 'awaiting_review', name: '黄待审' })
    clerk = await createStaff(
      t.db,
      [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: bureau.pointId }],
      {
        name: '李确认',
      },
    )
    approver = await createStaff(
      t.db,
      [{ role: 'certification_approver', scope_type: 'authority', scope_id: bureau.authorityId }],
      { name: '陈审批' },
    )
  }, 120_000)

  afterAll(async () => {
    await app?.close()
  })

  const newPage = async () => newTab(await browser.createBrowserContext())

  async function check(page: Page, url: string, name: string, expected: string[]) {
    await app.open(page, url)
    const text = await page.content()
    for (const e of expected) expect([e, text.includes(e)]).toEqual([e, true])
    expect(await inspect(page, name)).toEqual([])
  }

  it('教师资格认定信息, 详情 and 有留言', async () => {
    const page = await newPage()
    await app.login(page, { docNumber: failed.applicant.doc_number, password: failed.applicant.password })
    await check(page, '/certification/records', 'certification-records', [
      '教师资格认定信息',
      failed.application.number,
      '确认未通过',
      '有留言（1条未读）',
    ])
    await check(page, `/certification/records/${failed.application.id}`, 'certification-record-detail', [
      '体检合格证明',
      '个人简历',
      '代课教师',
      '办理记录',
    ])
    await check(
      page,
      `/certification/records/${failed.application.id}/messages`,
      'certification-record-messages',
      ['请携带体检合格证明'],
    )
  }, 60_000)

  it('修改 (网报待确认)', async () => {
    const page = await newPage()
    await app.login(page, { docNumber: pending.applicant.doc_number, password: pending.applicant.password })
    await check(page, `/certification/records/${pending.application.id}/edit`, 'certification-record-edit', [
      '修改报名信息',
      '工作单位',
    ])
  }, 60_000)

  it('the point’s queue and detail', async () => {
    const page = await newPage()
    await app.login(page, clerk)
    await check(page, '/staff/certifications', 'certification-staff-queue', [
      '教师资格认定申请',
      '王小明',
      '覃丽',
    ])
    await check(page, `/staff/certifications/${failed.application.id}`, 'certification-staff-detail', [
      '材料已补齐',
      '退回修改',
      '发送留言',
    ])
  }, 60_000)

  it('the authority’s queue and 认定 in the browser (no JavaScript): 认定通过 shows the certificate number', async () => {
    const page = await newPage()
    await app.login(page, approver)
    await check(page, '/staff/certifications', 'certification-approver-queue', ['黄待审'])
    await check(page, `/staff/certifications/${review.application.id}`, 'certification-approver-detail', [
      '认定通过',
      '认定不通过',
      '不通过原因',
    ])
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('form[action$="/transition"]:has(input[value="approve"]) button[type="submit"]'),
    ])
    const text = await page.content()
    const row = await t.db('certification_applications').where({ id: review.application.id }).first()
    expect(row.certificate_number).toMatch(/^\d{17}$/)
    expect(text).toContain(row.certificate_number)
    expect(await inspect(page, 'certification-approver-approved')).toEqual([])
  }, 60_000)
})
