import type { Db } from '../../db/knex'
import { can, scopesFor, type RoleGrant } from '../../domain/roles'
import { shanghaiDate, shanghaiDateToUtc, startOfShanghaiDay } from '../../domain/time'
import type { Actor } from '../../services/audit'
import { dayLabel, slotLabel, timeLabel } from './calendar'
import { m } from './messages'
import * as bookingRepo from './bookingRepository'
import * as slotRepo from './slotRepository'
import { HOUR_MS, nextFreeLabels, Refused, refusalReason, type BookingDeps, type Outcome } from './service'

// 现场确认预约, the point's staff: their points, the day's list by slot, 已到 / 未到, moving a booking to
// another slot with a note, and the figures (bookings per slot, no-show rate; the bureau's page
// shows them too).

/** The points whose bookings this staff member handles (现场确认 on the point). */
export const staffPoints = (staff: { roles: RoleGrant[] }): number[] =>
  scopesFor(staff, 'confirmation.handle', 'point')

export const handlesPoint = (staff: { roles: RoleGrant[] }, pointId: number): boolean =>
  can(staff, 'confirmation.handle', { type: 'point', id: pointId })

/** The staff member's points with their booking switch and upcoming places. */
export const staffPointList = (db: Db, staff: { roles: RoleGrant[] }, now: Date) =>
  slotRepo.pointsWithBooking(db, staffPoints(staff), now)

/** A booking (live or not) with its slot, by id. */
export const bookingById = (db: Db, id: number) => bookingRepo.bookingById(db, id)

/** The move page's application and the point's slots from now on. */
export async function moveChoices(db: Db, booking: bookingRepo.LiveBooking, now: Date) {
  const [application, slots] = await Promise.all([
    bookingRepo.application(db, booking.business, booking.application_id),
    slotRepo.slotsOfPoint(db, booking.point_id, now),
  ])
  return { application, slots }
}

export interface DayView {
  day: string
  dayText: string
  slots: (slotRepo.SlotFigures & { time: string; rows: (bookingRepo.DayListRow & { time: string })[] })[]
  total: number
}

/** The point's list for one day: every slot with its booked applicants. */
export async function dayView(db: Db, pointId: number, day: string): Promise<DayView> {
  const from = shanghaiDateToUtc(day)
  const to = new Date(from.getTime() + 24 * HOUR_MS)
  const [slots, rows] = await Promise.all([
    slotRepo.slotFigures(db, pointId, from, to),
    bookingRepo.dayList(db, pointId, from, to),
  ])
  return {
    day,
    dayText: `${day.slice(0, 4)}年${dayLabel(day)}`,
    slots: slots.map((s) => ({
      ...s,
      time: timeLabel(s),
      rows: rows.filter((r) => r.slot_id === s.id).map((r) => ({ ...r, time: timeLabel(r) })),
    })),
    total: rows.length,
  }
}

export interface PointFigures {
  slots: (slotRepo.SlotFigures & { label: string })[]
  booked: number
  places: number
  arrived: number
  absent: number
  /** 未到 among those marked, in percent with one decimal, or null before anyone was marked */
  noShowRate: number | null
}

/** Bookings per slot (from the start of `from`'s day, 60 days on) and the no-show rate so far. */
export async function pointFigures(db: Db, pointId: number, now: Date): Promise<PointFigures> {
  const from = startOfShanghaiDay(new Date(now.getTime() - 14 * 24 * HOUR_MS))
  const to = new Date(from.getTime() + 74 * 24 * HOUR_MS)
  const [slots, totals] = await Promise.all([
    slotRepo.slotFigures(db, pointId, from, to),
    bookingRepo.attendanceTotals(db, pointId, now),
  ])
  const marked = totals.arrived + totals.absent
  return {
    slots: slots.map((s) => ({ ...s, label: slotLabel(s) })),
    booked: slots.reduce((n, s) => n + s.booked, 0),
    places: slots.reduce((n, s) => n + s.places, 0),
    arrived: totals.arrived,
    absent: totals.absent,
    noShowRate: marked ? Math.round((totals.absent / marked) * 1000) / 10 : null,
  }
}

/** 已到 / 未到, by the point's staff, on or after the slot's day. */
export async function markAttendance(
  deps: BookingDeps,
  actor: Actor,
  booking: bookingRepo.LiveBooking,
  attendance: 'arrived' | 'absent',
): Promise<Outcome> {
  const { db, clock, audit } = deps
  const now = clock.now()
  if (shanghaiDate(booking.starts_at) > shanghaiDate(now)) return { ok: false, message: m.NOT_YET }
  return db.transaction(async (trx) => {
    if (!(await bookingRepo.setAttendance(trx, booking.id, attendance, Number(actor.id), now)))
      return { ok: false as const, message: m.NOT_LIVE }
    await bookingRepo.addHistory(trx, {
      business: booking.business,
      application_id: booking.application_id,
      booking_id: booking.id,
      action: attendance,
      to_slot_id: booking.slot_id,
      actor_kind: 'staff',
      actor_id: actor.id ?? null,
      at: now,
    })
    await audit.record(trx, actor, {
      action: `booking.${attendance}`,
      targetType: 'booking',
      targetId: booking.id,
      detail: { business: booking.business, applicationId: booking.application_id, slotId: booking.slot_id },
    })
    return { ok: true as const }
  })
}

/** The point's staff move a booking to another slot of the point (any with a place left that has not begun). */
export async function moveBooking(
  deps: BookingDeps,
  actor: Actor,
  booking: bookingRepo.LiveBooking,
  toSlotId: number,
  note: string,
): Promise<Outcome<{ label: string }>> {
  const { db, clock, audit } = deps
  const now = clock.now()
  if (toSlotId === booking.slot_id) return { ok: false, message: m.MOVE_SAME }
  try {
    return await db.transaction(async (trx) => {
      if (!(await bookingRepo.endBooking(trx, booking.id, 'moved', now)))
        return { ok: false as const, message: m.NOT_LIVE }
      const id = await bookingRepo.takePlace(trx, {
        slotId: toSlotId,
        pointId: booking.point_id,
        notBefore: now,
        business: booking.business,
        applicationId: booking.application_id,
        applicantId: booking.applicant_id,
        now,
      })
      if (id === null) throw new Refused(await refusalReason(trx, toSlotId, booking.point_id, now))
      await bookingRepo.addHistory(trx, {
        business: booking.business,
        application_id: booking.application_id,
        booking_id: id,
        action: 'move',
        from_slot_id: booking.slot_id,
        to_slot_id: toSlotId,
        note,
        actor_kind: 'staff',
        actor_id: actor.id ?? null,
        at: now,
      })
      await audit.record(trx, actor, {
        action: 'booking.move',
        targetType: 'booking',
        targetId: id,
        detail: {
          business: booking.business,
          applicationId: booking.application_id,
          fromSlotId: booking.slot_id,
          toSlotId,
          note,
        },
      })
      const slot = await slotRepo.slotById(trx, toSlotId)
      return { ok: true as const, label: slotLabel(slot!) }
    })
  } catch (err) {
    if (!(err instanceof Refused)) throw err
    if (err.reason === 'wrong_point') return { ok: false, message: m.WRONG_POINT }
    if (err.reason === 'late') return { ok: false, message: m.MOVE_PAST }
    return {
      ok: false,
      message: m.moveFull(await nextFreeLabels(db, booking.point_id, now, booking.slot_id)),
    }
  }
}
