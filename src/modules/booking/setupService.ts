import type { Db } from '../../db/knex'
import { shanghaiDate, startOfShanghaiDay } from '../../domain/time'
import type { Actor } from '../../services/audit'
import { dayLabel, planSlots, timeLabel, type Period } from './calendar'
import { m } from './messages'
import * as slotRepo from './slotRepository'
import type { BookingDeps, Outcome } from './service'

// 现场确认预约, the bureau's set-up of a point: the switch and the change deadline, the slot plan
// (closed days from the holiday table), a slot's places, deleting an unused slot. Every change is
// audited.

/** A slot by id (the bureau's page changes or deletes it). */
export const slotById = (db: Db, id: number) => slotRepo.slotById(db, id)

export async function saveSettings(
  deps: BookingDeps,
  actor: Actor,
  pointId: number,
  v: { enabled: boolean; change_hours: number },
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    await slotRepo.savePointBooking(trx, pointId, v, deps.clock.now())
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
  const overrides = await slotRepo.dayKinds(deps.db, plan.from, plan.to)
  const slots = planSlots(plan.from, plan.to, plan.periods, plan.places, overrides)
  if (!slots.length) return { planned: 0, added: 0 }
  return deps.db.transaction(async (trx) => {
    const added = await slotRepo.insertSlots(trx, pointId, slots, deps.clock.now())
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
  slot: slotRepo.SlotRow,
  places: number,
): Promise<Outcome> {
  return deps.db.transaction(async (trx) => {
    if (!(await slotRepo.setSlotPlaces(trx, slot.id, places))) {
      const now = await slotRepo.slotById(trx, slot.id)
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

export async function deleteSlot(deps: BookingDeps, actor: Actor, slot: slotRepo.SlotRow): Promise<Outcome> {
  return deps.db.transaction(async (trx) => {
    if (!(await slotRepo.deleteUnusedSlot(trx, slot.id))) return { ok: false as const, message: m.SLOT_USED }
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
  const slots = await slotRepo.slotsOfPoint(db, pointId, startOfShanghaiDay(now))
  const days = new Map<string, (slotRepo.SlotRow & { time: string })[]>()
  for (const s of slots) {
    const day = shanghaiDate(s.starts_at)
    days.set(day, [...(days.get(day) ?? []), { ...s, time: timeLabel(s) }])
  }
  return [...days].map(([day, list]) => ({ day, label: `${day.slice(0, 4)}年${dayLabel(day)}`, slots: list }))
}
