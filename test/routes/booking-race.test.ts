import { appPerFile, type TestApp } from '../helpers/app'
import { csrfFrom, follow, type Agent } from '../helpers/http'
import { addSlot, applicantWithApplication, bookingPoint, signedIn, slotRow, text } from './bookingSupport'

// No overbooking, ever: parallel bookings through the whole app on the real database. Each request
// is a different applicant's application, all sent at once for the last places of one slot.

let t: TestApp
appPerFile(async (app) => {
  t = app
  t.clock.set('2026-09-15T02:00:00Z')
})

interface Booker {
  a: Agent
  id: number
  token: string
}

async function bookers(n: number, bureau: Awaited<ReturnType<typeof bookingPoint>>['bureau']) {
  const out: Booker[] = []
  for (let i = 0; i < n; i++) {
    const { applicant, application } = await applicantWithApplication(t, bureau, { name: `申请人${i}` })
    const a = await signedIn(t, applicant)
    const page = await a.get(`/booking/certification/${application.id}`)
    out.push({ a, id: application.id, token: csrfFrom(page.text) })
  }
  return out
}

const send = (b: Booker, slot: number) =>
  b.a
    .post(`/booking/certification/${b.id}`)
    .type('form')
    .send({ slot: String(slot), _csrf: b.token })

/** Every slot's counter equals its live bookings. */
async function countersAgree(pointId: number) {
  const rows = await t.db.raw(
    `SELECT s.id, s.booked, s.places, count(b.id)::int AS live
       FROM booking_slots s LEFT JOIN bookings b ON b.slot_id = s.id AND b.state = 'booked'
      WHERE s.point_id = ? GROUP BY s.id`,
    [pointId],
  )
  for (const r of rows.rows) {
    expect(r.booked).toBe(r.live)
    expect(r.booked).toBeLessThanOrEqual(r.places)
  }
}

it('gives 50 parallel bookings for the last 3 places exactly 3 bookings and 47 refusals naming the next free slots', async () => {
  const { bureau, pointId } = await bookingPoint(t)
  // 27 of 30 places taken (as counts: these tests look at the 3 left)
  const hot = await addSlot(t, pointId, '2026-09-21', '09:00', '12:00', 30, 27)
  await addSlot(t, pointId, '2026-09-21', '14:30', '17:30', 30, 29)
  await addSlot(t, pointId, '2026-09-22', '09:00', '12:00', 30, 0)
  const people = await bookers(50, bureau)

  const answers = await Promise.all(people.map((b) => send(b, hot)))
  expect(answers.every((r) => r.status === 303)).toBe(true)
  const pages = await Promise.all(answers.map((r, i) => follow(people[i].a, r)))
  const words = pages.map((p) => text(p.text))
  const booked = words.filter((w) => w.includes('已预约现场确认时段：2026年9月21日（周一）上午 09:00–12:00'))
  const refused = words.filter((w) =>
    w.includes(
      '该时段已约满，请改选其他时段。最近还有名额的时段：2026年9月21日（周一）下午 14:30–17:30（剩余1个）；2026年9月22日（周二）上午 09:00–12:00（剩余30个）。',
    ),
  )
  expect(booked).toHaveLength(3)
  expect(refused).toHaveLength(47)

  expect((await slotRow(t, hot)).booked).toBe(30)
  const rows = await t.db('bookings').where({ slot_id: hot, state: 'booked' })
  // the 27 taken before were written as counts only: the race added exactly 3 bookings
  expect(rows).toHaveLength(3)
})

it('frees places at once under load: parallel changes away from a full slot and bookings into it never overbook', async () => {
  const { bureau, pointId } = await bookingPoint(t)
  const a = await addSlot(t, pointId, '2026-09-23', '09:00', '12:00', 10)
  const b = await addSlot(t, pointId, '2026-09-23', '14:30', '17:30', 10)
  const holders = await bookers(10, bureau)
  for (const h of holders) expect((await send(h, a)).status).toBe(303)
  expect((await slotRow(t, a)).booked).toBe(10)
  const newcomers = await bookers(15, bureau)
  // fresh tokens are not needed: the same session's token stays valid
  const answers = await Promise.all([...holders.map((h) => send(h, b)), ...newcomers.map((n) => send(n, a))])
  expect(answers.every((r) => r.status === 303)).toBe(true)
  // every holder moved to b (10 places); newcomers got exactly the places the moves freed in a
  expect((await slotRow(t, b)).booked).toBe(10)
  const inA = await t.db('bookings').where({ slot_id: a, state: 'booked' })
  expect(inA.length).toBe((await slotRow(t, a)).booked)
  expect(inA.length).toBeLessThanOrEqual(10)
  await countersAgree(pointId)
})
