import { appPerFile, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow } from '../helpers/http'
import { staffLoginAs } from '../helpers/login'
import { postFrom } from './staffSupport'
import {
  addSlot,
  applicantWithApplication,
  bookingPoint,
  liveBookings,
  scopedStaff,
  signedIn,
  slotRow,
  text,
} from './bookingSupport'

// 现场确认预约, the point's staff: the day's list (photo, 报名号) and its print view, 已到/未到,
// moving a booking with a note (the place freed at once), the figures; only their own point.

let t: TestApp
appPerFile(async (app) => {
  t = app
  t.clock.set('2026-09-15T02:00:00Z')
})

const DAY = '2026-09-21'

async function scene() {
  const point = await bookingPoint(t)
  const am = await addSlot(t, point.pointId, DAY, '09:00', '12:00', 5)
  const pm = await addSlot(t, point.pointId, DAY, '14:30', '17:30', 1)
  const next = await addSlot(t, point.pointId, '2026-09-22', '09:00', '12:00', 5)
  const people = []
  for (const name of ['覃丽', '韦强']) {
    const { applicant, application, files } = await applicantWithApplication(t, point.bureau, { name })
    const a = await signedIn(t, applicant)
    const page = await a.get(`/booking/certification/${application.id}`)
    await a
      .post(`/booking/certification/${application.id}`)
      .type('form')
      .send({ slot: String(am), _csrf: csrfFrom(page.text) })
    const [b] = await liveBookings(t, application.id)
    people.push({ applicant, application, files, a, bookingId: Number(b.id) })
  }
  const clerk = await scopedStaff(t, 'confirmation_clerk', point.pointId)
  return { point, am, pm, next, people, clerk: clerk.a, clerkId: clerk.id }
}

const dayUrl = (pointId: number, day = DAY) => `/staff/booking/points/${pointId}?day=${day}`

describe('the day’s list', () => {
  it('lists the booked applicants by slot with photo and 报名号, and prints', async () => {
    const { point, people, clerk } = await scene()
    const home = await clerk.get('/staff/booking')
    expect(text(home.text)).toContain('已开通')
    expect(home.text).toContain(`/staff/booking/points/${point.pointId}`)
    const page = await clerk.get(dayUrl(point.pointId))
    expect(page.status).toBe(200)
    const words = text(page.text)
    expect(words).toContain('2026年9月21日（周一）（共2人）')
    expect(words).toContain('上午 09:00–12:00：已预约 2 / 5')
    expect(words).toContain('下午 14:30–17:30：已预约 0 / 1')
    for (const p of people) {
      expect(words).toContain(p.application.number)
      expect(page.text).toContain(`<img src="/files/${p.files.photo}" alt="${p.applicant.name}的证件照"`)
      // the photo opens for the point's staff
      expect((await clerk.get(`/files/${p.files.photo}`)).status).toBe(200)
    }
    const print = await clerk.get(`/staff/booking/points/${point.pointId}/print?day=${DAY}`)
    expect(print.status).toBe(200)
    const printed = text(print.text)
    expect(printed).toContain('现场确认预约名单')
    expect(printed).toContain('2026年9月21日（周一） · 共2人')
    for (const p of people) expect(printed).toContain(p.application.number)
    expect(print.text).not.toContain('site-header')
  })

  it('shows another point’s list, bookings and actions to nobody else on staff', async () => {
    const { point, people, am } = await scene()
    const elsewhere = await bookingPoint(t)
    const other = await scopedStaff(t, 'confirmation_clerk', elsewhere.pointId)
    expect((await other.a.get(dayUrl(point.pointId))).status).toBe(404)
    expect((await other.a.get(`/staff/booking/points/${point.pointId}/print?day=${DAY}`)).status).toBe(404)
    expect((await other.a.get(`/staff/booking/bookings/${people[0].bookingId}/move`)).status).toBe(404)
    const token = csrfFrom((await other.a.get(dayUrl(elsewhere.pointId))).text)
    const mark = await other.a
      .post(`/staff/booking/bookings/${people[0].bookingId}/attendance`)
      .type('form')
      .send({ attendance: 'absent', _csrf: token })
    expect(mark.status).toBe(404)
    const move = await other.a
      .post(`/staff/booking/bookings/${people[0].bookingId}/move`)
      .type('form')
      .send({ slot: String(am), note: '越权', _csrf: token })
    expect(move.status).toBe(404)
    expect(text((await other.a.get('/staff/booking')).text)).not.toContain(String(point.pointId) + '"')
    // staff without 现场确认 get 403; visitors the login
    const approver = await scopedStaff(t, 'certification_approver', point.bureau.authorityId)
    expect((await approver.a.get('/staff/booking')).status).toBe(403)
    expect((await agent(t.app).get('/staff/booking')).headers.location).toBe('/staff/login')
    expect((await t.db('bookings').where({ id: people[0].bookingId }).first()).attendance).toBeNull()
  })
})

