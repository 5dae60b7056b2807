import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { csrfFrom, type Agent } from '../helpers/http'
import { fakeBureau, swappable } from '../helpers/registrationFactories'
import { pdfText } from '../services/pdfSupport'
import { JOB_QUEUES } from '../../src/services/jobs'
import { sendReminders, startBookingReminders } from '../../src/modules/booking/reminders'
import { addSlot, applicantWithApplication, bookingPoint, signedIn, text } from './bookingSupport'
import { postFrom } from './staffSupport'
import { applicantWithRegistration, bureauRows, twoAuthorities } from './registrationRecordsSupport'
import { binary } from './registriesSupport'

// 现场确认预约 where the applicant and the point meet it elsewhere: the 申报提醒 after submitting and
// the record while 网报待确认 lead to the booking page; the record, the 申报提醒, the 有留言 page and
// the printed 申请表 show the booked slot (both businesses); the day-before reminder goes out once
// by SMS and e-mail through the outbox, as a pg-boss job.

const getPdf = (a: Agent, url: string) => a.get(url).buffer(true).parse(binary)

let t: TestApp
const bureau = swappable(fakeBureau([]))
beforeAll(async () => {
  t = await appWithAllRoutes({ bureau: { registration: bureau.port }, jobs: true })
  await bureauRows(t, twoAuthorities())
  // the demo ids above were written by hand: the next ones come after them
  await t.ownerDb.raw(`SELECT setval('authorities_id_seq', 100), setval('confirmation_points_id_seq', 100)`)
})
afterAll(() => t.close())
beforeEach(() => {
  bureau.use(fakeBureau(twoAuthorities()))
  t.clock.set('2026-09-15T02:00:00Z')
})

async function book(a: Agent, business: string, id: number, slot: number) {
  const url = `/booking/${business}/${id}`
  const res = await a
    .post(url)
    .type('form')
    .send({ slot: String(slot), _csrf: csrfFrom((await a.get(url)).text) })
  expect(res.status).toBe(303)
}

it('certification: the 申报提醒 and the record call to book; once booked they, 有留言 and the 申请表 show the slot', async () => {
  const point = await bookingPoint(t)
  const slot = await addSlot(t, point.pointId, '2026-09-21', '09:00', '12:00', 5)
  const { applicant, application } = await applicantWithApplication(t, point.bureau)
  const a = await signedIn(t, applicant)
  const base = `/certification/records/${application.id}`
  const bookingUrl = `/booking/certification/${application.id}`
  for (const page of [`${base}/reminder`, base]) {
    const html = (await a.get(page)).text
    expect(text(html)).toContain('该确认点实行现场确认预约')
    expect(html).toContain(`<a class="button" href="${bookingUrl}">预约现场确认时段</a>`)
    expect(text(html)).toContain('现场确认预约 尚未预约')
  }
  await book(a, 'certification', application.id, slot)
  const slotText = '2026年9月21日（周一）上午 09:00–12:00'
  for (const page of [`${base}/reminder`, base, `${base}/messages`]) {
    const html = (await a.get(page)).text
    expect(text(html)).toContain(`现场确认预约 ${slotText}（ 改约或取消 ）`)
    expect(html).toContain(`href="${bookingUrl}"`)
    expect(html).not.toContain('该确认点实行现场确认预约')
  }
  const pdf = await getPdf(a, `${base}/form`)
  expect(pdf.status).toBe(200)
  // the 确认点 cell is narrow: its two lines sit among the neighbouring cells' in the text layout
  const printed = pdfText(pdf.body as Buffer).replace(/\s+/g, '')
  expect(printed).toContain('认定确认点')
  expect(printed).toContain('（预约时段：2026年')
  expect(printed).toContain('9月21日（周一）上午09:00–12:00）')
  // after 网报待确认 the slot stays on the record, without the link to change it
  await t.db('certification_applications').where({ id: application.id }).update({ status: 'awaiting_review' })
  const after = text((await a.get(base)).text)
  expect(after).toContain(`现场确认预约 ${slotText}（ 预约记录 ）`)
})

it('certification: a point without booking shows nothing of it', async () => {
  const point = await bookingPoint(t, { enabled: false })
  const { applicant, application } = await applicantWithApplication(t, point.bureau)
  const a = await signedIn(t, applicant)
  const html = (await a.get(`/certification/records/${application.id}`)).text
  expect(html).not.toContain('现场确认预约')
})

