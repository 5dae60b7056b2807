import type { Browser, BrowserContext, Page } from 'puppeteer'
import { type TestApp } from '../helpers/app'
import {
  describeInBrowser,
  inspect as inspectPage,
  mainText,
  newPage,
  startBrowserApp,
  type BrowserApp,
  type PageElement,
} from '../helpers/browser'
import { createStaff } from '../helpers/factories'
import { NANNING, makeAuthority, makePoint, makeSchool, makeWindow } from '../helpers/bureauFactories'

// The bureau pages in headless Chromium with JavaScript OFF at 1024×768: the public look-ups walked
// by choosing options and pressing 查询 (native form submission), and the administrator's pages.
// Each page must fit 1024 px and have no 'serious' or 'critical' axe-core findings; screenshots
// go to screenshots/bureau-*.png.

const inspect = (page: Page, name: string) => inspectPage(page, `bureau-${name}`)

describeInBrowser('bureau pages in a browser without JavaScript', () => {
  let app: BrowserApp
  let t: TestApp
  let base: string
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let county: number
  let point: number
  const staff = { username: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp()
    ;({ t, base, browser } = app)
    context = await browser.createBrowserContext()
    page = await newPage(context)

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
    await app?.close()
  })

  async function open(url: string) {
    const res = await page.goto(base + url, { waitUntil: 'load' })
    expect([200, 304]).toContain(res?.status())
  }
  const submit = (selector: string) =>
    Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])
  const text = () => mainText(page)

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
    await app.login(page, staff)
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
