import type { Page } from 'puppeteer'
import { describeInBrowser, mainText, pathOf } from '../helpers/browser'
import { TEST_CAPTCHA } from '../helpers/app'
import { startA11yApp, type A11yApp, type Person, type PEOPLE } from '../helpers/a11y'

// With only the keyboard, in headless Chromium with JavaScript off at 1024×768: Tab from the top of
// each page visits every control once, in the order the page reads (radio groups once, as browsers
// do), each with a focus ring one can see (an outline of at least 2 px, or a shadow), the first
// stop being the 跳到正文 link, and after the last control Tab leaves the page (no trap). Logging in
// is typed and sent with Enter; the 个人承诺书's box is chosen by typing its numbers.

declare const document: {
  activeElement: El | null
  querySelectorAll(selector: string): El[] & Iterable<El>
}
declare const getComputedStyle: (el: El) => {
  outlineStyle: string
  outlineWidth: string
  boxShadow: string
  visibility: string
  display: string
}
interface El {
  tagName: string
  type?: string
  name?: string
  checked?: boolean
  disabled?: boolean
  closest(selector: string): El | null
  getAttribute(name: string): string | null
  setAttribute(name: string, value: string): void
  getClientRects(): { length: number }
  getBoundingClientRect(): { left: number; top: number; width: number; height: number }
  textContent: string | null
}

interface Stop {
  index: string | null
  label: string
  ring: boolean
  onScreen: boolean
}

/**
 * Numbers every control a Tab should reach (data-kb), in document order: links, buttons, fields
 * (one per radio group: the chosen one, else the first), summaries and tabindex="0" regions, leaving
 * out what is hidden or inside a closed <details>.
 */
async function expectedStops(page: Page): Promise<number> {
  return page.evaluate(() => {
    const candidates = Array.from(
      document.querySelectorAll(
        'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])',
      ),
    )
    const groups = new Map<string, El[]>()
    let n = 0
    for (const el of candidates) {
      if (el.disabled || !el.getClientRects().length || el.getAttribute('tabindex') === '-1') continue
      const details = el.closest('details:not([open])')
      if (details && !(el.tagName === 'SUMMARY' && el.closest('details') === details)) continue
      const style = getComputedStyle(el)
      if (style.visibility === 'hidden') continue
      if (el.tagName === 'INPUT' && el.type === 'radio') {
        const key = `${el.closest('form')?.getAttribute('action')}|${el.name}`
        const group = groups.get(key) ?? []
        group.push(el)
        groups.set(key, group)
        if (group.length > 1) continue
      }
      el.setAttribute('data-kb', String(n++))
    }
    // A radio group is one stop: at its chosen button when one is chosen.
    for (const group of groups.values()) {
      const chosen = group.find((r) => r.checked)
      if (chosen && chosen !== group[0]) {
        chosen.setAttribute('data-kb', group[0].getAttribute('data-kb')!)
        group[0].setAttribute('data-kb', '')
      }
    }
    return n
  })
}

