import type { Page } from 'puppeteer'
import { type TestApp } from '../helpers/app'
import {
  describeInBrowser,
  inspect,
  newPage as newTab,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser'
import { createStaff } from '../helpers/factories'
import { fakeBureau } from '../helpers/registrationFactories'
import { applicantWithRegistration, bureauRows, twoAuthorities } from '../routes/registrationRecordsSupport'
import { applicantWithApplication, certifyingBureau } from '../routes/certificationRecordsSupport'

// The staff review tables at 1024×768 with the long names real bureaus have: every column stays
// readable (no header or value squeezed to one character per line) and the page fits the width.

declare const document: { querySelectorAll(selector: string): Iterable<Cell> }
declare function getComputedStyle(el: Cell): { fontSize: string; paddingLeft: string; paddingRight: string }
interface Cell {
  clientWidth: number
  textContent: string | null
  tagName: string
  cloneNode(deep: boolean): Cell
  querySelectorAll(selector: string): Iterable<{ remove(): void }>
}

/**
 * Cells holding two or more visible characters (screen-reader-only labels left out) in a box
 * narrower than two characters: one character per line.
 */
function squeezedCells(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('main table th, main table td'))
      .map((cell) => {
        const seen = cell.cloneNode(true)
        for (const hidden of Array.from(seen.querySelectorAll('.visually-hidden'))) hidden.remove()
        return { cell, text: (seen.textContent ?? '').trim() }
      })
      .filter(({ cell, text }) => {
        if ([...text].length < 2) return false
        const style = getComputedStyle(cell)
        const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
        return inner < 2 * parseFloat(style.fontSize)
      })
      .map(({ cell, text }) => `${cell.tagName.toLowerCase()} “${text}”`),
  )
}

const LONG_POINT = '江门市台山市教育局教师发展中心现场确认点（台城街道）'

describeInBrowser('staff review tables at 1024 px', () => {
  let app: BrowserApp
  let t: TestApp
  let registrationClerk = { username: '', password: '' }
  let certificationClerk = { username: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp({ bureau: { registration: fakeBureau(twoAuthorities()) } })
    t = app.t
    t.clock.set('2026-09-15T02:00:00Z')
    await bureauRows(t, twoAuthorities())
    for (const name of ['欧阳娜娜', '司马相如', '王小明'])
      await applicantWithRegistration(t, {
        name,
        status: name === '王小明' ? 'confirmation_failed' : undefined,
      })
    await t
      .db('registrations')
      .update({ data: t.db.raw(`data || ?::jsonb`, [JSON.stringify({ pointName: LONG_POINT })]) })
    registrationClerk = await createStaff(t.db, [
      { role: 'confirmation_clerk', scope_type: 'point', scope_id: 32 },
    ])

    const cb = await certifyingBureau(t)
    await t.db('confirmation_points').where({ id: cb.pointId }).update({ name: LONG_POINT })
    for (const name of ['欧阳娜娜', '爱新觉罗·溥仪']) await applicantWithApplication(t, cb, { name })
    await t
      .db('certification_applications')
      .update({ data: t.db.raw(`data || ?::jsonb`, [JSON.stringify({ pointName: LONG_POINT })]) })
    certificationClerk = await createStaff(t.db, [
      { role: 'confirmation_clerk', scope_type: 'point', scope_id: cb.pointId },
    ])
  }, 120_000)

  afterAll(() => app?.close())

  it.each([
    ['registration', '/staff/registrations', () => registrationClerk],
    ['certification', '/staff/certifications', () => certificationClerk],
  ])(
    'keeps every column of the %s queue readable at 1024×768',
    async (name, url, who) => {
      const page = await newTab(await app.browser.createBrowserContext())
      await app.login(page, who())
      await app.open(page, url)
      expect(await page.$$eval('main table tbody tr', (rows) => rows.length)).toBeGreaterThan(1)
      const problems = await inspect(page, `review-table-${name}-1024`)
      expect(await squeezedCells(page)).toEqual([])
      expect(problems).toEqual([])
    },
    60_000,
  )
})
