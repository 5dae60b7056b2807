import type { Page } from 'puppeteer'
import {
  describeInBrowser,
  inspect,
  mainText,
  newPage,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser'
import { createStaff } from '../helpers/factories'
import { arrangeDay } from '../routes/dashboardSupport'

// 运行概况 in headless Chromium with JavaScript OFF at 1024×768: the table and the server-drawn SVG
// chart must show, fit the width and have no 'serious' or 'critical' axe-core findings
// (screenshots/dashboard.png).

describeInBrowser('运行概况 in a browser without JavaScript', () => {
  let app: BrowserApp
  let page: Page

  beforeAll(async () => {
    app = await startBrowserApp()
    await arrangeDay(app.t)
    page = await newPage(app.browser)
  }, 120_000)
  afterAll(() => app?.close())

  it('shows the figures as a table and a chart, accessible, within 1024 px', async () => {
    const admin = await createStaff(app.t.db, [{ role: 'admin', scope_type: 'instance' }])
    await app.login(page, admin)
    await app.open(page, '/staff/dashboard')
    expect(await mainText(page)).toContain('等待最久的一件：实名人工审核')
    // The chart is drawn: one bar per status, as wide as its count says (注册合格 1 of the largest 2).
    const bars = await page.$$eval('svg[aria-labelledby^="registration-chart"] rect', (rects) =>
      rects.map((r) => Number(r.getAttribute('width'))),
    )
    expect(bars).toEqual([300, 150, 0, 0, 0, 150, 0, 0])
    const box = await page.$eval('svg[role="img"]', (svg) => svg.getBoundingClientRect().height)
    expect(box).toBeGreaterThan(100)
    expect(await inspect(page, 'dashboard')).toEqual([])
  })
})