it('registration: the record, the 申报提醒 and the printed 申请表 show the slot', async () => {
  await t
    .db('booking_points')
    .insert({ point_id: 31, enabled: true, change_hours: 24, updated_at: new Date('2026-09-01T00:00:00Z') })
    .onConflict('point_id')
    .merge()
  const slot = await addSlot(t, 31, '2026-09-22', '14:30', '17:30', 5)
  const { applicant, registration } = await applicantWithRegistration(t, { pointId: 31 })
  const a = await signedIn(t, applicant)
  const base = `/registration/records/${registration.id}`
  expect(text((await a.get(`${base}/reminder`)).text)).toContain('该确认点实行现场确认预约')
  await book(a, 'registration', registration.id, slot)
  const slotText = '2026年9月22日（周二）下午 14:30–17:30'
  for (const page of [`${base}/reminder`, base, `${base}/messages`])
    expect(text((await a.get(page)).text)).toContain(`现场确认预约 ${slotText}`)
  const pdf = await getPdf(a, `${base}/form`)
  expect(pdf.status).toBe(200)
  expect(pdfText(pdf.body as Buffer).replace(/\s+/g, '')).toContain(
    `台山市海宴镇中心小学（预约时段：${slotText.replace(/\s+/g, '')}）`,
  )
})

it('reminds the day before by SMS and e-mail through the outbox, once, as a pg-boss job', async () => {
  const point = await bookingPoint(t)
  const tomorrow = await addSlot(t, point.pointId, '2026-09-28', '09:00', '12:00', 5)
  const later = await addSlot(t, point.pointId, '2026-09-29', '09:00', '12:00', 5)
  const people = [] as Awaited<ReturnType<typeof applicantWithApplication>>[]
  for (const slot of [tomorrow, later]) {
    const { applicant, application } = await applicantWithApplication(t, point.bureau, { name: '黄敏' })
    await book(await signedIn(t, applicant), 'certification', application.id, slot)
    people.push({ applicant, application, files: { photo: '', scan: '', crop: '' } })
  }
  // Sunday 27 September, 18:00 in Beijing
  t.clock.set('2026-09-27T10:00:00Z')
  const outbox = () =>
    t
      .db('outbox')
      .whereIn('recipient', [people[0].applicant.phone, people[0].applicant.email, people[1].applicant.phone])
  await startBookingReminders(t.services)
  expect(await t.services.jobs.send(JOB_QUEUES.bookingReminders, {})).toBe(true)
  for (let i = 0; i < 100 && (await outbox()).length < 2; i++) await new Promise((r) => setTimeout(r, 200))
  const sent = await outbox().orderBy('channel')
  expect(sent.map((m) => [m.channel, m.recipient])).toEqual([
    ['email', people[0].applicant.email],
    ['sms', people[0].applicant.phone],
  ])
  expect(sent[1].body).toContain('您预约了明天上午 09:00–12:00在')
  expect(sent[0].subject).toBe('现场确认预约提醒')
  // a second run finds nothing new
  expect(await sendReminders(t.services)).toEqual({ reminded: 0 })
  expect(await outbox()).toHaveLength(2)
  const schedule = await t.ownerDb.raw(`SELECT cron, timezone FROM pgboss.schedule WHERE name = ?`, [
    JOB_QUEUES.bookingReminders,
  ])
  expect(schedule.rows).toEqual([{ cron: '0 18 * * *', timezone: 'Asia/Shanghai' }])
  const history = await t
    .db('booking_history')
    .where({ application_id: people[0].application.id, action: 'reminded' })
  expect(history).toHaveLength(1)
})

it('registration: choosing another authority and point after 选错注册机构 gives the old point’s place back', async () => {
  await t
    .db('booking_points')
    .insert({ point_id: 31, enabled: true, change_hours: 24, updated_at: new Date('2026-09-01T00:00:00Z') })
    .onConflict('point_id')
    .merge()
  const slot = await addSlot(t, 31, '2026-09-24', '09:00', '12:00', 5)
  const { applicant, registration } = await applicantWithRegistration(t, { pointId: 31 })
  const a = await signedIn(t, applicant)
  await book(a, 'registration', registration.id, slot)
  expect((await t.db('booking_slots').where({ id: slot }).first()).booked).toBe(1)
  await t.db('registrations').where({ id: registration.id }).update({ status: 'wrong_authority' })
  const url = `/registration/records/${registration.id}/authority`
  const res = await postFrom(a, url, url, {
    provinceCode: '440000',
    cityCode: '440700',
    stage: '2',
    subject: 'chinese',
    authorityId: '4',
    pointId: '41',
    version: String(registration.version),
  })
  expect(res.headers.location).toBe(`/registration/records/${registration.id}`)
  expect((await t.db('booking_slots').where({ id: slot }).first()).booked).toBe(0)
  expect(await t.db('bookings').where({ application_id: registration.id, state: 'booked' })).toHaveLength(0)
  const page = text((await a.get(`/booking/registration/${registration.id}`)).text)
  expect(page).toContain(
    '取消预约 2026年9月24日（周四）上午 09:00–12:00（已更换确认点，原确认点的预约自动取消）',
  )
})
