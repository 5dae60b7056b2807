import type { TestApp } from '../helpers/app'
import { shanghaiDateToUtc } from '../../src/domain/time'
import { certifyingBureau, type Bureau } from './certificationRecordsSupport'

// 现场确认预约 test data: a certifying authority's point with booking switched on and slots written
// straight to the tables (the bureau's page has its own tests), in Beijing time.

export { applicantWithApplication, scopedStaff, signedIn, type Bureau } from './certificationRecordsSupport'

export interface BookingPoint {
  bureau: Bureau
  pointId: number
}

/** A point taking bookings (change deadline `changeHours`, default 24). */
export async function bookingPoint(t: TestApp, o: { changeHours?: number; enabled?: boolean } = {}) {
  const bureau = await certifyingBureau(t)
  await t.db('booking_points').insert({
    point_id: bureau.pointId,
    enabled: o.enabled ?? true,
    change_hours: o.changeHours ?? 24,
    updated_at: new Date('2026-09-01T00:00:00Z'),
  })
  return { bureau, pointId: bureau.pointId }
}

/** A slot of the point on `day` (YYYY-MM-DD) from `start` to `end` (HH:MM, Beijing time). */
export async function addSlot(
  t: TestApp,
  pointId: number,
  day: string,
  start: string,
  end: string,
  places: number,
  booked = 0,
): Promise<number> {
  const [row] = await t
    .db('booking_slots')
    .insert({
      point_id: pointId,
      starts_at: shanghaiDateToUtc(day, start),
      ends_at: shanghaiDateToUtc(day, end),
      places,
      booked,
      created_at: new Date('2026-09-01T00:00:00Z'),
    })
    .returning('id')
  return Number(row.id)
}

export const slotRow = (t: TestApp, id: number) => t.db('booking_slots').where({ id }).first()

export const liveBookings = (t: TestApp, applicationId: number) =>
  t.db('bookings').where({ business: 'certification', application_id: applicationId, state: 'booked' })

/** The page's text without tags, spaces collapsed (to read messages as a person would). */
export const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ')
    .replace(/\s+/g, ' ')