describe('已到 / 未到', () => {
  it('marks attendance on the day, audited, and counts the no-show rate', async () => {
    const { point, people, clerk, clerkId } = await scene()
    // before the day: refused
    let res = await postFrom(
      clerk,
      dayUrl(point.pointId),
      `/staff/booking/bookings/${people[0].bookingId}/attendance`,
      {
        attendance: 'arrived',
      },
    )
    expect(text((await follow(clerk, res)).text)).toContain('该时段尚未到，到当天才能标记已到或未到。')
    t.clock.set('2026-09-21T04:00:00Z')
    const fresh = agent(t.app)
    await staffLoginAs(fresh, {
      username: (await t.db('staff_users').where({ id: clerkId }).first()).username,
      password: 'Test#2026abc',
    })
    res = await postFrom(
      fresh,
      dayUrl(point.pointId),
      `/staff/booking/bookings/${people[0].bookingId}/attendance`,
      {
        attendance: 'arrived',
      },
    )
    expect(text((await follow(fresh, res)).text)).toContain('已标记为已到。')
    res = await postFrom(
      fresh,
      dayUrl(point.pointId),
      `/staff/booking/bookings/${people[1].bookingId}/attendance`,
      {
        attendance: 'absent',
      },
    )
    const page = text((await follow(fresh, res)).text)
    expect(page).toContain('已标记为未到。')
    expect(page).toContain('标记已到 1 人、未到 1 人，爽约率（未到 ÷ 已标记）： 50%')
    expect(page).toMatch(/2026年9月21日（周一）上午 09:00–12:00 5 2 1 1 40%/)
    const audits = await t
      .db('audit_log')
      .whereIn('action', ['booking.arrived', 'booking.absent'])
      .orderBy('id')
    expect(audits.map((a) => [a.action, Number(a.actor_id)])).toEqual([
      ['booking.arrived', clerkId],
      ['booking.absent', clerkId],
    ])
    // the applicant sees it in the history
    const again = await signedIn(t, people[1].applicant)
    const words = text((await again.get(`/booking/certification/${people[1].application.id}`)).text)
    expect(words).toContain('确认点标记未到')
  })
})

describe('moving a booking', () => {
  it('needs a slot and a note; moves, frees the old place at once, is audited and shown to the applicant', async () => {
    const { point, people, clerk, am, pm, next, clerkId } = await scene()
    const moveUrl = `/staff/booking/bookings/${people[0].bookingId}/move`
    const form = await clerk.get(moveUrl)
    expect(form.status).toBe(200)
    expect(text(form.text)).toContain('2026年9月22日（周二）上午 09:00–12:00（剩余5个）')
    let res = await postFrom(clerk, moveUrl, moveUrl, { slot: '', note: '' })
    let page = await follow(clerk, res)
    expect(text(page.text)).toContain('请选择新的时段')
    expect(text(page.text)).toContain('请填写调整原因（将记入预约记录）')
    expect(page.text).toContain('id="note-error"')
    res = await postFrom(clerk, moveUrl, moveUrl, { slot: String(next), note: '申请人来电：周一有课' })
    page = await follow(clerk, res)
    expect(text(page.text)).toContain('已调整到：2026年9月22日（周二）上午 09:00–12:00。原时段的名额已释放。')
    expect((await slotRow(t, am)).booked).toBe(1)
    expect((await slotRow(t, next)).booked).toBe(1)
    const rows = await t.db('bookings').where({ application_id: people[0].application.id }).orderBy('id')
    expect(rows.map((r) => r.state)).toEqual(['moved', 'booked'])
    const [audit] = await t.db('audit_log').where({ action: 'booking.move' })
    expect(Number(audit.actor_id)).toBe(clerkId)
    expect(audit.detail).toMatchObject({ fromSlotId: am, toSlotId: next, note: '申请人来电：周一有课' })
    const words = text((await people[0].a.get(`/booking/certification/${people[0].application.id}`)).text)
    expect(words).toContain(
      '确认点调整：2026年9月21日（周一）上午 09:00–12:00 → 2026年9月22日（周二）上午 09:00–12:00（申请人来电：周一有课）',
    )
    // a full slot is refused with the free ones named
    const second = `/staff/booking/bookings/${people[1].bookingId}/move`
    await postFrom(clerk, second, second, { slot: String(pm), note: '调到下午' })
    await t.db('booking_slots').where({ id: next }).update({ places: 1 })
    const third = await applicantWithApplication(t, point.bureau)
    const ta = await signedIn(t, third.applicant)
    await ta
      .post(`/booking/certification/${third.application.id}`)
      .type('form')
      .send({
        slot: String(am),
        _csrf: csrfFrom((await ta.get(`/booking/certification/${third.application.id}`)).text),
      })
    const [tb] = await liveBookings(t, third.application.id)
    const thirdUrl = `/staff/booking/bookings/${tb.id}/move`
    res = await postFrom(clerk, thirdUrl, thirdUrl, { slot: String(pm), note: '满了也试试' })
    page = await follow(clerk, res)
    // the booking's own slot is not offered: nothing else has a place
    expect(text(page.text)).toContain('所选时段已约满，本确认点没有其他还有名额的时段。')
    expect((await slotRow(t, pm)).booked).toBe(1)
    expect((await slotRow(t, am)).booked).toBe(1)
  })
})
