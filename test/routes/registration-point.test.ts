import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { makeAuthority, makePoint, makeWindow } from '../helpers/bureauFactories'
import { pointsFor } from '../../src/modules/bureau/service'
import { applicantWithRegistration, signedIn } from './registrationRecordsSupport'

// The record keeps showing the point the applicant chose after the point's 确认结束时间, when the
// point is no longer offered (services.bureau.registration.pointsFor) — read through the real bureau reader.

const RECORDS = '/registration/records'
let t: TestApp

beforeAll(async () => {
  t = await appWithAllRoutes()
})
afterAll(() => t.close())

describe('the record’s confirmation point', () => {
  it('is shown, with its times, after the point’s 确认结束时间', async () => {
    t.clock.set('2026-09-15T02:00:00Z')
    const authority = await makeAuthority(t.db, { name: '南宁市青秀区教育局' })
    const point = await makePoint(t.db, authority, {
      name: '青秀区教师发展中心',
      address: '青秀区教育路2号',
      confirm_start: new Date('2026-09-16T01:00:00Z'),
      confirm_end: new Date('2026-09-20T09:00:00Z'),
    })
    await makeWindow(t.db, authority, 'registration', '2026-08-31T16:00:00Z', '2026-10-31T16:00:00Z')
    const { applicant, registration } = await applicantWithRegistration(t, {
      authorityId: authority,
      pointId: point,
    })

    // Past the end (the window still open): no longer offered, still the record's point.
    t.clock.set('2026-09-25T02:00:00Z')
    const a = await signedIn(t, applicant)
    expect((await pointsFor(t.db, authority, { at: t.clock.now() })).map((p) => p.id)).not.toContain(point)
    expect(await t.services.bureau.registration.point(t.db, point)).toMatchObject({
      id: point,
      name: '青秀区教师发展中心',
    })
    expect(await t.services.bureau.registration.point(t.db, 987654321)).toBeUndefined()

    const record = await a.get(`${RECORDS}/${registration.id}`)
    expect(record.status).toBe(200)
    expect(record.text).toContain('青秀区教师发展中心')
    expect(record.text).toContain('2026-09-20 17:00')
    // 修改 is refused for the reason the manual gives, not for the window.
    const edit = await a.get(`${RECORDS}/${registration.id}/edit`)
    const shown = edit.status === 303 ? (await a.get(edit.headers.location)).text : edit.text
    expect(shown).toContain('现场确认时间已结束，申报信息只能查看不允许修改。')

    const reminder = await a.get(`${RECORDS}/${registration.id}/reminder`)
    expect(reminder.status).toBe(200)
    expect(reminder.text).toContain('青秀区教育路2号')
    expect(reminder.text).toContain('2026-09-16 09:00 至 2026-09-20 17:00')
  })
})
