import type { Db } from '../../db/knex'
import { shanghaiDate, startOfShanghaiDay } from '../../domain/time'
import { calendarWeeks, slotLabel } from './calendar'
import { m } from './messages'
import * as bookingRepo from './bookingRepository'
import type { BookingBusiness, LiveBooking } from './bookingRepository'
import * as slotRepo from './slotRepository'
import {
  HOUR_MS,
  mayBook,
  nextFreeLabels,
  Refused,
  refusalReason,
  type BookingDeps,
  type Outcome,
} from './service'

// 现场确认预约, the applicant's side: the calendar page of an application, and booking, changing or
// cancelling its slot (while it is 网报待确认 and until the point's deadline before the slot).

/** Not the applicant's application (the page answers 404, as for one that does not exist). */
const NOT_FOUND = { ok: false as const, message: '', notFound: true as const }

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505'

// ---- the applicant's page --------------------------------------------------------------------------------

export interface ApplicantBookingView {
  application: bookingRepo.BookingApplication
  settings: slotRepo.PointBooking | undefined
  open: boolean
  live: (LiveBooking & { label: string; changeable: boolean; deadline: Date }) | undefined
  weeks: ReturnType<typeof calendarWeeks>
  history: (bookingRepo.HistoryRow & { text: string })[]
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
  const application = await bookingRepo.application(db, business, applicationId)
  if (!application || application.applicant_id !== applicantId) return undefined
  const settings = await slotRepo.pointBooking(db, application.point_id)
  const hours = settings?.change_hours ?? 24
  const deadline = new Date(now.getTime() + hours * HOUR_MS)
  const live = await bookingRepo.liveBooking(db, business, applicationId)
  const slots = settings?.enabled
    ? await slotRepo.slotsOfPoint(db, application.point_id, startOfShanghaiDay(now))
    : []
  const overrides = slots.length
    ? await slotRepo.dayKinds(
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
    history: (await bookingRepo.history(db, business, applicationId)).map((h) => ({
      ...h,
      text: historyText(h),
    })),
    changeHours: hours,
  }
}

/** One line of an application's booking history. */
export function historyText(h: bookingRepo.HistoryRow): string {
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
      const app = await bookingRepo.application(trx, r.business, r.applicationId)
      if (!app || app.applicant_id !== r.applicantId) return NOT_FOUND
      if (!mayBook(app.status)) return { ok: false as const, message: m.NOT_PENDING }
      const settings = await slotRepo.pointBooking(trx, app.point_id)
      if (!settings?.enabled) return { ok: false as const, message: m.NOT_OPEN }
      pointId = app.point_id
      changeHours = settings.change_hours
      notBefore = new Date(now.getTime() + changeHours * HOUR_MS)
      const live = await bookingRepo.liveBooking(trx, r.business, r.applicationId)
      heldSlot = live?.slot_id
      if (live?.slot_id === r.slotId) return { ok: false as const, message: m.SAME_SLOT }
      if (live && live.starts_at.getTime() <= notBefore.getTime())
        return { ok: false as const, message: m.tooLateToChange(changeHours) }
      if (live) await bookingRepo.endBooking(trx, live.id, 'changed', now)
      const id = await bookingRepo.takePlace(trx, {
        slotId: r.slotId,
        pointId: app.point_id,
        notBefore,
        business: r.business,
        applicationId: r.applicationId,
        applicantId: r.applicantId,
        now,
      })
      if (id === null) throw new Refused(await refusalReason(trx, r.slotId, app.point_id, notBefore))
      await bookingRepo.addHistory(trx, {
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
      const slot = await slotRepo.slotById(trx, r.slotId)
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

/** Cancels the live booking (its place is free at once) while the deadline allows. */
export async function cancel(deps: BookingDeps, r: ApplicantRequest): Promise<Outcome> {
  const { db, clock } = deps
  const now = clock.now()
  return db.transaction(async (trx) => {
    const app = await bookingRepo.application(trx, r.business, r.applicationId)
    if (!app || app.applicant_id !== r.applicantId) return NOT_FOUND
    if (!mayBook(app.status)) return { ok: false as const, message: m.NOT_PENDING }
    const live = await bookingRepo.liveBooking(trx, r.business, r.applicationId)
    if (!live) return { ok: false as const, message: m.NONE_TO_CANCEL }
    const hours = (await slotRepo.pointBooking(trx, app.point_id))?.change_hours ?? 0
    if (live.starts_at.getTime() <= now.getTime() + hours * HOUR_MS)
      return { ok: false as const, message: m.tooLateToChange(hours) }
    if (!(await bookingRepo.endBooking(trx, live.id, 'cancelled', now)))
      return { ok: false as const, message: m.NONE_TO_CANCEL }
    await bookingRepo.addHistory(trx, {
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
