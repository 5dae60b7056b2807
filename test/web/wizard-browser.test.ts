import type { Page } from 'puppeteer'
import { type TestApp } from '../helpers/app'
import {
  describeInBrowser,
  inspect,
  newPage,
  pathOf,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser'
import { createApplicant } from '../helpers/factories'
import { BASE, EXAMPLE_VIEWS, RECORD, exampleWizard, prepareExampleTables } from '../fixtures/wizard/example'

// The example wizard walked in headless Chromium with JavaScript OFF: every page is a plain form,
// and each (errors included) has no 'serious' or 'critical' axe-core finding.

describeInBrowser('the wizard pages in a browser without JavaScript', () => {
  let app: BrowserApp
  let t: TestApp
  let base: string
  let page: Page

  beforeAll(async () => {
    app = await startBrowserApp({ routes: (s) => exampleWizard(s).router, viewDirs: [EXAMPLE_VIEWS] })
    ;({ t, base } = app)
    await prepareExampleTables(t.ownerDb)
    page = await newPage(app.browser)
  }, 120_000)

  afterAll(() => app?.close())

  const axe = (name: string) => inspect(page, `wizard-${name}`)
  const here = () => pathOf(page)
  // A click on a busy machine can land before the input is ready: wait until it is really checked.
  const check = async (selector: string) => {
    await page.click(selector)
    await page.waitForSelector(`${selector}:checked`, { timeout: 5000 })
  }
  const submit = (selector = 'main form button[type="submit"]:not([name])') =>
    Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])

  it('walks every step with native form posts, errors shown in place, and lands on the record', async () => {
    const who = await createApplicant(t.db)
    await app.login(page, { docNumber: who.doc_number, password: who.password })

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
    await check('#consent')
    await submit()
    expect(here()).toBe(RECORD)

    // The back button re-requests the last step; a finished wizard answers with the record. (Asked
    // with goto: Chromium's history navigation through a redirect sometimes never reports 'load'.)
    await page.goto(`${base}${BASE}/commitment`)
    expect(here()).toBe(RECORD)
    expect(problems).toEqual([])
  })
})
