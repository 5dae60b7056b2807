import { appPerFile, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow, type Agent } from '../helpers/http'
import {
  addSlot,
  applicantWithApplication,
  bookingPoint,
  liveBookings,
  signedIn,
  slotRow,
  text,
  type BookingPoint,
} from './bookingSupport'

// 现场确认预约, the applicant's side: the calendar with places left, book, change, cancel until the
// bureau's deadline, refusals in Chinese beside the calendar, only 网报待确认, history kept.

let t: TestApp
// Tuesday 15 September 2026, 10:00 in Beijing.
appPerFile(async (app) => {
  t = app
  t.clock.set('2026-09-15T02:00:00Z')
})

const url = (id: number) => `/booking/certification/${id}`

async function scene(o: { changeHours?: number; enabled?: boolean } = {}) {
  const point: BookingPoint = await bookingPoint(t, o)
  const slots = {
    monAm: await addSlot(t, point.pointId, '2026-09-21', '09:00', '12:00', 5),
    monPm: await addSlot(t, point.pointId, '2026-09-21', '14:30', '17:30', 5),
    tueAm: await addSlot(t, point.pointId, '2026-09-22', '09:00', '12:00', 2),
    // tomorrow morning: inside a 24-hour deadline
    soon: await addSlot(t, point.pointId, '2026-09-16', '09:00', '12:00', 5),
  }
  const { applicant, application } = await applicantWithApplication(t, point.bureau)
  const a = await signedIn(t, applicant)
  return { point, slots, applicant, application, a }
}

async function choose(a: Agent, id: number, slot: number | string) {
  const page = await a.get(url(id))
  return a
    .post(url(id))
    .type('form')
    .send({ slot: String(slot), _csrf: csrfFrom(page.text) })
}

describe('the calendar', () => {
  it('shows the point’s slots by week with the places left, to the owner only', async () => {
    const { a, application, slots, point } = await scene()
    await t.db('booking_slots').where({ id: slots.tueAm }).update({ booked: 2 })
    const page = await a.get(url(application.id))
    expect(page.status).toBe(200)
    const words = text(page.text)
    expect(words).toContain('现场确认预约')
    expect(words).toContain(application.number)
    expect(words).toContain('9月21日（周一）')
    expect(words).toContain('上午 09:00–12:00 剩余5个')
    expect(words).toContain('下午 14:30–17:30 剩余5个')
    // full, and too close to book: shown, not offered
    expect(words).toMatch(/9月22日（周二） 上午 09:00–12:00 已约满/)
    expect(words).toMatch(/9月16日（周三） 上午 09:00–12:00 已截止/)
    expect(page.text).toContain(`name="slot" value="${slots.monAm}"`)
    expect(page.text).not.toContain(`name="slot" value="${slots.tueAm}"`)
    expect(page.text).not.toContain(`name="slot" value="${slots.soon}"`)
    // a weekend day in between is shown closed
    expect(words).toContain('9月19日（周六） 休息')
    expect(page.text).toMatch(
      /<form method="post" action="\/booking\/certification\/\d+" novalidate>\s*<input type="hidden" name="_csrf"/,
    )

    const other = await applicantWithApplication(t, point.bureau)
    const stranger = await signedIn(t, other.applicant)
    expect((await stranger.get(url(application.id))).status).toBe(404)
    const post = await choose(stranger, other.application.id, slots.monAm)
    expect(post.status).toBe(303)
    const theirs = await stranger
      .post(url(application.id))
      .type('form')
      .send({
        slot: String(slots.monAm),
        _csrf: csrfFrom((await stranger.get(url(other.application.id))).text),
      })
    expect(theirs.status).toBe(404)
    expect(await liveBookings(t, application.id)).toHaveLength(0)
  })

  it('asks a visitor to log in first', async () => {
    const page = await agent(t.app).get('/booking/certification/1')
    expect(page.status).toBe(303)
    expect(page.headers.location).toBe('/login')
  })

  it('says so when the point takes no bookings', async () => {
    const { a, application, slots } = await scene({ enabled: false })
    const words = text((await a.get(url(application.id))).text)
    expect(words).toContain('该确认点未开通现场确认预约')
    const post = await choose(a, application.id, slots.monAm)
    expect(text((await follow(a, post)).text)).toContain('该确认点未开通现场确认预约')
    expect(await liveBookings(t, application.id)).toHaveLength(0)
  })
})

