import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'puppeteer'
import { makeIdNumber } from '../../src/domain/idNumber'
import { type TestApp } from '../helpers/app'
import {
  describeInBrowser,
  inspect as inspectPage,
  mainText,
  newPage,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser'
import { createStaff } from '../helpers/factories'

// The registries' pages in headless Chromium with JavaScript OFF at 1024×768, as pages.test.ts
// checks the others: the list, an import form, an upload whose line 7 has a wrong ID check
// character (the status page lists the error), and an upload that succeeds. Every page must fit
// 1024 px and have no 'serious' or 'critical' axe-core findings; screenshots go to
// screenshots/registries-*.png for a person to look at.

/** An <input type="file"> handle: puppeteer types it by HTMLInputElement, which needs DOM typings. */
type FileInput = { uploadFile(...paths: string[]): Promise<void> }
const inspect = (page: Page, name: string) => inspectPage(page, `registries-${name}`)

const HEADER = '考试合格证明编号,姓名,证件号码,资格种类,任教学科,有效期至'

/** Six exam pass rows (lines 2–7); with `badLine7` the ID number on line 7 has a wrong check character. */
function examPasses(badLine7: boolean): string {
  const lines = [HEADER]
  for (let i = 0; i < 6; i++) {
    let id = makeIdNumber('450103', `1995061${i}`, String(31 + i).padStart(3, '0'))
    if (badLine7 && i === 5) id = id.slice(0, 17) + (id[17] === '1' ? '2' : '1')
    lines.push(`KS20260000000${i},李明${'一二三四五六'[i]},${id},小学教师资格,语文,2028-12-31`)
  }
  return `${lines.join('\r\n')}\r\n`
}

describeInBrowser('registries pages in a browser without JavaScript', () => {
  let app: BrowserApp
  let t: TestApp
  let base: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let dir: string
  const staff = { username: '', password: '' }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registries-browser-'))
    app = await startBrowserApp()
    ;({ t, base, browser } = app)
    context = await browser.createBrowserContext()
    page = await newPage(context)
    const s = await createStaff(t.db, [{ role: 'admin' }], { name: '张管理' })
    Object.assign(staff, { username: s.username, password: s.password })
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await app?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  async function open(url: string) {
    const res = await page.goto(base + url, { waitUntil: 'load' })
    expect([200, 304]).toContain(res?.status())
  }
  const submit = (selector: string) =>
    Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])
  const text = () => mainText(page)

  async function upload(name: string, content: string, mode: 'replace' | 'upsert') {
    const file = path.join(dir, name)
    fs.writeFileSync(file, content, 'utf8')
    await open('/staff/registries/exam-passes')
    const input = (await page.$('input[type="file"][name="file"]')) as unknown as FileInput | null
    if (!input) throw new Error('the import form has no file input')
    await input.uploadFile(file)
    await page.click(`input[name="mode"][value="${mode}"]`)
    await submit('main form[enctype="multipart/form-data"] button[type="submit"]')
    expect(new URL(page.url()).pathname).toMatch(/^\/staff\/registries\/imports\/\d+$/)
  }

  it('signs in and shows the list of registries', async () => {
    await app.login(page, staff)
    expect(new URL(page.url()).pathname).toBe('/staff')
    await open('/staff/registries')
    const shown = await text()
    for (const title of [
      '考试合格证明',
      '普通话水平测试等级证书',
      '学历',
      '学籍',
      '教师资格证书',
      '学校名录',
    ])
      expect(shown).toContain(title)
    expect(await inspect(page, '01-list')).toEqual([])
  })

  it('shows an import form with the file format', async () => {
    await open('/staff/registries/exam-passes')
    const shown = await text()
    expect(shown).toContain(HEADER)
    expect(shown).toContain('下载导入模板')
    expect(await inspect(page, '02-form')).toEqual([])
  })

  it('reports a wrong check character on line 7 and imports nothing', async () => {
    await upload('bad.csv', examPasses(true), 'replace')
    const shown = await text()
    expect(shown).toContain('第7行 证件号码')
    expect(await t.db('registry_exam_passes').count('* as n').first()).toEqual({ n: '0' })
    expect(await inspect(page, '03-errors')).toEqual([])
  })

  it('imports a correct file', async () => {
    await upload('good.csv', examPasses(false), 'upsert')
    const shown = await text()
    expect(shown).toContain('成功')
    expect(await t.db('registry_exam_passes').count('* as n').first()).toEqual({ n: '6' })
    expect(await inspect(page, '04-succeeded')).toEqual([])
    await open('/staff/registries/exam-passes')
    expect(await inspect(page, '05-form-after')).toEqual([])
  })
})
