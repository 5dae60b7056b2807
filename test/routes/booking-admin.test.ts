import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { agent, csrfFrom, follow, type Agent } from '../helpers/http'
import { staffLoginAs } from '../helpers/login'
import { postFrom } from './staffSupport'
import { shanghaiDateTime } from '../../src/domain/time'
import {
  addSlot,
  applicantWithApplication,
  bookingPoint,
  scopedStaff,
  signedIn,
  slotRow,
  text,
} from './bookingSupport'

// 现场确认预约, the bureau's side: the per-point switch and change deadline, slots planned over
// working days (closed days from the holiday table), places changed but never below the bookings,
// unused slots deleted; errors beside the fields, the audit log, administrators only.

let t: TestApp
let admin: Agent
let adminId: number
beforeAll(async () => {
  t = await appWithAllRoutes()
  admin = agent(t.app)
  const s = await createStaff(t.db, [{ role: 'admin' }])
  adminId = Number(s.id)
  await staffLoginAs(admin, s)
})
afterAll(() => t.close())

const page = (pointId: number) => `/staff/admin/points/${pointId}/booking`
const audits = (action: string) => t.db('audit_log').where({ action }).orderBy('id')
const slotsOf = async (pointId: number) =>
  (await t.db('booking_slots').where({ point_id: pointId }).orderBy('starts_at')).map(
    (s) => `${shanghaiDateTime(s.starts_at)}–${shanghaiDateTime(s.ends_at).slice(11)} ${s.places}`,
  )

it('is for administrators only, and linked from the point’s page', async () => {
  const { pointId } = await bookingPoint(t, { enabled: false })
  const clerk = await scopedStaff(t, 'confirmation_clerk', pointId)
  expect((await clerk.a.get(page(pointId))).status).toBe(403)
  const post = await clerk.a
    .post(page(pointId))
    .type('form')
    .send({ enabled: 'yes', changeHours: '24', _csrf: csrfFrom((await clerk.a.get('/staff/booking')).text) })
  expect(post.status).toBe(403)
  expect((await agent(t.app).get(page(pointId))).headers.location).toBe('/staff/login')
  expect((await t.db('booking_points').where({ point_id: pointId }).first()).enabled).toBe(false)
  expect((await admin.get(`/staff/admin/points/${pointId}`)).text).toContain(page(pointId))
  expect((await admin.get('/staff/admin/points/99999999/booking')).status).toBe(404)
})

it('switches booking on with a change deadline, audited; refuses a bad number beside the field', async () => {
  const { pointId } = await bookingPoint(t, { enabled: false })
  let res = await postFrom(admin, page(pointId), page(pointId), { enabled: 'yes', changeHours: '1000' })
  let html = (await follow(admin, res)).text
  expect(html).toContain('id="changeHours-error"')
  expect(text(html)).toContain('改约截止时间应为0到720之间的整数（小时）')
  expect(html).toContain('value="1000"')
  res = await postFrom(admin, page(pointId), page(pointId), { enabled: 'yes', changeHours: '48' })
  html = (await follow(admin, res)).text
  expect(text(html)).toContain('已开通现场确认预约，设置已保存。')
  expect(await t.db('booking_points').where({ point_id: pointId }).first()).toMatchObject({
    enabled: true,
    change_hours: 48,
  })
  const [entry] = await audits('booking.settings')
  expect(Number(entry.actor_id)).toBe(adminId)
  expect(entry.detail).toEqual({ enabled: true, changeHours: 48 })
  expect(await postFrom(admin, page(pointId), page(pointId), { changeHours: '48' })).toMatchObject({
    status: 303,
  })
  expect((await t.db('booking_points').where({ point_id: pointId }).first()).enabled).toBe(false)
  // CSRF
  expect(
    (await admin.post(page(pointId)).type('form').send({ enabled: 'yes', changeHours: '1' })).status,
  ).toBe(403)
})

it('plans slots on working days only: weekends and the holiday table’s 节假日 closed, its 调休上班 open', async () => {
  t.clock.set('2026-09-15T02:00:00Z')
  const { pointId } = await bookingPoint(t)
  await t
    .db('holidays')
    .insert([
      { day: '2026-09-23', kind: 'holiday', name: '测试假日' },
      { day: '2026-09-26', kind: 'workday', name: '调休上班' },
    ])
    .onConflict('day')
    .merge()
  const url = `${page(pointId)}/slots`
  const res = await postFrom(admin, page(pointId), url, {
    from: '2026-09-21',
    to: '2026-09-27',
    periods: '09:00-12:00\n14：30～17：30',
    places: '12',
  })
  expect(text((await follow(admin, res)).text)).toContain('已添加10个时段。')
  expect(await slotsOf(pointId)).toEqual([
    '2026-09-21 09:00–12:00 12',
    '2026-09-21 14:30–17:30 12',
    '2026-09-22 09:00–12:00 12',
    '2026-09-22 14:30–17:30 12',
    '2026-09-24 09:00–12:00 12',
    '2026-09-24 14:30–17:30 12',
    '2026-09-25 09:00–12:00 12',
    '2026-09-25 14:30–17:30 12',
    '2026-09-26 09:00–12:00 12',
    '2026-09-26 14:30–17:30 12',
  ])
  // again, with hourly periods: overlapping ones are skipped and counted
  const again = await postFrom(admin, page(pointId), url, {
    from: '2026-09-21',
    to: '2026-09-21',
    periods: '08:00-09:00\n11:00-12:00',
    places: '3',
  })
  expect(text((await follow(admin, again)).text)).toContain(
    '已添加1个时段（另有1个与已有时段重叠，未添加）。',
  )
  const [entry] = await audits('booking.slots_add')
  expect(entry.detail).toMatchObject({ from: '2026-09-21', to: '2026-09-27', places: 12, added: 10 })
  // the page lists them by day
  const words = text((await admin.get(page(pointId))).text)
  expect(words).toContain('2026年9月26日（周六）')
  expect(words).not.toContain('2026年9月23日（周三）')
})

