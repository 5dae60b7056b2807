import type { Db } from '../../db/knex'
import { can, scopesFor, type RoleGrant } from '../../domain/roles'
import { shanghaiDate, shanghaiDateToUtc, startOfShanghaiDay } from '../../domain/time'
import type { Actor, Audit } from '../../services/audit'
import type { Clock } from '../../services/clock'
import type { Outbox } from '../../services/outbox'
import {
  calendarWeeks,
  daysBetween,
  dayLabel,
  planSlots,
  slotLabel,
  timeLabel,
  type Period,
} from './calendar'
import { m } from './messages'
import * as repo from './repository'
import type { BookingBusiness, LiveBooking } from './repository'

// 现场确认预约: the bureau switches booking on per point and sets its slots; applicants book, change
// or cancel a slot of their application's point while it is 网报待确认 and until the bureau's
// deadline before the slot; the point's staff see the day's list, mark 已到/未到 and move a booking
// with a note. Taking a place is one guarded statement (repository.takePlace); changing, cancelling
// and moving give the old place back in the same transaction.

export type { BookingBusiness }

export interface BookingDeps {
  db: Db
  clock: Clock
  audit: Audit
}

export const BOOKING_BUSINESSES: readonly BookingBusiness[] = ['registration', 'certification']

export const isBookingBusiness = (s: string): s is BookingBusiness =>
  (BOOKING_BUSINESSES as readonly string[]).includes(s)

const HOUR_MS = 3600_000
/** How many free slots a refusal names. */
const NEXT_FREE = 3

export type Outcome<T = object> = ({ ok: true } & T) | { ok: false; message: string; notFound?: true }

/** Not the applicant's application (the page answers 404, as for one that does not exist). */
const NOT_FOUND = { ok: false as const, message: '', notFound: true as const }

/** An application an applicant may book for: only 网报待确认. */
export const mayBook = (status: string) => status === 'pending_confirmation'

/** The refusal's list: "2026年12月9日（周三）上午 09:00–12:00（剩余5个）". */
async function nextFreeLabels(
  db: Db,
  pointId: number,
  notBefore: Date,
  exceptSlotId?: number,
): Promise<string[]> {
  const free = await repo.nextFreeSlots(db, pointId, notBefore, NEXT_FREE, exceptSlotId)
  return free.map((s) => `${slotLabel(s)}（剩余${s.places - s.booked}个）`)
}

