import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { Browser, Page } from 'puppeteer'
import { findChromium, launchChromium } from '../../src/services/browser'
import { appWithAllRoutes, TEST_CAPTCHA, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { fakeBureau } from '../helpers/registrationFactories'
import { bureau, type BureauPort } from '../../src/modules/registration/bureau'
import { applicantWithRegistration, bureauRows, twoAuthorities } from '../routes/registrationRecordsSupport'

// 我的注册, its 详情, the staff queue and the staff detail in headless Chromium with JavaScript OFF
// at 1024×768: each answers 200, fits the width, has no serious/critical axe-core findings, and is
// saved to screenshots/ for a person to look at.

declare const document: { documentElement: { scrollWidth: number } }
declare const window: {
  axe: {
    run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>
  }
}

const chromium = findChromium()
const describeInBrowser = chromium ? describe : describe.skip
const SCREENSHOTS = path.resolve(__dirname, '../../screenshots')
const AXE = chromium ? fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : ''

describeInBrowser('registration records and staff console in a browser without JavaScript', () => {
  let t: TestApp
  let server: http.Server
  let base: string
  let browser: Browser
  const original: BureauPort = bureau.port
  let registrationId = 0
  let applicant = { doc_number: '', password: '' }
  let clerk = { username: '', password: '' }

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    t = await appWithAllRoutes()
    t.clock.set('2026-09-15T02:00:00Z')
    bureau.port = fakeBureau(twoAuthorities())
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
    await applicantWithRegistration(t, { name: '王小明' })
    clerk = await createStaff(t.db, [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: 32 }], {
      name: '李确认',
    })
    server = http.createServer(t.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    browser = await launchChromium({ executablePath: chromium })
  }, 120_000)

  afterAll(async () => {
    bureau.port = original
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
    await t?.close()
  })

  async function newPage(): Promise<Page> {
    const context = await browser.createBrowserContext()
    const page = await context.newPage()
    await page.setJavaScriptEnabled(false)
    await page.setViewport({ width: 1024, height: 768 })
    return page
  }

  async function login(page: Page, url: string, fields: Record<string, string>) {
    await page.goto(base + url, { waitUntil: 'load' })
    for (const [id, value] of Object.entries({ ...fields, captcha: TEST_CAPTCHA }))
      await page.type(`#${id}`, value)
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click(`form[action="${url}"] button[type="submit"]`),
    ])
    expect(new URL(page.url()).pathname).not.toBe(url)
  }

  async function check(page: Page, url: string, name: string, expected: string[]) {
    const res = await page.goto(base + url, { waitUntil: 'load' })
    expect([url, res?.status()]).toEqual([url, 200])
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
    const text = await page.content()
    for (const e of expected) expect(text).toContain(e)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024)
    await page.setJavaScriptEnabled(true)
    await page.evaluate(AXE)
    const violations = await page.evaluate(async () => (await window.axe.run()).violations)
    await page.setJavaScriptEnabled(false)
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([])
  }

  it('我的注册 and 详情', async () => {
    const page = await newPage()
    await login(page, '/login', { docNumber: applicant.doc_number, password: applicant.password })
    await check(page, '/registration/records', 'registration-records', ['我的注册', '确认未通过', '有留言'])
    await check(page, `/registration/records/${registrationId}`, 'registration-record-detail', [
      '经审核材料不全，请向确认机构提交补齐',
      '身份证原件',
    ])
    await check(page, `/registration/records/${registrationId}/messages`, 'registration-record-messages', [
      '请携带聘用合同原件',
    ])
  }, 60_000)

  it('the point’s queue and detail', async () => {
    const page = await newPage()
    await login(page, '/staff/login', { username: clerk.username, password: clerk.password })
    await check(page, '/staff/registrations', 'registration-staff-queue', ['定期注册申请', '王小明', '薛明'])
    await check(page, `/staff/registrations/${registrationId}`, 'registration-staff-detail', [
      '材料已补齐',
      '退回修改',
      '发送留言',
    ])
  }, 60_000)
})
