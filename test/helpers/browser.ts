import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'puppeteer'
import { findChromium, launchChromium } from '../../src/services/browser'
import { appWithAllRoutes, TEST_CAPTCHA, type TestApp } from './app'

// What every browser test shares: the app on a real port, one headless Chromium with JavaScript
// OFF at 1024×768 (as the applicants' old browsers have it), native form submission, and the
// inspection of a page — a screenshot for a person to look at, no horizontal scroll bar at 1024 px,
// a title naming the system, and no 'serious' or 'critical' axe-core finding.

/** The page's own globals, for the callbacks that run inside it (the project has no DOM typings). */
export interface PageElement {
  tagName: string
  id: string
  classList: Iterable<string>
  value: string
  checked: boolean
  naturalWidth: number
  textContent: string | null
  getAttribute(name: string): string | null
  getBoundingClientRect(): { right: number }
}
declare const document: {
  documentElement: { clientWidth: number; scrollWidth: number }
  querySelectorAll(selector: string): Iterable<PageElement>
}
declare const window: {
  axe: { run(context?: unknown, options?: unknown): Promise<{ violations: AxeViolation[] }> }
}

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

export const chromium = findChromium()
if (!chromium)
  console.warn(
    'browser tests SKIPPED: no Chromium found (apt-get install chromium fonts-noto-cjk, or set PUPPETEER_EXECUTABLE_PATH)',
  )
export const describeInBrowser = chromium ? describe : describe.skip

export const SCREENSHOTS = path.resolve(__dirname, '../../screenshots')
export const WIDTH = 1024
const AXE_SOURCE = chromium ? fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : ''

/** The rules of WCAG 2.2 level A and AA as axe-core tags them (the every-page sweep runs these). */
export const WCAG22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const

/**
 * axe-core on the page as the no-JavaScript browser rendered it (every rule, or only those tagged
 * `tags`): JavaScript is switched on only now
 * (no reload, so none of the page's own scripts run), then off again for the next page.
 */
export async function axeFindings(page: Page, tags?: readonly string[]): Promise<string[]> {
  await page.setJavaScriptEnabled(true)
  try {
    await page.evaluate(AXE_SOURCE)
    const violations = await page.evaluate(
      async (only) =>
        (await window.axe.run(document, only ? { runOnly: { type: 'tag', values: only } } : {})).violations,
      tags ?? null,
    )
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(', ')}`,
      )
  } finally {
    await page.setJavaScriptEnabled(false)
  }
}

/** Screenshot (screenshots/<name>.png), width, title and axe for the open page: every problem found. */
export async function inspect(page: Page, name: string): Promise<string[]> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
  const problems: string[] = []
  const { scrollWidth, wide } = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > vw + 1)
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`)
    return { scrollWidth: document.documentElement.scrollWidth, wide }
  })
  if (scrollWidth > WIDTH) problems.push(`wider than ${WIDTH}px (${scrollWidth}px): ${wide.join(', ')}`)
  const title = await page.title()
  if (!title.includes('教师资格网上申报系统')) problems.push(`title "${title}" does not name the system`)
  problems.push(...(await axeFindings(page)))
  return problems
}

/** A new tab with JavaScript off at 1024×768. */
export async function newPage(target: Browser | BrowserContext): Promise<Page> {
  const page = await target.newPage()
  await page.setJavaScriptEnabled(false)
  await page.setViewport({ width: WIDTH, height: 768 })
  return page
}

/** Submits the form around `button` as a person would (native submission, no JavaScript). */
export async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(button)])
}

/** Types into each field (by id), replacing what it held. */
export async function fill(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) {
    await page.$eval(`#${id}`, (el) => ((el as unknown as PageElement).value = ''))
    await page.type(`#${id}`, value)
  }
}

export const mainText = (page: Page) =>
  page.$eval('main', (m) => (m as unknown as PageElement).textContent ?? '')

export const pathOf = (page: Page) => new URL(page.url()).pathname

/** After a login, says what the page said when it did not let the person in. */
export async function expectLeft(page: Page, loginPath: string): Promise<void> {
  if (pathOf(page) !== loginPath) return
  throw new Error(`login refused: ${(await mainText(page)).replace(/\s+/g, ' ').slice(0, 300)}`)
}

export interface BrowserApp {
  t: TestApp
  base: string
  browser: Browser
  /** GET `url`; throws unless it answered 200 (or 304) at that path, not after a redirect. */
  open(page: Page, url: string): Promise<void>
  /** Signs in at /login (applicant) or /staff/login and fails with the page's words if refused. */
  login(
    page: Page,
    who: { docNumber: string; password: string } | { username: string; password: string },
  ): Promise<void>
  close(): Promise<void>
}

/** The app with every route on a free port of 127.0.0.1, and one headless Chromium for it. */
export async function startBrowserApp(
  options: Parameters<typeof appWithAllRoutes>[0] = {},
): Promise<BrowserApp> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const t = await appWithAllRoutes(options)
  const server = http.createServer(t.app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  const browser = await launchChromium({ executablePath: chromium })
  const open = async (page: Page, url: string) => {
    const res = await page.goto(base + url, { waitUntil: 'load' })
    const landed = pathOf(page)
    // 304: the browser revalidated a page it has already seen (Express sends ETags).
    if ((res?.status() !== 200 && res?.status() !== 304) || landed !== url.split('?')[0])
      throw new Error(`GET ${url} answered ${res?.status()} at ${landed}`)
  }
  return {
    t,
    base,
    browser,
    open,
    async login(page, who) {
      const staff = 'username' in who
      const loginPath = staff ? '/staff/login' : '/login'
      await open(page, loginPath)
      await fill(page, {
        ...(staff ? { username: who.username } : { docNumber: who.docNumber }),
        password: who.password,
        captcha: TEST_CAPTCHA,
      })
      await submit(page, `form[action="${loginPath}"] button[type="submit"]`)
      await expectLeft(page, loginPath)
    },
    async close() {
      await browser.close()
      await new Promise((resolve) => server.close(resolve))
      await t.close()
    },
  }
}
