import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'puppeteer'
import { type TestApp } from '../helpers/app'
import {
  describeInBrowser,
  inspect as inspectPage,
  mainText,
  newPage,
  pathOf,
  startBrowserApp,
  type BrowserApp,
  type PageElement,
} from '../helpers/browser'
import {
  NANNING,
  certificationApplicant,
  certifyingAuthority,
  commitmentScan,
  goodInformation,
} from '../helpers/certificationFactories'
import { portrait } from '../fixtures/images'

// 教师资格认定 walked in headless Chromium with JavaScript OFF at 1024×768 against the real bureau
// tables: every step by native form posts (the 更新选项 buttons of the cascades, the ID photo's
// preview, the 个人承诺书's two corner clicks on the scan, 添加一行 of the CV), 同意 → 申报提醒 with the
// 报名号. Each page must fit 1024 px with no serious/critical axe-core finding; screenshots go to
// screenshots/certification-walk-*.png for a person to look at.

declare const document: { querySelectorAll(selector: string): Iterable<PageElement> }

const BASE = '/certification/apply'
const inspect = (page: Page, name: string) => inspectPage(page, `certification-walk-${name}`)

describeInBrowser('certification wizard in a browser without JavaScript', () => {
  let app: BrowserApp
  let t: TestApp
  let base: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let photo: string
  let scan: string
  const applicant = { docNumber: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp()
    ;({ t, base, browser } = app)
    t.clock.set('2026-09-15T02:00:00Z')
    const who = await certificationApplicant(t.db)
    Object.assign(applicant, { docNumber: who.applicant.doc_number, password: who.applicant.password })
    await certifyingAuthority(t.db, { name: '南宁市青秀区教育局' })

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-certification-'))
    photo = path.join(dir, 'me.jpg')
    fs.writeFileSync(photo, await portrait({ width: 600, height: 800, background: '#ffffff', grain: true }))
    scan = path.join(dir, 'scan.jpg')
    fs.writeFileSync(scan, await commitmentScan())

    context = await browser.createBrowserContext()
    page = await newPage(context)
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await app?.close()
  })

  const here = () => pathOf(page)
  const text = () => mainText(page)

  async function open(url: string) {
    const res = await page.goto(base + url, { waitUntil: 'load' })
    expect([200, 304]).toContain(res?.status())
  }
  async function press(selector: string, offset?: { x: number; y: number }) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector, { offset })])
  }
  const next = () => press('main form > .button-row > button:not([name])')
  const pressNamed = (value: string) => press(`main form button[name="_action"][value="${value}"]`)
  async function choose(id: string) {
    await page.click(`#${id}`)
    await page.waitForFunction(
      (sel: string) =>
        Array.from(document.querySelectorAll(sel)).some((el) => (el as unknown as PageElement).checked),
      {},
      `#${id}`,
    )
  }
  async function type(id: string, value: string) {
    await page.$eval(`#${id}`, (el) => ((el as unknown as PageElement).value = ''))
    if (value) await page.type(`#${id}`, value)
  }
  async function attach(id: string, file: string) {
    const input = await page.$(`input[type="file"]#${id}`)
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(file)
  }
  async function expectStep(step: string) {
    if (here() !== `${BASE}/${step}`)
      throw new Error(
        `expected ${BASE}/${step}, at ${here()}: ${(await text()).replace(/\s+/g, ' ').slice(0, 400)}`,
      )
  }

  it('signs in and reads the agreement', async () => {
    await app.login(page, applicant)
    await open('/certification/start')
    await expectStep('agreement')
    expect(await text()).toContain('请注意，所有环节均完成，生成报名号之后方为报名成功!')
    expect(await inspect(page, '01-agreement')).toEqual([])
    await choose('agree')
    await next()
    await expectStep('conditions')
  }, 60_000)

  it('身份与条件: the branches open with 更新选项', async () => {
    expect(await inspect(page, '02-conditions')).toEqual([])
    await choose('examRoute')
    await choose('freshGraduate')
    await pressNamed('refresh')
    await expectStep('conditions')
    await choose('examPass-1')
    await choose('mandarin-1')
    await choose('education-1')
    await choose('degree-1')
    expect(await inspect(page, '03-conditions-open')).toEqual([])
    await next()
    await expectStep('authority')
  }, 60_000)

  it('认定机构: the cascade without JavaScript', async () => {
    expect(await inspect(page, '04-authority')).toEqual([])
    await page.select('#provinceCode', NANNING.province)
    await pressNamed('refresh')
    await page.select('#cityCode', NANNING.city)
    await pressNamed('refresh')
    await expectStep('authority')
    expect(await text()).toContain('网报开始时间')
    expect(await inspect(page, '05-authority-points')).toEqual([])
    await next()
    await expectStep('information')
  }, 60_000)

  it('认定信息 and the ID photo (preview, normalised)', async () => {
    expect(await inspect(page, '06-information')).toEqual([])
    for (const [name, value] of Object.entries(goodInformation())) {
      const tag = await page.$eval(`#${name}`, (el) => (el as unknown as PageElement).tagName.toLowerCase())
      if (tag === 'select') await page.select(`#${name}`, value)
      else await type(name, value)
    }
    await attach('photo', photo)
    await pressNamed('preview')
    await expectStep('information')
    expect(await page.$eval('#photo-preview figcaption', (f) => f.textContent ?? '')).toMatch(/\d+×\d+像素/)
    expect(await page.$eval('#employer', (el) => (el as unknown as PageElement).value)).toBe(
      goodInformation().employer,
    )
    expect(await inspect(page, '07-information-photo')).toEqual([])
    await next()
    await expectStep('commitment-scan')
  }, 60_000)

  it('个人承诺书: upload, then the dashed box by two corner clicks', async () => {
    expect(await inspect(page, '08-commitment')).toEqual([])
    await attach('commitment', scan)
    await pressNamed('preview')
    await expectStep('commitment-scan')
    expect(await inspect(page, '09-commitment-scan')).toEqual([])
    await press('input[type="image"]#corner', { x: 50, y: 40 })
    expect(await text()).toContain('已选择第一个角')
    await press('input[type="image"]#corner', { x: 500, y: 390 })
    expect(await text()).toContain('裁剪后的图片')
    expect(await inspect(page, '10-commitment-cropped')).toEqual([])
    await next()
    await expectStep('collection')
  }, 60_000)

  it('证书领取方式 and 个人简历 with 添加一行', async () => {
    expect(await inspect(page, '11-collection')).toEqual([])
    await choose('collection')
    await next()
    await expectStep('resume')
    await type('rowStart-0', '2014-09')
    await type('rowEnd-0', '2018-06')
    await type('rowUnit-0', '广西师范大学')
    await type('rowPost-0', '学生')
    await type('rowReferee-0', '李老师')
    await pressNamed('addRow')
    await expectStep('resume')
    await type('rowStart-1', '2018-07')
    await type('rowEnd-1', '2026-08')
    await type('rowUnit-1', '南宁市青秀区滨湖路小学')
    await type('rowPost-1', '教师')
    await type('rowReferee-1', '王校长')
    expect(await inspect(page, '12-resume')).toEqual([])
    await next()
    await expectStep('review')
  }, 60_000)

  it('确认信息, 注意事项, 同意 → 申报提醒 with the 报名号', async () => {
    const review = await text()
    for (const s of ['小学教师资格', '南宁市青秀区教育局', '王校长', '现场领取']) expect(review).toContain(s)
    expect(await inspect(page, '13-review')).toEqual([])
    await next()
    await expectStep('notices')
    expect(await inspect(page, '14-notices')).toEqual([])
    await next()
    await expectStep('commitment')
    expect(await inspect(page, '15-commitment')).toEqual([])
    await page.click('#consent')
    await next()
    expect(here()).toMatch(/^\/certification\/records\/\d+\/reminder$/)
    const row = await t.db('certification_applications').first()
    expect(await text()).toContain(row.number)
    expect(await inspect(page, '16-reminder')).toEqual([])
  }, 60_000)
})
