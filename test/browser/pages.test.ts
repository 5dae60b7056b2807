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
  SCREENSHOTS,
  startBrowserApp,
  submit,
  type BrowserApp,
  type PageElement,
} from '../helpers/browser'
import { createApplicant, createStaff } from '../helpers/factories'

declare const document: { querySelectorAll(selector: string): Iterable<PageElement> }

// Every page in headless Chromium with JavaScript OFF, as the applicants' old browsers have it, at
// 1024×768. Each page must answer 200, fit 1024 px without a horizontal scroll bar, and have no
// 'serious' or 'critical' axe-core findings. Screenshots go to screenshots/ for a person to look at.

describeInBrowser('pages in a browser without JavaScript (axe-core, 1024×768, screenshots)', () => {
  let app: BrowserApp
  let t: TestApp
  let base: string
  let browser: Browser
  let photo: string
  const applicant = { docNumber: '', password: '' }
  const unverified = { docNumber: '', password: '' }
  const incomplete = { docNumber: '', password: '' }
  const staff = { username: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp()
    ;({ t, base, browser } = app)

    const a = await createApplicant(t.db, { name: '李明' })
    Object.assign(applicant, { docNumber: a.doc_number, password: a.password })
    const u = await createApplicant(t.db, { name: '王芳', identity_status: 'unverified' })
    Object.assign(unverified, { docNumber: u.doc_number, password: u.password })
    const i = await createApplicant(t.db, {
      name: '黄志强',
      doc_type: 'hk_macau_pass',
      doc_number: 'H12345678',
      identity_status: 'unverified',
      ethnicity: null,
      profile_completed_at: null,
    })
    Object.assign(incomplete, { docNumber: i.doc_number, password: i.password })
    const s = await createStaff(t.db, [{ role: 'admin' }, { role: 'identity_reviewer' }], { name: '张管理' })
    Object.assign(staff, { username: s.username, password: s.password })

    photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-browser-')), 'photo.jpg')
    await sharp({ create: { width: 480, height: 640, channels: 3, background: '#d8e0ea' } })
      .jpeg({ quality: 80 })
      .toFile(photo)
  }, 120_000)

  afterAll(() => app?.close())

  const open = (page: Page, url: string) => app.open(page, url)
  const applicantLogin = (page: Page, who: { docNumber: string; password: string }) => app.login(page, who)
  const expectClean = (problems: string[]) => expect(problems).toEqual([])

  describe('public pages', () => {
    let context: BrowserContext
    let page: Page
    beforeAll(async () => {
      context = await browser.createBrowserContext()
      page = await newPage(context)
    })
    afterAll(() => context.close())

    it.each([
      ['01-home', '/'],
      ['02-login', '/login'],
      ['03-register', '/register'],
      ['04-register-agreement', '/register/agreement'],
      ['05-forgot-password', '/forgot-password'],
      ['06-help', '/help'],
      ['07-staff-login', '/staff/login'],
    ])('%s (%s)', async (name, url) => {
      await open(page, url)
      expectClean(await inspect(page, name))
    })

    it('the check itself catches a field without a label and a page wider than the screen', async () => {
      await open(page, '/login')
      await page.setJavaScriptEnabled(true)
      await page.evaluate(() => {
        const main = document.querySelectorAll('main') as unknown as {
          insertAdjacentHTML(where: string, html: string): void
        }[]
        main[0].insertAdjacentHTML('beforeend', '<input type="text"><div style="width:1400px">宽</div>')
      })
      await page.setJavaScriptEnabled(false)
      const problems = await inspect(page, '00-check-the-check')
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^wider than 1024px/),
          expect.stringMatching(/^label /),
        ]),
      )
      fs.rmSync(path.join(SCREENSHOTS, '00-check-the-check.png'))
    })

    it('08-login-errors: an empty login shows the error summary and the messages beside the fields', async () => {
      await open(page, '/login')
      await submit(page, 'form[action="/login"] button[type="submit"]')
      expect(await page.$('.error-summary')).not.toBeNull()
      expectClean(await inspect(page, '08-login-errors'))
    })

    it('09-register-errors: an empty registration shows every message', async () => {
      await open(page, '/register')
      await submit(page, 'form[action="/register"] .button-row button[type="submit"]')
      expect(await page.$('.error-summary')).not.toBeNull()
      expectClean(await inspect(page, '09-register-errors'))
    })

    it('10-not-found: an unknown address shows the Chinese 404 page', async () => {
      const res = await page.goto(`${base}/no-such-page`)
      expect(res?.status()).toBe(404)
      expectClean(await inspect(page, '10-not-found'))
    })
  })

  describe('a verified applicant', () => {
    let context: BrowserContext
    let page: Page
    beforeAll(async () => {
      context = await browser.createBrowserContext()
      page = await newPage(context)
    })
    afterAll(() => context.close())

    it('logs in through the form with the CAPTCHA image and lands on the business platform', async () => {
      await applicantLogin(page, applicant)
      expect(new URL(page.url()).pathname).toBe('/platform')
      expect(await page.$eval('body', (b) => b.textContent)).toMatch(/会话将于 \d\d:\d\d 到期/)
      expectClean(await inspect(page, '20-platform'))
    })

    it.each([
      ['21-account', '/account'],
      ['22-account-password', '/account/password'],
      ['23-account-phone', '/account/phone'],
      ['24-account-email', '/account/email'],
      ['25-identity-verify-verified', '/identity/verify'],
      ['26-platform-notice', '/platform/registration/notice'],
      ['27-certification-notice', '/certification/notice'],
    ])('%s (%s)', async (name, url) => {
      await open(page, url)
      expectClean(await inspect(page, name))
    })
  })

  describe('an applicant whose first login is not yet complete', () => {
    it('30-account-complete: is sent to the completion form', async () => {
      const context = await browser.createBrowserContext()
      try {
        const page = await newPage(context)
        await applicantLogin(page, incomplete)
        expect(new URL(page.url()).pathname).toBe('/account/complete')
        expectClean(await inspect(page, '30-account-complete'))
      } finally {
        await context.close()
      }
    })
  })

  describe('an unverified applicant who fails verification and asks for manual review', () => {
    let context: BrowserContext
    let page: Page
    beforeAll(async () => {
      context = await browser.createBrowserContext()
      page = await newPage(context)
      await applicantLogin(page, unverified)
    })
    afterAll(() => context.close())

    it('40-identity-verify: sees the verification form', async () => {
      await open(page, '/identity/verify')
      expectClean(await inspect(page, '40-identity-verify'))
    })

    it('41-identity-verify-failed: fails (not in the registry) and is offered manual review', async () => {
      await open(page, '/identity/verify')
      await submit(page, 'main form button[type="submit"]')
      expect(await page.$('a[href="/identity/review"]')).not.toBeNull()
      expectClean(await inspect(page, '41-identity-verify-failed'))
    })

    it('42-identity-review: sees the manual review form', async () => {
      await open(page, '/identity/review')
      expect(await page.$('input[type="file"]#photo')).not.toBeNull()
      expectClean(await inspect(page, '42-identity-review'))
    })

    it('43-identity-review-pending: submits a photo and sees the pending review with its deadline', async () => {
      await open(page, '/identity/review')
      await fill(page, { details: '近期换领过身份证。' })
      const input = await page.$('input[type="file"]#photo')
      await input!.uploadFile(photo)
      await submit(page, 'button[name="action"][value="submit"]')
      expect(await page.$eval('main', (m) => m.textContent)).toContain('预计审核完成时间')
      expectClean(await inspect(page, '43-identity-review-pending'))
    })
  })

  describe('staff (administrator and identity reviewer)', () => {
    let context: BrowserContext
    let page: Page
    beforeAll(async () => {
      context = await browser.createBrowserContext()
      page = await newPage(context)
    })
    afterAll(() => context.close())

    it('50-staff-home: logs in at the staff entrance', async () => {
      await app.login(page, staff)
      expect(new URL(page.url()).pathname).toBe('/staff')
      expectClean(await inspect(page, '50-staff-home'))
    })

    it.each([
      ['51-staff-identity-reviews', '/staff/identity-reviews'],
      ['52-staff-identity-registry', '/staff/identity-registry'],
      ['53-staff-admin-staff', '/staff/admin/staff'],
      ['54-staff-admin-staff-new', '/staff/admin/staff/new'],
      ['55-staff-admin-holidays', '/staff/admin/holidays'],
      ['56-staff-admin-settings', '/staff/admin/settings'],
      ['57-staff-audit', '/staff/audit'],
    ])('%s (%s)', async (name, url) => {
      await open(page, url)
      expectClean(await inspect(page, name))
    })

    it('58-staff-identity-review: opens the pending review with its photo', async () => {
      await open(page, '/staff/identity-reviews')
      const href = await page.$eval('main a[href^="/staff/identity-reviews/"]', (a) => a.getAttribute('href'))
      await open(page, href!)
      const photoLoaded = await page.$eval(
        'main img',
        (img) => (img as unknown as PageElement).naturalWidth > 0,
      )
      expect(photoLoaded).toBe(true)
      expectClean(await inspect(page, '58-staff-identity-review'))
    })
  })
})
