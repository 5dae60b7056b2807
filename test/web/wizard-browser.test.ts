import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { Browser, Page } from 'puppeteer'
import { findChromium, launchChromium } from '../../src/services/browser'
import { appWithAllRoutes, TEST_CAPTCHA, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { BASE, EXAMPLE_VIEWS, RECORD, exampleWizard, prepareExampleTables } from '../fixtures/wizard/example'

// The example wizard walked in headless Chromium with JavaScript OFF: every page is a plain form,
// and each (errors included) has no 'serious' or 'critical' axe-core finding.

declare const window: { axe: { run(): Promise<{ violations: AxeViolation[] }> } }
interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

const chromium = findChromium()
const describeInBrowser = chromium ? describe : describe.skip
const AXE_SOURCE = chromium ? fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : ''
const SCREENSHOTS = path.resolve(__dirname, '../../screenshots')

describeInBrowser('the wizard pages in a browser without JavaScript', () => {
  let t: TestApp
  let server: http.Server
  let base: string
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    t = await appWithAllRoutes({ routes: (s) => exampleWizard(s).router, viewDirs: [EXAMPLE_VIEWS] })
    await prepareExampleTables(t.db)
    server = http.createServer(t.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    browser = await launchChromium({ executablePath: chromium })
    page = await browser.newPage()
    await page.setJavaScriptEnabled(false)
    await page.setViewport({ width: 1024, height: 768 })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
    await t?.close()
  })

  async function axe(name: string): Promise<string[]> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `wizard-${name}.png`), fullPage: true })
    await page.setJavaScriptEnabled(true)
    try {
      await page.evaluate(AXE_SOURCE)
      const violations = await page.evaluate(async () => (await window.axe.run()).violations)
      return violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${name}: ${v.id} ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    } finally {
      await page.setJavaScriptEnabled(false)
    }
  }

  const here = () => new URL(page.url()).pathname
  // A click on a busy machine can land before the input is ready: wait until it is really checked.
  const check = async (selector: string) => {
    await page.click(selector)
    await page.waitForSelector(`${selector}:checked`, { timeout: 5000 })
  }
  const submit = (selector = 'main form button[type="submit"]:not([name])') =>
    Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])

  it('walks every step with native form posts, errors shown in place, and lands on the record', async () => {
    const who = await createApplicant(t.db)
    await page.goto(`${base}/login`)
    await page.type('#docNumber', who.doc_number)
    await page.type('#password', who.password)
    await page.type('#captcha', TEST_CAPTCHA)
    await submit('form[action="/login"] button[type="submit"]')

    const problems: string[] = []
    await page.goto(`${base}${BASE}`)
    expect(here()).toBe(`${BASE}/agreement`)
    await submit()
    expect(await page.$eval('.error-summary a', (a) => a.getAttribute('href'))).toBe('#agree')
    problems.push(...(await axe('agreement-error')))
    await check('#agree')
    await submit()

    expect(here()).toBe(`${BASE}/route`)
    problems.push(...(await axe('route')))
    await check('#examRoute')
    await submit()

    expect(here()).toBe(`${BASE}/exam`)
    await page.type('#certNumber', '12345678')
    await submit()

    expect(here()).toBe(`${BASE}/education`)
    await submit()
    problems.push(...(await axe('education-errors')))
    await page.select('#level', '20')
    await page.type('#school', '北京师范大学')
    await page.type('#graduatedOn', '2020-07-01')
    await check('#extras-mandarin')
    await submit()

    expect(here()).toBe(`${BASE}/review`)
    problems.push(...(await axe('review')))
    await submit()

    expect(here()).toBe(`${BASE}/commitment`)
    problems.push(...(await axe('commitment')))
    await submit()
    expect(here()).toBe(RECORD)

    // The back button re-requests the last step; a finished wizard answers with the record. (Asked
    // with goto: Chromium's history navigation through a redirect sometimes never reports 'load'.)
    await page.goto(`${base}${BASE}/commitment`)
    expect(here()).toBe(RECORD)
    expect(problems).toEqual([])
  })
})
