import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import type { Browser, BrowserContext, Page } from 'puppeteer'
import { type TestApp } from '../helpers/app'
import {
  describeInBrowser,
  fill,
  inspect,
  newPage,
  startBrowserApp,
  submit,
  type BrowserApp,
  type PageElement,
} from '../helpers/browser'
import { createApplicant, createStaff } from '../helpers/factories'
import {
  certificateNumber,
  infoItem,
  registryCertificateRow,
  registryEducationRow,
  registryExamPassRow,
  registryMandarinRow,
  registryStudentStatusRow,
  registrationAtPoint,
} from '../helpers/infoFactories'
import { syncCertificates } from '../../src/modules/info/service'

// The information centre's pages (and the staff 信息核验 screens) in headless Chromium with JavaScript OFF, as the applicants' old browsers have it, at
// 1024×768. Each page must answer 200, fit 1024 px without a horizontal scroll bar, and have no
// 'serious' or 'critical' axe-core findings. Screenshots go to screenshots/ for a person to look at.

describeInBrowser('个人信息中心 in a browser without JavaScript (axe-core, 1024×768, screenshots)', () => {
  let app: BrowserApp
  let t: TestApp
  let browser: Browser
  let scanPath: string
  const applicant = { docNumber: '', password: '' }
  const staff = { username: '', password: '' }
  let pendingId = 0
  let mandarinId = 0

  beforeAll(async () => {
    app = await startBrowserApp()
    ;({ t, browser } = app)

    const a = await createApplicant(t.db, { name: '李明' })
    Object.assign(applicant, { docNumber: a.doc_number, password: a.password })
    await registryExamPassRow(t.db, a)
    await registrationAtPoint(t.db, a.id, 1)
    await registryStudentStatusRow(t.db, a)
    const verified = await registryMandarinRow(t.db, a)
    await t.db('info_items').insert({
      applicant_id: a.id,
      kind: 'mandarin',
      source: 'registry',
      cert_number: verified.cert_number,
      details: JSON.stringify({
        score: '88.5',
        grade: '二级甲等',
        issuer: verified.issuer,
        issuedOn: '2019-06-20',
      }),
      status: 'verified',
      created_at: new Date('2026-09-01T00:00:00Z'),
      updated_at: new Date('2026-09-01T00:00:00Z'),
    })
    mandarinId = (await infoItem(t.db, a.id, 'mandarin', { status: 'rejected', reason: '扫描件不清晰' })).id
    pendingId = (await infoItem(t.db, a.id, 'education', { category: 'foreign' })).id
    await infoItem(t.db, a.id, 'degree')
    await registryEducationRow(t.db, a)
    await registryCertificateRow(t.db, a, { cert_number: certificateNumber(2012), issued_on: '2012-07-01' }, [
      { registered_on: '2017-11-01', result: '注册合格', authority: '江门市台山市教育局' },
      { registered_on: '2022-11-01', result: '注册合格', authority: '江门市台山市教育局' },
    ])
    await syncCertificates(t.services, { id: a.id, name: a.name, doc_number: a.doc_number })
    const s = await createStaff(t.db, [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: 1 }], {
      name: '确认点工作人员',
    })
    Object.assign(staff, { username: s.username, password: s.password })

    scanPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-browser-')), 'scan.jpg')
    await sharp({ create: { width: 1200, height: 850, channels: 3, background: '#f1e7c8' } })
      .jpeg({ quality: 80 })
      .toFile(scanPath)
  }, 120_000)

  afterAll(() => app?.close())

  const open = (page: Page, url: string) => app.open(page, url)
  const expectClean = (problems: string[]) => expect(problems).toEqual([])

  describe('the applicant', () => {
    let context: BrowserContext
    let page: Page
    beforeAll(async () => {
      context = await browser.createBrowserContext()
      page = await newPage(context)
      await app.login(page, applicant)
    })
    afterAll(() => context.close())

    it.each([
      ['info-01-home', '/info'],
      ['info-02-exams', '/info/exams'],
      ['info-03-mandarin', '/info/mandarin'],
      ['info-04-mandarin-verify', '/info/mandarin/verify'],
      ['info-05-mandarin-new', '/info/mandarin/new'],
      ['info-07-education', '/info/education'],
      ['info-08-education-verify', '/info/education/verify'],
      ['info-09-education-foreign', '/info/education/new?category=foreign'],
      ['info-10-degrees', '/info/degrees'],
      ['info-11-degree-new', '/info/degrees/new'],
      ['info-12-certificates', '/info/certificates'],
    ])('%s (%s)', async (name, url) => {
      await open(page, url)
      expectClean(await inspect(page, name))
    })

    it('info-06: an item with 核验不通过 shows its reason; its edit page keeps the scan', async () => {
      await open(page, `/info/mandarin/${mandarinId}`)
      expect(await page.$eval('main', (m) => (m as unknown as PageElement).textContent)).toContain(
        '扫描件不清晰',
      )
      expectClean(await inspect(page, 'info-06-mandarin-item'))
      await open(page, `/info/mandarin/${mandarinId}/edit`)
      expectClean(await inspect(page, 'info-06-mandarin-edit'))
    })

    it('info-13: 录入证书 with a wrong score shows the summary and the message beside the field, the scan previewed', async () => {
      await open(page, '/info/mandarin/new')
      await fill(page, {
        certNumber: 'GX2020001',
        score: '85.55',
        issuer: '广西语委',
        issuedOn: '2020-05-01',
      })
      const input = await page.$('#scan')
      await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(scanPath)
      await submit(page, 'form .button-row button.button:not(.button-secondary)')
      expect(await page.$('.error-summary')).not.toBeNull()
      expect(await page.$('#scan-preview')).not.toBeNull()
      expectClean(await inspect(page, 'info-13-mandarin-errors'))
      await fill(page, { score: '87' })
      await submit(page, 'form .button-row button.button:not(.button-secondary)')
      expect(new URL(page.url()).pathname).toBe('/info/mandarin')
      expect(await page.$eval('main', (m) => (m as unknown as PageElement).textContent)).toContain('二级甲等')
      expectClean(await inspect(page, 'info-14-mandarin-saved'))
    })
  })

  describe('confirmation-point staff', () => {
    let context: BrowserContext
    let page: Page
    beforeAll(async () => {
      context = await browser.createBrowserContext()
      page = await newPage(context)
      await app.login(page, staff)
    })
    afterAll(() => context.close())

    it('info-20: the 信息核验 queue and an item with its scan', async () => {
      await open(page, '/staff/info-reviews')
      expectClean(await inspect(page, 'info-20-staff-queue'))
      await open(page, `/staff/info-reviews/${pendingId}`)
      expectClean(await inspect(page, 'info-21-staff-item'))
      await submit(page, 'form[action^="/staff/info-reviews/"] button[type="submit"]')
      expect(await page.$('.error-summary')).not.toBeNull()
      expectClean(await inspect(page, 'info-22-staff-item-errors'))
    })
  })
})