class Refused extends Error {
  constructor(readonly reason: 'full' | 'late' | 'wrong_point' | 'taken') {
    super(reason)
  }
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505'

// ---- the applicant's page --------------------------------------------------------------------------------

export interface ApplicantBookingView {
  application: repo.BookingApplication
  settings: repo.PointBooking | undefined
  open: boolean
  live: (LiveBooking & { label: string; changeable: boolean; deadline: Date }) | undefined
  weeks: ReturnType<typeof calendarWeeks>
  history: (repo.HistoryRow & { text: string })[]
  changeHours: number
}

/** The applicant's own application (undefined for anyone else's) with its point's calendar. */
export async function applicantView(
  db: Db,
  now: Date,
  applicantId: number,
  business: BookingBusiness,
  applicationId: number,
): Promise<ApplicantBookingView | undefined> {
  const application = await repo.application(db, business, applicationId)
  if (!application || application.applicant_id !== applicantId) return undefined
  const settings = await repo.pointBooking(db, application.point_id)
  const hours = settings?.change_hours ?? 24
  const deadline = new Date(now.getTime() + hours * HOUR_MS)
  const live = await repo.liveBooking(db, business, applicationId)
  const slots = settings?.enabled
    ? await repo.slotsOfPoint(db, application.point_id, startOfShanghaiDay(now))
    : []
  const overrides = slots.length
    ? await repo.dayKinds(
        db,
        shanghaiDate(slots[0].starts_at),
        shanghaiDate(slots[slots.length - 1].starts_at),
      )
    : []
  return {
    application,
    settings,
    open: !!settings?.enabled && mayBook(application.status),
    live: live && {
      ...live,
      label: slotLabel(live),
      changeable: mayBook(application.status) && live.starts_at.getTime() > deadline.getTime(),
      deadline: new Date(live.starts_at.getTime() - hours * HOUR_MS),
    },
    weeks: calendarWeeks(slots, { deadline, mine: live?.slot_id ?? null, overrides }),
    history: (await repo.history(db, business, applicationId)).map((h) => ({ ...h, text: historyText(h) })),
    changeHours: hours,
  }
}

/** One line of an application's booking history. */
export function historyText(h: repo.HistoryRow): string {
  const from = h.from_starts_at ? slotLabel({ starts_at: h.from_starts_at, ends_at: h.from_ends_at! }) : ''
  const to = h.to_starts_at ? slotLabel({ starts_at: h.to_starts_at, ends_at: h.to_ends_at! }) : ''
  switch (h.action) {
    case 'book':
      return `预约 ${to}`
    case 'change':
      return `改约：${from} → ${to}`
    case 'cancel':
      return `取消预约 ${from}${h.note ? `（${h.note}）` : ''}`
    case 'move':
      return `确认点调整：${from} → ${to}${h.note ? `（${h.note}）` : ''}`
    case 'arrived':
      return `确认点标记已到（${to}）`
    case 'absent':
      return `确认点标记未到（${to}）`
    case 'reminded':
      return `已发送预约提醒（${to}）`
    default:
      return h.action
  }
}

// ---- book, change, cancel (the applicant's) ----------------------------------------------------------

export interface ApplicantRequest {
  applicantId: number
  business: BookingBusiness
  applicationId: number
}

/**
 * Books `slotId` for the application, or changes its live booking to it (the old place is given
 * back in the same transaction). Refusals say why in Chinese; a full slot's names the next free ones.
 */
export async function book(
  deps: BookingDeps,
  r: ApplicantRequest & { slotId: number },
): Promise<Outcome<{ label: string; changed: boolean }>> {
  const { db, clock } = deps
  const now = clock.now()
  let pointId = 0
  let notBefore = now
  let changeHours = 0
  // the slot already held (a change): not one to offer in a refusal
  let heldSlot: number | undefined
  try {
    return await db.transaction(async (trx) => {
      const app = await repo.application(trx, r.business, r.applicationId)
      if (!app || app.applicant_id !== r.applicantId) return NOT_FOUND
      if (!mayBook(app.status)) return { ok: false as const, message: m.NOT_PENDING }
      const settings = await repo.pointBooking(trx, app.point_id)
      if (!settings?.enabled) return { ok: false as const, message: m.NOT_OPEN }
      pointId = app.point_id
      changeHours = settings.change_hours
      notBefore = new Date(now.getTime() + changeHours * HOUR_MS)
      const live = await repo.liveBooking(trx, r.business, r.applicationId)
      heldSlot = live?.slot_id
      if (live?.slot_id === r.slotId) return { ok: false as const, message: m.SAME_SLOT }
      if (live && live.starts_at.getTime() <= notBefore.getTime())
        return { ok: false as const, message: m.tooLateToChange(changeHours) }
      if (live) await repo.endBooking(trx, live.id, 'changed', now)
      const id = await repo.takePlace(trx, {
        slotId: r.slotId,
        pointId: app.point_id,
        notBefore,
        business: r.business,
        applicationId: r.applicationId,
        applicantId: r.applicantId,
        now,
      })
      if (id === null) throw new Refused(await refusalReason(trx, r.slotId, app.point_id, notBefore))
      await repo.addHistory(trx, {
        business: r.business,
        application_id: r.applicationId,
        booking_id: id,
        action: live ? 'change' : 'book',
        from_slot_id: live?.slot_id ?? null,
        to_slot_id: r.slotId,
        actor_kind: 'applicant',
        actor_id: r.applicantId,
        at: now,
      })
      const slot = await repo.slotById(trx, r.slotId)
      return { ok: true as const, label: slotLabel(slot!), changed: !!live }
    })
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, message: m.ALREADY }
    if (!(err instanceof Refused)) throw err
    if (err.reason === 'wrong_point') return { ok: false, message: m.WRONG_POINT }
    if (err.reason === 'late') return { ok: false, message: m.tooLate(changeHours) }
    // Read after the rollback: the names are of places really free now.
    return { ok: false, message: m.full(await nextFreeLabels(db, pointId, notBefore, heldSlot)) }
  }
}

