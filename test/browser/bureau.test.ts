import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'puppeteer'
import { findChromium, launchChromium } from '../../src/services/browser'
import { appWithAllRoutes, TEST_CAPTCHA, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { NANNING, makeAuthority, makePoint, makeSchool, makeWindow } from '../helpers/bureauFactories'

// The bureau pages in headless Chromium with JavaScript OFF at 1024×768: the public look-ups walked
// by choosing options and pressing 查询 (native form submission), and the administrator's pages.
// Each page must fit 1024 px and have no 'serious' or 'critical' axe-core findings; screenshots
// go to screenshots/bureau-*.png.

interface PageElement {
  tagName: string
  id: string
  classList: Iterable<string>
  value: string
  textContent: string | null
  getBoundingClientRect(): { right: number }
}
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
const describeInBrowser = chromium ? describe : describe.skip
const SCREENSHOTS = path.resolve(__dirname, '../../screenshots')
const AXE_SOURCE = chromium ? fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : ''
const WIDTH = 1024

async function inspect(page: Page, name: string): Promise<string[]> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `bureau-${name}.png`), fullPage: true })
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
  // JavaScript only now, without a reload, so none of the page's own scripts run.
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

describeInBrowser('bureau pages in a browser without JavaScript', () => {
  let t: TestApp
  let server: http.Server
  let base: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let county: number
  let point: number
  const staff = { username: '', password: '' }

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    t = await appWithAllRoutes()
    server = http.createServer(t.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    browser = await launchChromium({ executablePath: chromium })
    context = await browser.createBrowserContext()
    page = await context.newPage()
    await page.setJavaScriptEnabled(false)
    await page.setViewport({ width: WIDTH, height: 768 })

    county = await makeAuthority(t.db, { name: '南宁市青秀区教育局' })
    const school = await makeSchool(t.db, '南宁市青秀区凤翔路小学')
    point = await makePoint(t.db, county, {
      name: '青秀区教师发展中心',
      scope: '青秀区城区公办、民办小学和幼儿园',
      schoolIds: [school],
      confirm_start: new Date('2026-11-01T01:00:00Z'),
      confirm_end: new Date('2026-11-10T09:00:00Z'),
    })
    await makePoint(t.db, county, { name: '青秀区刘圩镇中心学校', scope: '刘圩镇属下学校、分教点和幼儿园' })
    await makeWindow(t.db, county, 'registration', '2026-08-31T16:00:00Z', '2026-10-31T16:00:00Z')
    const city = await makeAuthority(t.db, {
      name: '南宁市教育局',
      region_code: NANNING.city,
      level: 'city',
      stages: ['4', '5'],
      qualification_types: ['4', '5', '6'],
    })
    await makeWindow(t.db, city, 'certification', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z')
    const s = await createStaff(t.db, [{ role: 'admin' }], { name: '张管理' })
    Object.assign(staff, { username: s.username, password: s.password })
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
    await t?.close()
  })

  async function open(url: string) {
    const res = await page.goto(base + url, { waitUntil: 'load' })
    expect([200, 304]).toContain(res?.status())
  }
  const submit = (selector: string) =>
    Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])
  const text = () => page.$eval('main', (m) => (m as unknown as PageElement).textContent ?? '')

  it('walks 网报时间查询 省 → 市 → 现任教学段 → 注册机构 with plain form submissions', async () => {
    await open('/registration/schedule')
    expect(await inspect(page, '01-schedule')).toEqual([])
    await page.select('#province', NANNING.province)
    await submit('main form button[type="submit"]')
    await page.select('#city', NANNING.city)
    await page.select('#stage', '2')
    await submit('main form button[type="submit"]')
    // The only registration authority for 小学 in 南宁市 is preselected and its result shown.
    const shown = await text()
    expect(shown).toContain('2026-09-01 00:00')
    expect(shown).toContain('青秀区教师发展中心')
    expect(shown).toContain('定期注册报名')
    expect(await inspect(page, '02-schedule-open')).toEqual([])
  })

  it('shows the manuals’ messages for certification outside its window', async () => {
    const q = new URLSearchParams({ province: NANNING.province, city: NANNING.city, type: '5' })
    await open(`/certification/schedule?${q}`)
    const shown = await text()
    expect(shown).toContain('当前时间不在该机构的网报时间段内')
    expect(shown).toContain('该机构未设置确认点，请联系所选的教育局。')
    expect(await inspect(page, '03-certification-closed')).toEqual([])
  })

  it('确认点查询 lists all, and finds by school', async () => {
    await open('/registration/points?all=1')
    expect(await text()).toContain('刘圩镇属下学校')
    expect(await inspect(page, '04-points-all')).toEqual([])
    await page.type('#q', '凤翔路')
    await submit('main form button[type="submit"]')
    const shown = await text()
    expect(shown).toContain('青秀区教师发展中心')
    expect(shown).not.toContain('刘圩镇属下学校')
  })

  it('the administrator’s pages', async () => {
    await open('/staff/login')
    await page.type('#username', staff.username)
    await page.type('#password', staff.password)
    await page.type('#captcha', TEST_CAPTCHA)
    await submit('form[action="/staff/login"] button[type="submit"]')
    expect(new URL(page.url()).pathname).toBe('/staff')

    await open('/staff/admin/authorities')
    expect(await inspect(page, '10-admin-authorities')).toEqual([])
    await open('/staff/admin/authorities/new')
    await submit('main form[method="post"] button[type="submit"]')
    expect(await text()).toContain('请填写机构名称')
    expect(await inspect(page, '11-admin-authority-errors')).toEqual([])
    await open(`/staff/admin/authorities/${county}`)
    expect(await inspect(page, '12-admin-authority')).toEqual([])
    await open(`/staff/admin/points/${point}?schoolQ=${encodeURIComponent('凤翔')}`)
    expect(await inspect(page, '13-admin-point')).toEqual([])
    await open(`/staff/admin/authorities/${county}/windows/new`)
    await page.$eval('#start', (el) => ((el as unknown as PageElement).value = ''))
    await page.type('#start', '2026-10-01 00:00')
    await submit('main form[method="post"] button[type="submit"]')
    expect(await text()).toContain('重叠')
    expect(await inspect(page, '14-admin-window-overlap')).toEqual([])
  })
})
