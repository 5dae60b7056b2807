import type { Db } from '../../db/knex'
import type { Audit } from '../../services/audit'
import type { Clock } from '../../services/clock'
import { slotLabel } from './calendar'
import { m } from './messages'
import * as bookingRepo from './bookingRepository'
import type { BookingBusiness } from './bookingRepository'
import * as slotRepo from './slotRepository'

// 现场确认预约: the bureau switches booking on per point and sets its slots (setupService.ts);
// applicants book, change or cancel a slot of their application's point while it is 网报待确认 and
// until the bureau's deadline before the slot (applicantService.ts); the point's staff see the day's
// list, mark 已到/未到 and move a booking with a note (staffService.ts); the day before, a reminder
// (reminders.ts). Taking a place is one guarded statement (bookingRepository.takePlace); changing,
// cancelling and moving give the old place back in the same transaction.
//
// This file holds what those share, and what other modules show of a booking (the record's line,
// the printed form's slot) or do to one (releaseOnPointChange).

export type { BookingBusiness }

export interface BookingDeps {
  db: Db
  clock: Clock
  audit: Audit
}

const BOOKING_BUSINESSES: readonly BookingBusiness[] = ['registration', 'certification']

export const isBookingBusiness = (s: string): s is BookingBusiness =>
  (BOOKING_BUSINESSES as readonly string[]).includes(s)

export const HOUR_MS = 3600_000
/** How many free slots a refusal names. */
const NEXT_FREE = 3

export type Outcome<T = object> = ({ ok: true } & T) | { ok: false; message: string; notFound?: true }

/** An application an applicant may book for: only 网报待确认. */
export const mayBook = (status: string) => status === 'pending_confirmation'

/** The point's booking switch and change deadline (undefined: never set up, so off). */
export const pointSettings = (db: Db, pointId: number) => slotRepo.pointBooking(db, pointId)

/** The refusal's list: "2026年12月9日（周三）上午 09:00–12:00（剩余5个）". */
export async function nextFreeLabels(
  db: Db,
  pointId: number,
  notBefore: Date,
  exceptSlotId?: number,
): Promise<string[]> {
  const free = await slotRepo.nextFreeSlots(db, pointId, notBefore, NEXT_FREE, exceptSlotId)
  return free.map((s) => `${slotLabel(s)}（剩余${s.places - s.booked}个）`)
}

/** Thrown inside a booking transaction when takePlace refused, so the transaction rolls back. */
export class Refused extends Error {
  constructor(readonly reason: 'full' | 'late' | 'wrong_point' | 'taken') {
    super(reason)
  }
}

/** Why takePlace refused: the slot is not the point's, starts too soon, or is full. */
export async function refusalReason(
  db: Db,
  slotId: number,
  pointId: number,
  notBefore: Date,
): Promise<Refused['reason']> {
  const slot = await slotRepo.slotById(db, slotId)
  if (!slot || slot.point_id !== pointId) return 'wrong_point'
  if (slot.starts_at.getTime() <= notBefore.getTime()) return 'late'
  return 'full'
}

/** The application's live booking, or else its latest, as the record, the 申报提醒 and the PDF show it. */
async function bookedSlotText(
  db: Db,
  business: BookingBusiness,
  applicationId: number,
): Promise<string | null> {
  const [latest] = await bookingRepo.latestBookings(db, business, [applicationId])
  return latest && latest.state === 'booked' ? slotLabel(latest) : null
}

/**
 * When an application moves to another point (选错注册机构 → a new choice), its live booking at the
 * old point is cancelled and the place given back, in the caller's transaction; the history says why.
 */
export async function releaseOnPointChange(
  db: Db,
  o: { business: BookingBusiness; applicationId: number; newPointId: number; applicantId: number; now: Date },
): Promise<boolean> {
  const live = await bookingRepo.liveBooking(db, o.business, o.applicationId)
  if (!live || live.point_id === o.newPointId) return false
  if (!(await bookingRepo.endBooking(db, live.id, 'cancelled', o.now))) return false
  await bookingRepo.addHistory(db, {
    business: o.business,
    application_id: o.applicationId,
    booking_id: live.id,
    action: 'cancel',
    from_slot_id: live.slot_id,
    note: m.POINT_CHANGED,
    actor_kind: 'applicant',
    actor_id: o.applicantId,
    at: o.now,
  })
  return true
}

// ---- what other pages show of a booking ---------------------------------------------------------------

export interface BookingNote {
  /** the live booking's slot, or null */
  slot: string | null
  /** the applicant's booking page */
  url: string
  /** the applicant may book, change or cancel there now (the point takes bookings, 网报待确认) */
  canBook: boolean
}

/**
 * The 现场确认预约 line of a record, its 申报提醒, its 有留言 page: the booked slot and the link to
 * book or change it; null when the point takes no bookings and the application never had one.
 */
export async function bookingNote(
  db: Db,
  business: BookingBusiness,
  app: { id: number | string; point_id: number | string; status: string },
): Promise<BookingNote | null> {
  const id = Number(app.id)
  const [settings, [latest]] = await Promise.all([
    slotRepo.pointBooking(db, Number(app.point_id)),
    bookingRepo.latestBookings(db, business, [id]),
  ])
  if (!settings?.enabled && !latest) return null
  return {
    slot: latest?.state === 'booked' ? slotLabel(latest) : null,
    url: `/booking/${business}/${id}`,
    canBook: !!settings?.enabled && mayBook(app.status),
  }
}

/** The printed form's 确认点 with the booked slot beside it. */
export async function pointWithSlot(
  db: Db,
  business: BookingBusiness,
  applicationId: number,
  pointName: string,
): Promise<string> {
  const slot = await bookedSlotText(db, business, applicationId)
  return slot ? `${pointName}（预约时段：${slot}）` : pointName
}