/** Why takePlace refused: the slot is not the point's, starts too soon, or is full. */
async function refusalReason(
  db: Db,
  slotId: number,
  pointId: number,
  notBefore: Date,
): Promise<Refused['reason']> {
  const slot = await repo.slotById(db, slotId)
  if (!slot || slot.point_id !== pointId) return 'wrong_point'
  if (slot.starts_at.getTime() <= notBefore.getTime()) return 'late'
  return 'full'
}

/** Cancels the live booking (its place is free at once) while the deadline allows. */
export async function cancel(deps: BookingDeps, r: ApplicantRequest): Promise<Outcome> {
  const { db, clock } = deps
  const now = clock.now()
  return db.transaction(async (trx) => {
    const app = await repo.application(trx, r.business, r.applicationId)
    if (!app || app.applicant_id !== r.applicantId) return NOT_FOUND
    if (!mayBook(app.status)) return { ok: false as const, message: m.NOT_PENDING }
    const live = await repo.liveBooking(trx, r.business, r.applicationId)
    if (!live) return { ok: false as const, message: m.NONE_TO_CANCEL }
    const hours = (await repo.pointBooking(trx, app.point_id))?.change_hours ?? 0
    if (live.starts_at.getTime() <= now.getTime() + hours * HOUR_MS)
      return { ok: false as const, message: m.tooLateToChange(hours) }
    if (!(await repo.endBooking(trx, live.id, 'cancelled', now)))
      return { ok: false as const, message: m.NONE_TO_CANCEL }
    await repo.addHistory(trx, {
      business: r.business,
      application_id: r.applicationId,
      booking_id: live.id,
      action: 'cancel',
      from_slot_id: live.slot_id,
      actor_kind: 'applicant',
      actor_id: r.applicantId,
      at: now,
    })
    return { ok: true as const }
  })
}

/** The application's live booking, or else its latest, as the record, the 申报提醒 and the PDF show it. */
export async function bookedSlotText(
  db: Db,
  business: BookingBusiness,
  applicationId: number,
): Promise<string | null> {
  const [latest] = await repo.latestBookings(db, business, [applicationId])
  return latest && latest.state === 'booked' ? slotLabel(latest) : null
}

// ---- staff of the point --------------------------------------------------------------------------------

/** The points whose bookings this staff member handles (现场确认 on the point). */
export const staffPoints = (staff: { roles: RoleGrant[] }): number[] =>
  scopesFor(staff, 'confirmation.handle', 'point')

export const handlesPoint = (staff: { roles: RoleGrant[] }, pointId: number): boolean =>
  can(staff, 'confirmation.handle', { type: 'point', id: pointId })

export interface DayView {
  day: string
  dayText: string
  slots: (repo.SlotFigures & { time: string; rows: (repo.DayListRow & { time: string })[] })[]
  total: number
}

