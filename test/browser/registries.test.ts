import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'puppeteer'
import { findChromium, launchChromium } from '../../src/services/browser'
import { makeIdNumber } from '../../src/domain/idNumber'
import { appWithAllRoutes, TEST_CAPTCHA, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'

// The registries' pages in headless Chromium with JavaScript OFF at 1024×768, as pages.test.ts
// checks the others: the list, an import form, an upload whose line 7 has a wrong ID check
// character (the status page lists the error), and an upload that succeeds. Every page must fit
// 1024 px and have no 'serious' or 'critical' axe-core findings; screenshots go to
// screenshots/registries-*.png for a person to look at.

interface PageElement {
  tagName: string
  id: string
  textContent: string | null
  getBoundingClientRect(): { right: number }
}
/** An <input type="file"> handle: puppeteer types it by HTMLInputElement, which needs DOM typings. */
type FileInput = { uploadFile(...paths: string[]): Promise<void> }
declare const document: {
  documentElement: { clientWidth: number; scrollWidth: number }
  querySelectorAll(selector: string): Iterable<PageElement>
}
declare const window: { axe: { run(): Promise<{ violations: AxeViolation[] }> } }
interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

const chromium = findChromium()
if (!chromium)
  console.warn(
    'browser tests SKIPPED: no Chromium found (apt-get install chromium fonts-noto-cjk, or set PUPPETEER_EXECUTABLE_PATH)',
  )
const describeInBrowser = chromium ? describe : describe.skip
const SCREENSHOTS = path.resolve(__dirname, '../../screenshots')
const AXE_SOURCE = chromium ? fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : ''
const WIDTH = 1024

async function inspect(page: Page, name: string): Promise<string[]> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `registries-${name}.png`), fullPage: true })
  const problems: string[] = []
  const { scrollWidth, wide } = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > vw + 1)
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`)
    return { scrollWidth: document.documentElement.scrollWidth, wide }
  })
  if (scrollWidth > WIDTH) problems.push(`wider than ${WIDTH}px (${scrollWidth}px): ${wide.join(', ')}`)
  // JavaScript on only to inject and run axe-core (no reload: none of the page's scripts run).
  await page.setJavaScriptEnabled(true)
  try {
    await page.evaluate(AXE_SOURCE)
    const violations = await page.evaluate(async () => (await window.axe.run()).violations)
    problems.push(
      ...violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        ),
    )
  } finally {
    await page.setJavaScriptEnabled(false)
  }
  return problems
}

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
  let t: TestApp
  let server: http.Server
  let base: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let dir: string
  const staff = { username: '', password: '' }

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registries-browser-'))
    t = await appWithAllRoutes()
    server = http.createServer(t.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    browser = await launchChromium({ executablePath: chromium })
    context = await browser.createBrowserContext()
    page = await context.newPage()
    await page.setJavaScriptEnabled(false)
    await page.setViewport({ width: WIDTH, height: 768 })
    const s = await createStaff(t.db, [{ role: 'admin' }], { name: '张管理' })
    Object.assign(staff, { username: s.username, password: s.password })
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
    await t?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  async function open(url: string) {
    const res = await page.goto(base + url, { waitUntil: 'load' })
    expect([200, 304]).toContain(res?.status())
  }
  const submit = (selector: string) =>
    Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])
  const text = () => page.$eval('main', (m) => (m as unknown as PageElement).textContent ?? '')

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
    await open('/staff/login')
    await page.type('#username', staff.username)
    await page.type('#password', staff.password)
    await page.type('#captcha', TEST_CAPTCHA)
    await submit('form[action="/staff/login"] button[type="submit"]')
    // On failure, the page's own message says why (shown with the path).
    const landed = new URL(page.url()).pathname
    expect([landed, landed === '/staff' ? '' : (await text()).replace(/\s+/g, ' ').slice(0, 300)]).toEqual([
      '/staff',
      '',
    ])
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
