import crypto from 'node:crypto'
import type { BrowserContext, Page } from 'puppeteer'
import { type TestApp } from '../helpers/app'
import { describeInBrowser, newPage, pathOf, startBrowserApp, type BrowserApp } from '../helpers/browser'
import { a11yScene, overflowAt, pageProblems, PEOPLE, setDisplayMode, type A11yScene } from '../helpers/a11y'
import { fillPath, listRoutes, sweepResolver, type RouteEntry } from '../helpers/routeSweep'
import { certificationSteps } from '../../src/modules/certification/steps'
import { registrationSteps } from '../../src/modules/registration/steps'

// Every page the app has, not only the key ones: every GET route its router registers (read from
// the router as the input sweep does), opened in headless Chromium with JavaScript off at 1024×768
// by a visitor, an applicant in each state and each staff role on its own, each wizard's every
// step. Each distinct page (by where it landed and what its <main> holds) is checked in the
// standard display and again in 大字模式: no serious or critical axe-core finding under the WCAG 2.2
// A/AA rules, exactly one h1, every error-summary link reaching its field, and no horizontal
// scroll bar at 1024 px nor at a phone's 375 px. Fourteen forms are also sent empty to check the
// error summaries they then show. Downloads (PDF, CSV, XLSX, ZIP, images) and the probes are not pages.

declare const document: { querySelector(selector: string): { innerHTML: string } | null }

jest.setTimeout(600_000)

/** Routes that answer with something other than a page. */
const NOT_PAGES =
  /\.(csv|xlsx|zip|pdf|svg)$|\/form$|\/download$|\/export$|^\/files\/|^\/(healthz|readyz|metrics|favicon\.ico|display)$/

/** A phone's width: every page works at it too (no horizontal scroll bar). */
const PHONE = 375

/**
 * How many people are swept at once. Chromium lays out and runs axe-core in its own processes, so
 * while one person's page is checked there the next person's is served here: two lanes keep both
 * cores of a CI machine busy (the sweep alone took 216 s in one lane).
 */
const LANES = 2

/** A person's sweep: every problem found, or what stopped it. */
type Swept = { problems: string[] } | { error: unknown }

/**
 * `fn` for every item, at most `lanes` at a time, in order: each item's promise, which never
 * rejects (its error is in the result), so a sweep no test has awaited yet cannot go unhandled.
 */
function inLanes<T, R>(items: readonly T[], lanes: number, fn: (item: T) => Promise<R>): Map<T, Promise<R>> {
  const settle = new Map<T, (r: R) => void>()
  const results = new Map(items.map((item) => [item, new Promise<R>((resolve) => settle.set(item, resolve))]))
  const queue = [...items]
  const lane = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) settle.get(item)!(await fn(item))
  }
  for (let i = 0; i < lanes; i++) void lane()
  return results
}

interface Checked {
  url: string
  who: string
  problems: string[]
}