describe('booking, changing and cancelling', () => {
  it('books a slot: one place taken, the booking and its history written', async () => {
    const { a, application, slots } = await scene()
    const post = await choose(a, application.id, slots.monAm)
    expect(post.status).toBe(303)
    expect(post.headers.location).toBe(url(application.id))
    const page = text((await follow(a, post)).text)
    expect(page).toContain('已预约现场确认时段：2026年9月21日（周一）上午 09:00–12:00')
    expect(page).toContain('您已预约的时段')
    expect(page).toContain('2026-09-20 09:00 之前可以改约或取消')
    expect(page).toContain('上午 09:00–12:00 您的预约')
    expect((await slotRow(t, slots.monAm)).booked).toBe(1)
    const live = await liveBookings(t, application.id)
    expect(live).toHaveLength(1)
    expect(Number(live[0].slot_id)).toBe(slots.monAm)
    const history = await t.db('booking_history').where({ application_id: application.id })
    expect(history.map((h) => h.action)).toEqual(['book'])
    expect(page).toContain('预约 2026年9月21日（周一）上午 09:00–12:00')
  })

  it('changes to another slot: the old place is free at once, the new one taken', async () => {
    const { a, application, slots } = await scene()
    await choose(a, application.id, slots.monAm)
    const post = await choose(a, application.id, slots.monPm)
    const page = text((await follow(a, post)).text)
    expect(page).toContain('已改约为：2026年9月21日（周一）下午 14:30–17:30。原时段的名额已释放。')
    expect((await slotRow(t, slots.monAm)).booked).toBe(0)
    expect((await slotRow(t, slots.monPm)).booked).toBe(1)
    const all = await t.db('bookings').where({ application_id: application.id }).orderBy('id')
    expect(all.map((b) => b.state)).toEqual(['changed', 'booked'])
    expect(page).toContain(
      '改约：2026年9月21日（周一）上午 09:00–12:00 → 2026年9月21日（周一）下午 14:30–17:30',
    )
    // choosing the slot already booked changes nothing
    const again = await choose(a, application.id, slots.monPm)
    expect(text((await follow(a, again)).text)).toContain('您已预约该时段，无需重复预约。')
    expect((await slotRow(t, slots.monPm)).booked).toBe(1)
  })

  it('cancels: the place is free at once and the applicant may book again', async () => {
    const { a, application, slots } = await scene()
    await choose(a, application.id, slots.monAm)
    const page = await a.get(url(application.id))
    const post = await a
      .post(`${url(application.id)}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
    expect(text((await follow(a, post)).text)).toContain('已取消预约，名额已释放。')
    expect((await slotRow(t, slots.monAm)).booked).toBe(0)
    expect(await liveBookings(t, application.id)).toHaveLength(0)
    const nothing = await a
      .post(`${url(application.id)}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom((await a.get(url(application.id))).text) })
    expect(text((await follow(a, nothing)).text)).toContain('本报名没有有效的预约。')
    await choose(a, application.id, slots.monAm)
    expect((await slotRow(t, slots.monAm)).booked).toBe(1)
  })

  it('refuses a form without its CSRF token', async () => {
    const { a, application, slots } = await scene()
    await a.get(url(application.id))
    const post = await a
      .post(url(application.id))
      .type('form')
      .send({ slot: String(slots.monAm) })
    expect(post.status).toBe(403)
    const cancel = await a
      .post(`${url(application.id)}/cancel`)
      .type('form')
      .send({})
    expect(cancel.status).toBe(403)
    expect(await liveBookings(t, application.id)).toHaveLength(0)
  })
})