it('refuses a bad plan with every error beside its field, keeping what was typed', async () => {
  t.clock.set('2026-09-15T02:00:00Z')
  const { pointId } = await bookingPoint(t)
  const plan = async (fields: Record<string, string>) =>
    (await follow(admin, await postFrom(admin, page(pointId), `${page(pointId)}/slots`, fields))).text
  const html = await plan({ from: '2026-02-30', to: '', periods: '9点到12点', places: '0' })
  for (const id of ['from-error', 'to-error', 'periods-error', 'places-error'])
    expect(html).toContain(`id="${id}"`)
  expect(html).toContain('9点到12点')
  expect(text(html)).toContain('请填写开始日期（年-月-日）')
  expect(text(html)).toContain('第1行：时段应写成“开始-结束”，例如 09:00-12:00')
  expect(text(html)).toContain('每个时段的名额应为1到10000之间的整数')
  const late = text(await plan({ from: '2026-09-01', to: '2027-09-01', periods: '12:00-09:00', places: '5' }))
  expect(late).toContain('开始日期不能早于今天')
  expect(late).toContain('第1行：结束时间应晚于开始时间')
  const weekend = text(
    await plan({ from: '2026-09-19', to: '2026-09-20', periods: '09:00-12:00', places: '5' }),
  )
  expect(weekend).toContain('所选日期内没有工作日')
  expect(await slotsOf(pointId)).toEqual([])
})

it('changes places never below the bookings, and deletes only a slot nobody booked', async () => {
  t.clock.set('2026-09-15T02:00:00Z')
  const point = await bookingPoint(t)
  const used = await addSlot(t, point.pointId, '2026-09-21', '09:00', '12:00', 5)
  const unused = await addSlot(t, point.pointId, '2026-09-21', '14:30', '17:30', 5)
  const { applicant, application } = await applicantWithApplication(t, point.bureau)
  const a = await signedIn(t, applicant)
  await a
    .post(`/booking/certification/${application.id}`)
    .type('form')
    .send({
      slot: String(used),
      _csrf: csrfFrom((await a.get(`/booking/certification/${application.id}`)).text),
    })
  expect((await slotRow(t, used)).booked).toBe(1)
  const slotUrl = (id: number) => `/staff/admin/booking/slots/${id}`
  let res = await postFrom(admin, page(point.pointId), slotUrl(used), { action: 'places', places: '0' })
  const html = (await follow(admin, res)).text
  expect(html).toContain(`id="slot${used}-error"`)
  expect(text(html)).toContain('每个时段的名额应为1到10000之间的整数')
  await t.db('booking_slots').where({ id: used }).update({ places: 3, booked: 2 })
  res = await postFrom(admin, page(point.pointId), slotUrl(used), { action: 'places', places: '1' })
  expect(text((await follow(admin, res)).text)).toContain('该时段已有2人预约，名额不能少于2')
  res = await postFrom(admin, page(point.pointId), slotUrl(used), { action: 'places', places: '8' })
  expect(text((await follow(admin, res)).text)).toContain('的名额改为8个')
  expect((await slotRow(t, used)).places).toBe(8)
  res = await postFrom(admin, page(point.pointId), slotUrl(used), { action: 'delete' })
  expect(text((await follow(admin, res)).text)).toContain('该时段有预约记录（含已改约、已取消的），不能删除')
  expect(await slotRow(t, used)).toBeDefined()
  res = await postFrom(admin, page(point.pointId), slotUrl(unused), { action: 'delete' })
  expect(text((await follow(admin, res)).text)).toContain(
    '已删除时段：2026年9月21日（周一）下午 14:30–17:30。',
  )
  expect(await slotRow(t, unused)).toBeUndefined()
  expect((await audits('booking.slot_places')).map((e) => e.detail)).toEqual([
    { pointId: point.pointId, from: 3, to: 8 },
  ])
  expect(await audits('booking.slot_delete')).toHaveLength(1)
  // the figures: bookings per slot
  const words = text((await admin.get(page(point.pointId))).text)
  expect(words).toContain('预约统计')
  expect(words).toMatch(/2026年9月21日（周一）上午 09:00–12:00 8 2 0 0 25%/)
})
