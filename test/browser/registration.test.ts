import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, ElementHandle, Page } from 'puppeteer'
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
import { createApplicant } from '../helpers/factories'
import { NANNING, makeAuthority, makePoint, makeSchool, makeWindow } from '../helpers/bureauFactories'
import { certificateNumber, registryCertificateRow } from '../helpers/infoFactories'
import { goodInformation } from '../helpers/registrationFactories'
import { portrait } from '../fixtures/images'

// 定期注册 walked in headless Chromium with JavaScript OFF at 1024×768 against the real bureau tables
// (the bureau module's port): every step by native form posts, the photo uploaded with preview and
// normalise, the authority cascade with its 更新选项 buttons, 同意 → 申报提醒 with the 注册报名号, then
// 我的注册 and 详情. Each page must fit 1024 px and have no serious/critical axe-core findings;
// screenshots go to screenshots/registration-walk-*.png for a person to look at.

declare const document: { querySelectorAll(selector: string): Iterable<PageElement> }

const BASE = '/registration/apply'
const inspect = (page: Page, name: string) => inspectPage(page, `registration-walk-${name}`)

describeInBrowser('registration wizard in a browser without JavaScript, against the bureau tables', () => {
  let app: BrowserApp
  let t: TestApp
  let base: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let photo: string
  let authority: number
  let point: number
  let certNumber: string
  const applicant = { docNumber: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp()
    ;({ t, base, browser } = app)
    t.clock.set('2026-09-15T02:00:00Z')

    const a = await createApplicant(t.db, { name: '韦丽华' })
    Object.assign(applicant, { docNumber: a.doc_number, password: a.password })
    certNumber = certificateNumber(2016, '45')
    await registryCertificateRow(t.db, a, {
      cert_number: certNumber,
      issued_on: '2016-07-01',
      authority: '南宁市青秀区教育局',
    })

    authority = await makeAuthority(t.db, {
      name: '南宁市青秀区教育局',
      reminder: '请于现场确认时间内携带身份证、教师资格证书原件和聘用合同到确认点。',
      form_download_end: '2026-11-30',
    })
    const current = await makeSchool(t.db, '南宁市青秀区凤翔路小学')
    await makeSchool(t.db, '广西师范大学')
    point = await makePoint(t.db, authority, {
      name: '青秀区教师发展中心',
      scope: '青秀区城区公办、民办小学和幼儿园',
      schoolIds: [current],
      confirm_start: new Date('2026-11-01T01:00:00Z'),
      confirm_end: new Date('2026-11-10T09:00:00Z'),
    })
    await makePoint(t.db, authority, {
      name: '青秀区刘圩镇中心学校',
      scope: '刘圩镇属下学校、分教点和幼儿园',
    })
    await makePoint(t.db, authority, { name: '无人值守确认点', staffed: false })
    await makeWindow(t.db, authority, 'registration', '2026-08-31T16:00:00Z', '2026-10-31T16:00:00Z')

    photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-registration-')), 'me.jpg')
    fs.writeFileSync(photo, await portrait({ width: 600, height: 800, background: '#ffffff', grain: true }))

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

  /** Presses a button (native submission) and waits for the page it leads to. */
  async function press(selector: string) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])
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
    await page.type(`#${id}`, value)
  }

  /** Selects by the option's value (dates and text are typed, selects chosen). */
  async function fillInformation(values: Record<string, string>) {
    for (const [name, value] of Object.entries(values)) {
      if (name === 'graduationSchool') continue
      const tag = await page.$eval(`#${name}`, (el) => (el as unknown as PageElement).tagName.toLowerCase())
      if (tag === 'select') expect(await page.select(`#${name}`, value)).toEqual([value])
      else await type(name, value)
    }
  }

  async function expectStep(step: string) {
    if (here() !== `${BASE}/${step}`)
      throw new Error(
        `expected ${BASE}/${step}, at ${here()}: ${(await text()).replace(/\s+/g, ' ').slice(0, 400)}`,
      )
  }

  it('signs in', async () => {
    await app.login(page, applicant)
  }, 30_000)

  it('协议 and 选择证书', async () => {
    await open('/registration/start')
    await expectStep('agreement')
    expect(await text()).toContain('教师资格定期注册网上申报协议')
    expect(await inspect(page, '01-agreement')).toEqual([])
    await choose('agree')
    await next()

    await expectStep('certificate')
    const shown = await text()
    expect(shown).toContain(certNumber)
    expect(shown).toContain('韦丽华')
    // The registry's subject code (C03) read as its name; sex and birth month read from the ID number.
    expect(shown).toContain('语文')
    expect(shown).not.toContain('C03')
    expect(shown).toMatch(/出生年月\s*\d{4}-\d{2}/)
    expect(await inspect(page, '02-certificate')).toEqual([])
    await choose('certNumber')
    await next()
    await expectStep('information')
  }, 60_000)

  it('填写注册信息: an empty required field is shown in place, then every field', async () => {
    expect(await inspect(page, '03-information')).toEqual([])
    const answers: Record<string, string> = {
      ...goodInformation('广西师范大学'),
      currentSchool: '南宁市青秀区凤翔路小学',
      household: '广西壮族自治区南宁市青秀区',
      address: '广西南宁市青秀区凤翔路1号',
      postcode: '530022',
    }
    await fillInformation(Object.fromEntries(Object.entries(answers).filter(([k]) => k !== 'household')))
    // 毕业学校: 查询, then the result chosen.
    await type('schoolQuery', '广西师范')
    await pressNamed('searchSchool')
    await expectStep('information')
    expect(await page.$eval('#mandarin', (el) => (el as unknown as PageElement).value)).toBe(answers.mandarin)
    const school = await page.$('input[name="graduationSchool"][value="广西师范大学"]')
    expect(school).not.toBeNull()
    await (school as ElementHandle).click()
    expect(await inspect(page, '04-information-school-found')).toEqual([])
    await next()

    // 户籍所在地 left empty: the summary links to the field, the message stands beside it.
    await expectStep('information')
    expect(await page.$eval('.error-summary a[href="#household"]', (a) => a.textContent)).toBeTruthy()
    expect(await page.$eval('#household-error', (e) => e.textContent)).toContain('户籍所在地')
    expect(
      await page.$eval('#household', (el) => (el as unknown as PageElement).getAttribute('aria-invalid')),
    ).toBe('true')
    expect(await page.$eval('#currentSchool', (el) => (el as unknown as PageElement).value)).toBe(
      answers.currentSchool,
    )
    expect(await inspect(page, '05-information-error')).toEqual([])
    await type('household', answers.household)
    await next()
    await expectStep('conditions')
  }, 90_000)

  it('注册条件 and 上传照片 (preview, normalised)', async () => {
    expect(await inspect(page, '06-conditions')).toEqual([])
    for (const name of ['ethics', 'appraisals', 'training', 'health']) await choose(name)
    await next()

    await expectStep('photo')
    expect(await inspect(page, '07-photo')).toEqual([])
    const input = await page.$('input[type="file"]#photo')
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(photo)
    expect(await page.$eval('#photoNormalise', (el) => (el as unknown as PageElement).checked)).toBe(true)
    await pressNamed('preview')
    await expectStep('photo')
    const caption = await page.$eval('#photo-preview figcaption', (f) => f.textContent ?? '')
    expect(caption).toMatch(/\d+×\d+像素/)
    const [w, h] = caption
      .match(/(\d+)×(\d+)像素/)!
      .slice(1)
      .map(Number)
    expect(w).toBeGreaterThanOrEqual(200)
    expect(w).toBeLessThanOrEqual(300)
    expect(h).toBeGreaterThanOrEqual(408)
    expect(h).toBeLessThanOrEqual(418)
    expect(await inspect(page, '08-photo-preview')).toEqual([])
    await next()
    await expectStep('authority')
  }, 60_000)

  it('选择注册机构: the cascade with its redisplay buttons', async () => {
    expect(await inspect(page, '09-authority')).toEqual([])
    await page.select('#provinceCode', NANNING.province)
    await pressNamed('refresh')
    await page.select('#cityCode', NANNING.city)
    await page.select('#stage', '2')
    await page.select('#subject', 'chinese')
    await pressNamed('refresh')
    await expectStep('authority')
    // The sole open authority is preselected; its staffed points listed, the school's one suggested.
    expect(await page.$eval('#authorityId', (el) => (el as unknown as PageElement).value)).toBe(
      String(authority),
    )
    const shown = await text()
    expect(shown).toContain('网报开始时间：2026-09-01 00:00')
    expect(shown).toContain('青秀区刘圩镇中心学校')
    expect(shown).not.toContain('无人值守确认点')
    expect(shown).toContain('根据您的现任教学校，建议选择此确认点')
    expect(
      await page.$eval(
        `input[name="pointId"][value="${point}"]`,
        (el) => (el as unknown as PageElement).checked,
      ),
    ).toBe(true)
    expect(await inspect(page, '10-authority-points')).toEqual([])
    await next()
    await expectStep('review')
  }, 60_000)

  it('确认申报信息, 注意事项, 提交 → 申报提醒 with the 注册报名号', async () => {
    const review = await text()
    for (const s of [
      '广西师范大学',
      '南宁市青秀区凤翔路小学',
      '南宁市青秀区教育局',
      '青秀区教师发展中心',
      '已上传',
    ])
      expect(review).toContain(s)
    expect(await inspect(page, '11-review')).toEqual([])
    await next()
    await expectStep('notices')
    expect(await inspect(page, '12-notices')).toEqual([])
    await next()
    await expectStep('commitment')
    expect(await inspect(page, '13-commitment')).toEqual([])
    await page.click('#consent')
    await next()

    expect(here()).toMatch(/^\/registration\/records\/\d+\/reminder$/)
    const row = await t.db('registrations').where({ cert_number: certNumber }).first()
    expect(row.point_id).toBe(String(point))
    const shown = await text()
    expect(shown).toContain(`您的注册报名号为：${row.number}`)
    expect(shown).toContain('青秀区教师发展中心')
    expect(shown).toContain('2026-11-01 09:00 至 2026-11-10 17:00')
    expect(shown).toContain('请于现场确认时间内携带身份证')
    expect(await inspect(page, '14-reminder')).toEqual([])
  }, 60_000)

  it('我的注册 and 详情', async () => {
    const row = await t.db('registrations').where({ cert_number: certNumber }).first()
    await open('/registration/records')
    const list = await text()
    expect(list).toContain(row.number)
    expect(list).toContain('网报待确认')
    expect(await inspect(page, '15-records')).toEqual([])
    await open(`/registration/records/${row.id}`)
    const detail = await text()
    expect(detail).toContain(row.number)
    expect(detail).toContain('青秀区教师发展中心')
    expect(detail).toContain('广西师范大学')
    expect(await inspect(page, '16-record')).toEqual([])
  }, 60_000)
})
