import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import type { Page } from 'puppeteer'
import { describeInBrowser, mainText, pathOf, SCREENSHOTS, type PageElement } from '../helpers/browser'
import {
  overflowAt,
  pageProblems,
  setDisplayMode,
  startA11yApp,
  type A11yApp,
  type Person,
} from '../helpers/a11y'

// 大字模式 (适老化) and the standard display side by side: the main pages of an applicant and of the
// staff in both modes at 1024×768 (and three on a 375 px phone), each without a horizontal scroll
// bar, with one h1 and no serious or critical WCAG 2.2 AA finding; the header's link switches the
// mode without JavaScript and comes back to the same page. Screenshots go to screenshots/display/
// for a person to look at; DOCS_SCREENSHOTS=1 writes them to docs/screenshots/ (checked in, small
// palette PNGs) instead.

declare const document: {
  documentElement: { className: string }
  querySelector(selector: string): PageElement | null
}
declare const getComputedStyle: (el: unknown) => { fontSize: string; lineHeight: string }

const OUT = process.env.DOCS_SCREENSHOTS
  ? path.resolve(__dirname, '../../docs/screenshots')
  : path.join(SCREENSHOTS, 'display')

/** A screenshot small enough to check in: at most 2400 px tall, 64 colours. */
async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true })
  const png = await page.screenshot({ fullPage: true, type: 'png' })
  const img = sharp(png)
  const { height = 0 } = await img.metadata()
  await img
    .extract({ left: 0, top: 0, width: (await img.metadata()).width!, height: Math.min(height, 2400) })
    .png({ palette: true, colours: 64, compressionLevel: 9, effort: 10 })
    .toFile(path.join(OUT, `${name}.png`))
}

describeInBrowser('大字模式 and the standard display (1024×768 and 375 px, screenshots)', () => {
  let a: A11yApp

  beforeAll(async () => {
    a = await startA11yApp()
  }, 300_000)
  afterAll(() => a?.app.close())

  /** Opens `pages` as `who` in both modes: checks each, screenshots each. */
  async function look(who: Person | null, pages: [string, string][]) {
    const { context, page } = await a.signedIn(who)
    const problems: string[] = []
    try {
      for (const mode of ['standard', 'large'] as const) {
        await setDisplayMode(page, a.app.base, mode)
        for (const [name, url] of pages) {
          await a.app.open(page, url)
          for (const p of await pageProblems(page)) problems.push(`${name} ${mode}: ${p}`)
          await shoot(page, `${name}-${mode}`)
        }
      }
    } finally {
      await context.close()
    }
    return problems
  }

  it('the header link switches to 大字模式 and back without JavaScript, on the same page', async () => {
    const { context, page } = await a.signedIn(null)
    try {
      await a.app.open(page, '/help?x=1')
      const size = () =>
        page.evaluate(() => {
          const s = getComputedStyle(document.querySelector('body'))
          return { font: parseFloat(s.fontSize), line: parseFloat(s.lineHeight) / parseFloat(s.fontSize) }
        })
      expect((await size()).font).toBe(16)
      await Promise.all([page.waitForNavigation(), page.click('a.display-switch')])
      expect(pathOf(page) + new URL(page.url()).search).toBe('/help?x=1')
      expect(await page.evaluate(() => document.documentElement.className)).toBe('mode-large')
      const large = await size()
      expect(large.font).toBeGreaterThanOrEqual(20)
      expect(large.line).toBeGreaterThanOrEqual(1.8)
      expect(await page.$eval('a.display-switch', (link) => link.textContent)).toContain('标准模式')
      // It stays on: the next page is large too, and logging in keeps it.
      await a.app.open(page, '/login')
      expect(await page.evaluate(() => document.documentElement.className)).toBe('mode-large')
      await Promise.all([page.waitForNavigation(), page.click('a.display-switch')])
      expect(pathOf(page)).toBe('/login')
      expect((await size()).font).toBe(16)
      expect(await mainText(page)).toContain('登录')
    } finally {
      await context.close()
    }
  })

  it('the applicant’s main pages in both modes', async () => {
    const records = await look(a.person('applicant with records'), [
      ['04-platform', '/platform'],
      ['05-info', '/info'],
      ['10-certification-record', `/certification/records/${a.scene.ids.certification}`],
      ['11-registration-records', '/registration/records'],
    ])
    const wizard = await look(a.person('applicant, halfway through 认定'), [
      ['06-certification-conditions', '/certification/apply/conditions'],
      ['07-certification-commitment-scan', '/certification/apply/commitment-scan'],
      ['08-certification-review', '/certification/apply/review'],
      ['09-certification-commitment', '/certification/apply/commitment'],
    ])
    const visitor = await look(null, [
      ['01-home', '/'],
      ['02-login', '/login'],
      ['03-register', '/register'],
    ])
    expect([...records, ...wizard, ...visitor]).toEqual([])
  })

  it('the staff’s main pages in both modes', async () => {
    const problems = await look(a.scene.staff, [
      ['12-staff-certifications', '/staff/certifications'],
      ['13-staff-dashboard', '/staff/dashboard'],
      ['14-staff-audit', '/staff/audit'],
    ])
    expect(problems).toEqual([])
  })

  it('on a 375 px phone: registration, the platform and a wizard step fit the screen', async () => {
    const shots: [Person | null, string, string][] = [
      [null, 'phone-register', '/register'],
      [a.person('applicant with records'), 'phone-platform', '/platform'],
      [
        a.person('applicant, halfway through 认定'),
        'phone-certification-commitment',
        '/certification/apply/commitment',
      ],
    ]
    const problems: string[] = []
    for (const [who, name, url] of shots) {
      const { context, page } = await a.signedIn(who)
      try {
        await a.app.open(page, url)
        problems.push(...(await overflowAt(page, 375)).map((p) => `${name}: ${p}`))
        await page.setViewport({ width: 375, height: 740 })
        await shoot(page, name)
      } finally {
        await context.close()
      }
    }
    expect(problems).toEqual([])
  })
})
