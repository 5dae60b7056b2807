import type { Db } from '../../db/knex'
import { prepared } from '../../db/prepared'

// 现场确认预约's slots and the points' booking settings (migrations/20261207002000_booking.ts): the
// bureau's switch and slot plan, the free places a refusal names, the figures per slot. A place is
// taken and given back in bookingRepository.ts (takePlace, endBooking).

export interface PointBooking {
  point_id: number
  enabled: boolean
  change_hours: number
}

export interface SlotRow {
  id: number
  point_id: number
  starts_at: Date
  ends_at: Date
  places: number
  booked: number
}

const num = (v: unknown) => Number(v)

const slotOf = (r: Record<string, unknown>): SlotRow => ({
  id: num(r.id),
  point_id: num(r.point_id),
  starts_at: r.starts_at as Date,
  ends_at: r.ends_at as Date,
  places: num(r.places),
  booked: num(r.booked),
})

// ---- settings and slots (the bureau's) -------------------------------------------------------------

export async function pointBooking(db: Db, pointId: number): Promise<PointBooking | undefined> {
  const row = await prepared(db('booking_points').where({ point_id: pointId }).first())
  return row && { point_id: num(row.point_id), enabled: row.enabled, change_hours: num(row.change_hours) }
}

export async function savePointBooking(
  db: Db,
  pointId: number,
  v: { enabled: boolean; change_hours: number },
  now: Date,
): Promise<void> {
  await db('booking_points')
    .insert({ point_id: pointId, ...v, updated_at: now })
    .onConflict('point_id')
    .merge()
}

/** The point's slots starting in [from, to), earliest first. */
export async function slotsOfPoint(db: Db, pointId: number, from: Date, to?: Date): Promise<SlotRow[]> {
  const q = db('booking_slots').where('point_id', pointId).andWhere('starts_at', '>=', from)
  if (to) q.andWhere('starts_at', '<', to)
  return (await q.orderBy('starts_at').select('*')).map(slotOf)
}

export async function slotById(db: Db, id: number): Promise<SlotRow | undefined> {
  const row = await db('booking_slots').where({ id }).first()
  return row && slotOf(row)
}

/** Inserts the slots that do not overlap one already there; returns how many were added. */
export async function insertSlots(
  db: Db,
  pointId: number,
  slots: { starts_at: Date; ends_at: Date; places: number }[],
  now: Date,
): Promise<number> {
  if (!slots.length) return 0
  const { rows } = await db.raw(
    `? ON CONFLICT DO NOTHING RETURNING id`,
    db('booking_slots').insert(slots.map((s) => ({ ...s, point_id: pointId, created_at: now }))),
  )
  return rows.length
}

/** New places for a slot, never fewer than are booked: false when that would be too few. */
export async function setSlotPlaces(db: Db, slotId: number, places: number): Promise<boolean> {
  const n = await db('booking_slots')
    .where({ id: slotId })
    .andWhere('booked', '<=', places)
    .update({ places })
  return n === 1
}

/** Deletes a slot nobody ever booked (a booking's row keeps its slot); false otherwise. */
export async function deleteUnusedSlot(db: Db, slotId: number): Promise<boolean> {
  const n = await db('booking_slots')
    .where({ id: slotId, booked: 0 })
    .whereNotExists(db('bookings').where('slot_id', slotId).select(db.raw('1')))
    .del()
  return n === 1
}

/** Holidays and 调休 working days between two dates (YYYY-MM-DD, inclusive). */
export async function dayKinds(db: Db, from: string, to: string): Promise<{ day: string; kind: string }[]> {
  return db('holidays')
    .whereBetween('day', [from, to])
    .select(db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'kind')
}

/** The point's slots with a place left that start after `notBefore`, but `exceptSlotId` (the refusal names them). */
export async function nextFreeSlots(
  db: Db,
  pointId: number,
  notBefore: Date,
  limit: number,
  exceptSlotId = -1,
): Promise<SlotRow[]> {
  const rows = await prepared(
    db('booking_slots')
      .where('point_id', pointId)
      .andWhere('starts_at', '>', notBefore)
      .andWhere('id', '<>', exceptSlotId)
      .andWhereRaw('booked < places')
      .orderBy('starts_at')
      .limit(limit)
      .select('*'),
  )
  return rows.map(slotOf)
}

// ---- figures (the staff's and the bureau's) ----------------------------------------------------------

export interface SlotFigures extends SlotRow {
  arrived: number
  absent: number
}

/** Each slot of the point starting in [from, to) with its live bookings' attendance. */
export async function slotFigures(db: Db, pointId: number, from: Date, to: Date): Promise<SlotFigures[]> {
  const rows = await db('booking_slots as s')
    .leftJoin('bookings as b', function () {
      this.on('b.slot_id', 's.id').andOnVal('b.state', 'booked')
    })
    .where('s.point_id', pointId)
    .andWhere('s.starts_at', '>=', from)
    .andWhere('s.starts_at', '<', to)
    .groupBy('s.id')
    .orderBy('s.starts_at')
    .select(
      's.*',
      db.raw(`count(*) FILTER (WHERE b.attendance = 'arrived') AS arrived`),
      db.raw(`count(*) FILTER (WHERE b.attendance = 'absent') AS absent`),
    )
  return rows.map((r) => ({ ...slotOf(r), arrived: num(r.arrived), absent: num(r.absent) }))
}

export interface PointListRow {
  id: number
  name: string
  address: string | null
  authority_name: string
  enabled: boolean
  change_hours: number
  upcoming: number
  booked: number
}

/** Points (all, or those listed) with their booking switch and upcoming places. */
export async function pointsWithBooking(db: Db, ids: number[] | 'all', from: Date): Promise<PointListRow[]> {
  const q = db('confirmation_points as p')
    .join('authorities as au', 'au.id', 'p.authority_id')
    .leftJoin('booking_points as bp', 'bp.point_id', 'p.id')
    .leftJoin('booking_slots as s', function () {
      this.on('s.point_id', 'p.id').andOn('s.starts_at', '>=', db.raw('?', [from]))
    })
    .groupBy('p.id', 'au.name', 'bp.point_id')
    .orderBy('p.id')
    .select(
      'p.id',
      'p.name',
      'p.address',
      'au.name as authority_name',
      db.raw('coalesce(bp.enabled, false) AS enabled'),
      db.raw('coalesce(bp.change_hours, 24) AS change_hours'),
      db.raw('coalesce(sum(s.places), 0) AS upcoming'),
      db.raw('coalesce(sum(s.booked), 0) AS booked'),
    )
  if (ids !== 'all') q.whereIn('p.id', ids.length ? ids : [-1])
  const rows = await q
  return rows.map((r) => ({
    ...r,
    id: num(r.id),
    change_hours: num(r.change_hours),
    upcoming: num(r.upcoming),
    booked: num(r.booked),
  }))
}