describe('refusals, beside the calendar', () => {
  it('asks for a slot when none is chosen or the value is no slot', async () => {
    const { a, application } = await scene()
    for (const slot of ['', 'abc', '99999999']) {
      const post = await choose(a, application.id, slot)
      const page = await follow(a, post)
      expect(page.text).toMatch(/<p class="field-error" id="slot-error">/)
      expect(text(page.text)).toMatch(
        slot === '99999999' ? /请选择本报名所选确认点的预约时段/ : /请选择预约时段/,
      )
    }
  })

  it('refuses a slot of another point', async () => {
    const { a, application } = await scene()
    const elsewhere = await bookingPoint(t)
    const slot = await addSlot(t, elsewhere.pointId, '2026-09-21', '09:00', '12:00', 5)
    const page = await follow(a, await choose(a, application.id, slot))
    expect(text(page.text)).toContain('请选择本报名所选确认点的预约时段。')
    expect((await slotRow(t, slot)).booked).toBe(0)
  })

  it('refuses a full slot, naming the next slots with places left', async () => {
    const { a, application, slots } = await scene()
    await t.db('booking_slots').where({ id: slots.monAm }).update({ booked: 5 })
    const page = await follow(a, await choose(a, application.id, slots.monAm))
    expect(page.text).toMatch(/id="slot-error"/)
    expect(text(page.text)).toContain(
      '该时段已约满，请改选其他时段。最近还有名额的时段：2026年9月21日（周一）下午 14:30–17:30（剩余5个）；2026年9月22日（周二）上午 09:00–12:00（剩余2个）。',
    )
    expect(await liveBookings(t, application.id)).toHaveLength(0)
  })

  it('does not offer the slot already held when a change is refused', async () => {
    const { a, application, slots } = await scene()
    await choose(a, application.id, slots.monPm)
    await t.db('booking_slots').where({ id: slots.monAm }).update({ booked: 5 })
    const page = text((await follow(a, await choose(a, application.id, slots.monAm))).text)
    expect(page).toContain(
      '该时段已约满，请改选其他时段。最近还有名额的时段：2026年9月22日（周二）上午 09:00–12:00（剩余2个）。',
    )
    expect((await slotRow(t, slots.monPm)).booked).toBe(1)
    expect(await liveBookings(t, application.id)).toHaveLength(1)
  })

  it('keeps the deadline: no booking, change or cancel from the bureau’s hours before the slot', async () => {
    const { a: first, application, slots, applicant } = await scene({ changeHours: 48 })
    let a = first
    // tomorrow 09:00 is 23 hours away: too late to book
    let page = await follow(a, await choose(a, application.id, slots.soon))
    expect(text(page.text)).toContain('该时段开始前48小时起不能再预约、改约或取消')
    expect((await slotRow(t, slots.soon)).booked).toBe(0)
    await choose(a, application.id, slots.monAm)
    // Saturday 19 September 10:00: 47 hours before Monday 09:00
    t.clock.set('2026-09-19T02:00:00Z')
    a = await signedIn(t, applicant)
    page = await a.get(url(application.id))
    expect(text(page.text)).toContain('已过改约截止时间（2026-09-19 09:00），不能再改约或取消')
    expect(page.text).not.toContain('取消预约</button>')
    page = await follow(a, await choose(a, application.id, slots.tueAm))
    expect(text(page.text)).toContain('已过改约截止时间（时段开始前48小时），不能再改约或取消')
    const cancel = await a
      .post(`${url(application.id)}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
    expect(text((await follow(a, cancel)).text)).toContain('已过改约截止时间')
    expect((await slotRow(t, slots.monAm)).booked).toBe(1)
    expect((await slotRow(t, slots.tueAm)).booked).toBe(0)
  })

  it('takes bookings only while 网报待确认, and keeps the history after', async () => {
    const { a, application, slots } = await scene()
    await choose(a, application.id, slots.monAm)
    await t
      .db('certification_applications')
      .where({ id: application.id })
      .update({ status: 'awaiting_review' })
    const page = await a.get(url(application.id))
    const words = text(page.text)
    expect(words).toContain('只有“网报待确认”的报名可以预约、改约或取消')
    expect(words).toContain('预约 2026年9月21日（周一）上午 09:00–12:00')
    expect(words).toContain('2026年9月21日（周一）上午 09:00–12:00')
    expect(page.text).not.toContain('name="slot"')
    const post = await a
      .post(url(application.id))
      .type('form')
      .send({ slot: String(slots.monPm), _csrf: csrfFrom(page.text) })
    expect(text((await follow(a, post)).text)).toContain('只有“网报待确认”的报名可以预约、改约或取消')
    const cancel = await a
      .post(`${url(application.id)}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
    expect(text((await follow(a, cancel)).text)).toContain('只有“网报待确认”的报名可以预约、改约或取消')
    expect(await liveBookings(t, application.id)).toHaveLength(1)
    expect((await slotRow(t, slots.monAm)).booked).toBe(1)
  })
})