describeInBrowser('every page through axe-core (WCAG 2.2 AA), as everyone, in both display modes', () => {
  let app: BrowserApp
  let t: TestApp
  let scene: A11yScene
  let urls: string[]
  const seen = new Map<string, Checked>()
  let visits = 0
  /** Each person's sweep, started in beforeAll, LANES at a time; each test awaits its person's. */
  let sweeps: Map<string, Promise<Swept>>

  beforeAll(async () => {
    app = await startBrowserApp()
    t = app.t
    t.clock.set('2026-09-15T02:00:00Z')
    scene = await a11yScene(t)
    const resolve = sweepResolver(scene.ids)
    const steps: Record<string, string[]> = {
      '/certification/apply/:step': certificationSteps(t.services).map((s) => s.path),
      '/registration/apply/:step': registrationSteps(t.services).map((s) => s.path),
      '/platform/:key/notice': ['registration', 'certification'],
    }
    const pages = listRoutes(t.app).filter((r: RouteEntry) => r.method === 'get' && !NOT_PAGES.test(r.path))
    urls = pages.flatMap((r) =>
      steps[r.path] ? steps[r.path].map((s) => r.path.replace(/:\w+/, s)) : [fillPath(r.path, resolve)],
    )
    sweeps = inLanes(PEOPLE, LANES, sweepAs)
  }, 300_000)

  afterAll(async () => {
    // A test that failed early must not close the app under a sweep still running.
    await Promise.all(sweeps?.values() ?? [])
    const pages = [...seen.values()]
    console.log(
      `every-page sweep: ${urls?.length ?? 0} GET addresses × ${scene?.people.length ?? 0} people = ${visits} visits; ` +
        `${pages.length} distinct pages checked by axe-core (WCAG 2.2 AA) in both display modes, ` +
        `${pages.filter((p) => p.problems.length).length} with problems`,
    )
    await app?.close()
  })

  /** The page's identity: where it landed, its status, and its <main> without tokens and nonces. */
  const keyOf = async (page: Page, status: number) => {
    // one evaluation (a round trip to the browser), not $eval's three
    const main = await page.evaluate(() => document.querySelector('main')?.innerHTML ?? '')
    const stable = main
      .replace(/name="_csrf" value="[^"]*"/g, '')
      .replace(/captcha\.svg\?r=\w+/g, '')
      .replace(/\s+/g, ' ')
    return `${pathOf(page)} ${status} ${crypto.createHash('sha1').update(stable).digest('hex')}`
  }

  async function sweep(who: string, page: Page): Promise<string[]> {
    const problems: string[] = []
    for (const url of urls) {
      visits += 1
      const res = await page.goto(app.base + url, { waitUntil: 'load' }).catch(() => null)
      if (!res || !(res.headers()['content-type'] ?? '').startsWith('text/html')) continue
      const key = await keyOf(page, res.status())
      if (seen.has(key)) continue
      const checked: Checked = { url, who, problems: [] }
      seen.set(key, checked)
      const landed = pathOf(page)
      for (const mode of ['standard', 'large'] as const) {
        if (mode === 'large') {
          await setDisplayMode(page, app.base, 'large')
          await page.goto(app.base + landed + new URL(page.url()).search, { waitUntil: 'load' })
        }
        for (const p of await pageProblems(page)) checked.problems.push(`${mode}: ${p}`)
        for (const p of await overflowAt(page, PHONE)) checked.problems.push(`${mode} at ${PHONE}px: ${p}`)
        if (mode === 'large') await setDisplayMode(page, app.base, 'standard')
      }
      for (const p of checked.problems) problems.push(`${url} → ${landed} [${who}] ${p}`)
    }
    return problems
  }

  /** One person's sweep in a browser context of their own (their session, their display-mode cookie). */
  async function sweepAs(who: (typeof PEOPLE)[number]): Promise<Swept> {
    const person = scene.people.find(([name]) => name === who)![1]
    let context: BrowserContext | undefined
    try {
      context = await app.browser.createBrowserContext()
      const page = await newPage(context)
      if (person) await app.login(page, person)
      return { problems: await sweep(who, page) }
    } catch (error) {
      return { error }
    } finally {
      await context?.close()
    }
  }

  it.each(PEOPLE)('as %s', async (who) => {
    const swept = await sweeps.get(who)!
    if ('error' in swept) throw swept.error
    expect(swept.problems).toEqual([])
  })

  // A GET seldom shows an error summary: these forms are sent empty (their main submit button) to
  // see theirs. Each summary's links must reach their fields, and the page pass the same checks.
  it.each([
    ['visitor', '/login'],
    ['visitor', '/register'],
    ['visitor', '/forgot-password'],
    ['visitor', '/staff/login'],
    ['applicant, first login not complete', '/account/complete'],
    ['applicant with records', '/account/email'],
    ['applicant with records', '/account/password'],
    ['applicant with records', '/account/phone'],
    ['applicant with records', '/info/mandarin/new'],
    ['applicant with records', '/info/education/new'],
    ['applicant with records', '/info/degrees/new'],
    ['admin', '/staff/admin/staff/new'],
    ['admin', '/staff/admin/authorities/new'],
    ['admin', '/staff/password'],
  ] as [(typeof PEOPLE)[number], string][])(
    'as %s, %s sent empty: its error summary links to its fields',
    async (who, url) => {
      const person = scene.people.find(([name]) => name === who)![1]
      const context = await app.browser.createBrowserContext()
      try {
        const page = await newPage(context)
        if (person) await app.login(page, person)
        await app.open(page, url)
        await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.$eval(
            'main form[method="post"] .button-row button[type="submit"], main form[method="post"] button[type="submit"]',
            (b) => (b as unknown as { click(): void }).click(),
          ),
        ])
        expect(await page.$$eval('.error-summary a', (links) => links.length)).toBeGreaterThan(0)
        expect(await pageProblems(page)).toEqual([])
      } finally {
        await context.close()
      }
    },
  )
})