/** The point's list for one day: every slot with its booked applicants. */
export async function dayView(db: Db, pointId: number, day: string): Promise<DayView> {
  const from = shanghaiDateToUtc(day)
  const to = new Date(from.getTime() + 24 * HOUR_MS)
  const [slots, rows] = await Promise.all([
    repo.slotFigures(db, pointId, from, to),
    repo.dayList(db, pointId, from, to),
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
  slots: (repo.SlotFigures & { label: string })[]
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
    repo.slotFigures(db, pointId, from, to),
    repo.attendanceTotals(db, pointId, now),
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
  booking: repo.LiveBooking,
  attendance: 'arrived' | 'absent',
): Promise<Outcome> {
  const { db, clock, audit } = deps
  const now = clock.now()
  if (shanghaiDate(booking.starts_at) > shanghaiDate(now)) return { ok: false, message: m.NOT_YET }
  return db.transaction(async (trx) => {
    if (!(await repo.setAttendance(trx, booking.id, attendance, Number(actor.id), now)))
      return { ok: false as const, message: m.NOT_LIVE }
    await repo.addHistory(trx, {
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
  booking: repo.LiveBooking,
  toSlotId: number,
  note: string,
): Promise<Outcome<{ label: string }>> {
  const { db, clock, audit } = deps
  const now = clock.now()
  if (toSlotId === booking.slot_id) return { ok: false, message: m.MOVE_SAME }
  try {
    return await db.transaction(async (trx) => {
      if (!(await repo.endBooking(trx, booking.id, 'moved', now)))
        return { ok: false as const, message: m.NOT_LIVE }
      const id = await repo.takePlace(trx, {
        slotId: toSlotId,
        pointId: booking.point_id,
        notBefore: now,
        business: booking.business,
        applicationId: booking.application_id,
        applicantId: booking.applicant_id,
        now,
      })
      if (id === null) throw new Refused(await refusalReason(trx, toSlotId, booking.point_id, now))
      await repo.addHistory(trx, {
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
      const slot = await repo.slotById(trx, toSlotId)
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

// ---- the bureau's set-up ---------------------------------------------------------------------------

export async function saveSettings(
  deps: BookingDeps,
  actor: Actor,
  pointId: number,
  v: { enabled: boolean; change_hours: number },
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    await repo.savePointBooking(trx, pointId, v, deps.clock.now())
    await deps.audit.record(trx, actor, {
      action: 'booking.settings',
      targetType: 'confirmation_point',
      targetId: pointId,
      detail: { enabled: v.enabled, changeHours: v.change_hours },
    })
  })
}

/** The slots of a plan on the working days from..to; those overlapping an existing slot are skipped. */
export async function addSlots(
  deps: BookingDeps,
  actor: Actor,
  pointId: number,
  plan: { from: string; to: string; periods: Period[]; places: number },
): Promise<{ planned: number; added: number }> {
  const overrides = await repo.dayKinds(deps.db, plan.from, plan.to)
  const slots = planSlots(plan.from, plan.to, plan.periods, plan.places, overrides)
  if (!slots.length) return { planned: 0, added: 0 }
  return deps.db.transaction(async (trx) => {
    const added = await repo.insertSlots(trx, pointId, slots, deps.clock.now())
    await deps.audit.record(trx, actor, {
      action: 'booking.slots_add',
      targetType: 'confirmation_point',
      targetId: pointId,
      detail: {
        from: plan.from,
        to: plan.to,
        periods: plan.periods.map((p) => `${p.start}-${p.end}`),
        places: plan.places,
        added,
      },
    })
    return { planned: slots.length, added }
  })
}

export async function changeSlotPlaces(
  deps: BookingDeps,
  actor: Actor,
  slot: repo.SlotRow,
  places: number,
): Promise<Outcome> {
  return deps.db.transaction(async (trx) => {
    if (!(await repo.setSlotPlaces(trx, slot.id, places))) {
      const now = await repo.slotById(trx, slot.id)
      return { ok: false as const, message: m.placesBelowBooked(now?.booked ?? slot.booked) }
    }
    await deps.audit.record(trx, actor, {
      action: 'booking.slot_places',
      targetType: 'booking_slot',
      targetId: slot.id,
      detail: { pointId: slot.point_id, from: slot.places, to: places },
    })
    return { ok: true as const }
  })
}

export async function deleteSlot(deps: BookingDeps, actor: Actor, slot: repo.SlotRow): Promise<Outcome> {
  return deps.db.transaction(async (trx) => {
    if (!(await repo.deleteUnusedSlot(trx, slot.id))) return { ok: false as const, message: m.SLOT_USED }
    await deps.audit.record(trx, actor, {
      action: 'booking.slot_delete',
      targetType: 'booking_slot',
      targetId: slot.id,
      detail: { pointId: slot.point_id, startsAt: slot.starts_at.toISOString(), places: slot.places },
    })
    return { ok: true as const }
  })
}

/** The slots of a point by day, for the bureau's page: from today on. */
export async function slotsByDay(db: Db, pointId: number, now: Date) {
  const slots = await repo.slotsOfPoint(db, pointId, startOfShanghaiDay(now))
  const days = new Map<string, (repo.SlotRow & { time: string })[]>()
  for (const s of slots) {
    const day = shanghaiDate(s.starts_at)
    days.set(day, [...(days.get(day) ?? []), { ...s, time: timeLabel(s) }])
  }
  return [...days].map(([day, list]) => ({ day, label: `${day.slice(0, 4)}年${dayLabel(day)}`, slots: list }))
}

export { daysBetween }

// ---- the day-before reminder (a pg-boss job) ----------------------------------------------------------

const SYSTEM: Actor = { kind: 'system', label: 'booking-reminders' }

/**
 * Tomorrow's (Beijing time) live bookings not yet reminded: an SMS and an e-mail each through the
 * outbox, in the transaction that marks them reminded, so each goes out once.
 */
export async function sendReminders(deps: BookingDeps & { outbox: Outbox }): Promise<{ reminded: number }> {
  const { db, clock, outbox } = deps
  const now = clock.now()
  const tomorrow = new Date(startOfShanghaiDay(now).getTime() + 24 * HOUR_MS)
  const after = new Date(tomorrow.getTime() + 24 * HOUR_MS)
  return db.transaction(async (trx) => {
    const due = await repo.claimReminders(trx, tomorrow, after, now)
    for (const r of due) {
      const text = `${r.name}您好：您预约了明天${timeLabel(r)}在${r.point_name}${r.point_address ? `（${r.point_address}）` : ''}进行教师资格现场确认（${slotLabel(r)}），请按时携带材料前往。`
      await outbox.enqueue(trx, { channel: 'sms', recipient: r.phone, body: `【教师资格】${text}` })
      await outbox.enqueue(trx, {
        channel: 'email',
        recipient: r.email,
        subject: '现场确认预约提醒',
        body: `${text}\n\n如需改约，请登录系统在报名记录中办理（改约截止时间以页面显示为准）。`,
      })
      await repo.addHistory(trx, {
        business: r.business,
        application_id: r.application_id,
        booking_id: r.booking_id,
        action: 'reminded',
        to_slot_id: r.slot_id,
        actor_kind: 'system',
        at: now,
      })
    }
    if (due.length)
      await deps.audit.record(trx, SYSTEM, { action: 'booking.reminders', detail: { reminded: due.length } })
    return { reminded: due.length }
  })
}

/**
 * When an application moves to another point (选错注册机构 → a new choice), its live booking at the
 * old point is cancelled and the place given back, in the caller's transaction; the history says why.
 */
export async function releaseOnPointChange(
  db: Db,
  o: { business: BookingBusiness; applicationId: number; newPointId: number; applicantId: number; now: Date },
): Promise<boolean> {
  const live = await repo.liveBooking(db, o.business, o.applicationId)
  if (!live || live.point_id === o.newPointId) return false
  if (!(await repo.endBooking(db, live.id, 'cancelled', o.now))) return false
  await repo.addHistory(db, {
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
    repo.pointBooking(db, Number(app.point_id)),
    repo.latestBookings(db, business, [id]),
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
