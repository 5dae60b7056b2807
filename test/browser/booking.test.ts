import type { Browser, Page } from 'puppeteer'
import type { TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import {
  describeInBrowser,
  inspect,
  mainText,
  newPage as newTab,
  pathOf,
  startBrowserApp,
  submit,
  type BrowserApp,
} from '../helpers/browser'
import { addSlot, applicantWithApplication, bookingPoint } from '../routes/bookingSupport'

// 现场确认预约 in headless Chromium with JavaScript OFF at 1024×768: the applicant goes from the
// record to the calendar, books a slot, changes it and sees the refusal of a full slot beside the
// calendar; the point's staff open the day's list, the print view and the move form; the
// administrator the point's set-up. Every page fits the width, has no serious/critical axe-core
// finding and is saved to screenshots/.

describeInBrowser('现场确认预约 in a browser without JavaScript', () => {
  let app: BrowserApp
  let t: TestApp
  let browser: Browser
  let person: Awaited<ReturnType<typeof applicantWithApplication>>
  let point: Awaited<ReturnType<typeof bookingPoint>>
  let slots: Record<'monAm' | 'monPm' | 'tueAm' | 'full', number>
  let clerk = { username: '', password: '' }
  let admin = { username: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp()
    ;({ t, browser } = app)
    t.clock.set('2026-09-15T02:00:00Z')
    point = await bookingPoint(t)
    slots = {
      monAm: await addSlot(t, point.pointId, '2026-09-21', '09:00', '12:00', 20, 12),
      monPm: await addSlot(t, point.pointId, '2026-09-21', '14:30', '17:30', 20, 3),
      tueAm: await addSlot(t, point.pointId, '2026-09-22', '09:00', '12:00', 20, 0),
      full: await addSlot(t, point.pointId, '2026-09-22', '14:30', '17:30', 20, 20),
    }
    for (const day of ['2026-09-23', '2026-09-24', '2026-09-25', '2026-09-28', '2026-09-29'])
      for (const [start, end] of [
        ['09:00', '12:00'],
        ['14:30', '17:30'],
      ])
        await addSlot(t, point.pointId, day, start, end, 20, 5)
    person = await applicantWithApplication(t, point.bureau, { name: '覃丽' })
    clerk = await createStaff(
      t.db,
      [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: point.pointId }],
      {
        name: '李确认',
      },
    )
    admin = await createStaff(t.db, [{ role: 'admin' }], { name: '系统管理员' })
  }, 120_000)

  afterAll(async () => {
    await app?.close()
  })

  const newPage = async () => newTab(await browser.createBrowserContext())
  const words = async (page: Page) => (await mainText(page)).replace(/\s+/g, ' ')

  it('books a slot from the record, changes it, and is refused a full one beside the calendar', async () => {
    const page = await newPage()
    await app.login(page, { docNumber: person.applicant.doc_number, password: person.applicant.password })
    await app.open(page, `/certification/records/${person.application.id}`)
    expect(await words(page)).toContain('该确认点实行现场确认预约')
    await Promise.all([page.waitForNavigation(), page.click('a.button[href^="/booking/certification/"]')])
    expect(pathOf(page)).toBe(`/booking/certification/${person.application.id}`)
    expect(await words(page)).toContain('剩余8个')
    expect(await inspect(page, 'booking-calendar')).toEqual([])

    await page.click(`input[name="slot"][value="${slots.monAm}"]`)
    await submit(page, 'form[action^="/booking/"] button[type="submit"]:not(.button-secondary)')
    expect(await words(page)).toContain('已预约现场确认时段：2026年9月21日（周一）上午 09:00–12:00')
    expect(await inspect(page, 'booking-booked')).toEqual([])

    await page.click(`input[name="slot"][value="${slots.tueAm}"]`)
    await submit(page, 'form[action$="/' + person.application.id + '"] button[type="submit"]')
    expect(await words(page)).toContain('已改约为：2026年9月22日（周二）上午 09:00–12:00')
    expect(await words(page)).toContain(
      '改约：2026年9月21日（周一）上午 09:00–12:00 → 2026年9月22日（周二）上午 09:00–12:00',
    )

    // someone else takes the last places of Monday afternoon while the page is open
    await page.click(`input[name="slot"][value="${slots.monPm}"]`)
    await t.db('booking_slots').where({ id: slots.monPm }).update({ booked: 20 })
    await submit(page, 'form[action$="/' + person.application.id + '"] button[type="submit"]')
    const refused = await words(page)
    expect(refused).toContain('该时段已约满，请改选其他时段。最近还有名额的时段：')
    expect(
      await page.$eval('#slot-error', (e) => (e as unknown as { textContent: string }).textContent),
    ).toContain('该时段已约满')
    expect(await inspect(page, 'booking-full')).toEqual([])
    expect(Number((await t.db('booking_slots').where({ id: slots.tueAm }).first()).booked)).toBe(1)
  })

  it('the point’s day list, its print view and the move form; the administrator’s set-up', async () => {
    const page = await newPage()
    await app.login(page, clerk)
    await app.open(page, `/staff/booking/points/${point.pointId}?day=2026-09-22`)
    expect(await words(page)).toContain(person.application.number)
    expect(await inspect(page, 'booking-staff-day')).toEqual([])
    await app.open(page, `/staff/booking/points/${point.pointId}/print?day=2026-09-22`)
    expect(await words(page)).toContain('现场确认预约名单')
    const [booking] = await t.db('bookings').where({ application_id: person.application.id, state: 'booked' })
    await app.open(page, `/staff/booking/bookings/${booking.id}/move`)
    expect(await inspect(page, 'booking-staff-move')).toEqual([])

    const adminPage = await newPage()
    await app.login(adminPage, admin)
    await app.open(adminPage, `/staff/admin/points/${point.pointId}/booking`)
    expect(await words(adminPage)).toContain('预约统计')
    expect(await inspect(adminPage, 'booking-admin')).toEqual([])
  })
})