/** Presses Tab `times` times from the top of the page, noting each stop. */
async function tabThrough(page: Page, times: number): Promise<Stop[]> {
  const stops: Stop[] = []
  for (let i = 0; i < times; i++) {
    await page.keyboard.press('Tab')
    stops.push(
      await page.evaluate(() => {
        const el = document.activeElement
        if (!el || el.tagName === 'BODY') return { index: null, label: 'body', ring: false, onScreen: false }
        const style = getComputedStyle(el)
        const ring =
          (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none'
        const r = el.getBoundingClientRect()
        return {
          index: el.getAttribute('data-kb'),
          label: `${el.tagName.toLowerCase()} ${(el.textContent ?? el.getAttribute('name') ?? '').trim().slice(0, 20)}`,
          ring,
          onScreen: r.width > 0 && r.height > 0 && r.left >= 0,
        }
      }),
    )
  }
  return stops
}

describeInBrowser('keyboard only (JavaScript off, 1024×768)', () => {
  let a: A11yApp
  beforeAll(async () => {
    a = await startA11yApp()
  }, 300_000)
  afterAll(() => a?.app.close())
  const app = () => a.app
  const person = (name: (typeof PEOPLE)[number]) => a.person(name)
  const signedIn = (who: Person | null) => a.signedIn(who)

  it('logs in with the keyboard alone: Tab to each field, type, Enter sends the form', async () => {
    const { context, page } = await signedIn(null)
    try {
      await app().open(page, '/login')
      const who = person('applicant with records') as { docNumber: string; password: string }
      // 跳到正文 is the first stop, and shows itself when focused.
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文')
      await page.keyboard.press('Enter')
      const focusOn = async (id: string) => {
        for (let i = 0; i < 20; i++) {
          if ((await page.evaluate(() => document.activeElement?.getAttribute('id'))) === id) return
          await page.keyboard.press('Tab')
        }
        throw new Error(`Tab never reached #${id}`)
      }
      await focusOn('docNumber')
      await page.keyboard.type(who.docNumber)
      await focusOn('password')
      await page.keyboard.type(who.password)
      await focusOn('captcha')
      await page.keyboard.type(TEST_CAPTCHA)
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
      expect(pathOf(page)).toBe('/platform')
    } finally {
      await context.close()
    }
  })

  it.each([
    ['visitor', '/login'],
    ['visitor', '/register'],
    ['visitor', '/help'],
    ['applicant with records', '/platform'],
    ['applicant with records', '/info/mandarin/new'],
    ['applicant with records', '/certification/records'],
    ['applicant, halfway through 认定', '/certification/apply/conditions'],
    ['applicant, halfway through 认定', '/certification/apply/information'],
    ['applicant, halfway through 认定', '/certification/apply/commitment-scan'],
    ['applicant, halfway through 认定', '/certification/apply/resume'],
    ['applicant, halfway through 认定', '/certification/apply/commitment'],
    ['admin', '/staff/admin/settings'],
    ['certification_approver', '/staff/certifications'],
  ] as [(typeof PEOPLE)[number], string][])(
    'as %s, %s: Tab visits every control once in reading order, each visibly, and leaves the page',
    async (who, url) => {
      const { context, page } = await signedIn(person(who))
      try {
        await app().open(page, url)
        const n = await expectedStops(page)
        const stops = await tabThrough(page, n + 1)
        const order = stops.slice(0, n).map((s) => s.index)
        expect(order).toEqual(Array.from({ length: n }, (_, i) => String(i)))
        expect(stops.slice(0, n).filter((s) => !s.ring || !s.onScreen)).toEqual([])
        // One more Tab leaves the last control: focus goes back to the browser, not round a trap.
        expect(stops[n].index).toBeNull()
      } finally {
        await context.close()
      }
    },
  )

  it('the 个人承诺书 crop offers its numbers: typed and sent with the keyboard, the box changes', async () => {
    const { context, page } = await signedIn(person('applicant, halfway through 认定'))
    try {
      await app().open(page, '/certification/apply/commitment-scan')
      for (const [id, value] of [
        ['cropLeft', '120'],
        ['cropTop', '90'],
        ['cropWidth', '880'],
        ['cropHeight', '690'],
      ]) {
        for (let i = 0; i < 80; i++) {
          if ((await page.evaluate(() => document.activeElement?.getAttribute('id'))) === id) break
          await page.keyboard.press('Tab')
        }
        expect(await page.evaluate(() => document.activeElement?.getAttribute('id'))).toBe(id)
        await page.keyboard.down('Control')
        await page.keyboard.press('a')
        await page.keyboard.up('Control')
        await page.keyboard.type(value)
      }
      // Tab on to 按输入的数值裁剪 and press it with Enter.
      for (let i = 0; i < 5; i++) {
        await page.keyboard.press('Tab')
        if ((await page.evaluate(() => document.activeElement?.textContent)) === '按输入的数值裁剪') break
      }
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('按输入的数值裁剪')
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
      expect(await mainText(page)).toContain('已选择区域：左120、上90、宽880、高690像素')
    } finally {
      await context.close()
    }
  })
})
