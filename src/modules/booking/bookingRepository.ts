import type { Db } from '../../db/knex'
import { prepared } from '../../db/prepared'

// 现场确认预约's bookings (migrations/20261207002000_booking.ts). A place is taken by ONE guarded
// statement (takePlace) and given back by one (endBooking): booking_slots.booked never passes
// places, whoever writes and however many at once. The slots themselves: slotRepository.ts.

export type BookingBusiness = 'registration' | 'certification'

/** The application table of each business (its rows have the same columns this module reads). */
const TABLES: Record<BookingBusiness, string> = {
  registration: 'registrations',
  certification: 'certification_applications',
}

export interface BookingApplication {
  business: BookingBusiness
  id: number
  number: string
  applicant_id: number
  point_id: number
  authority_id: number
  status: string
  photo_file_id: string
}

export interface LiveBooking {
  id: number
  slot_id: number
  business: BookingBusiness
  application_id: number
  applicant_id: number
  attendance: 'arrived' | 'absent' | null
  starts_at: Date
  ends_at: Date
  point_id: number
}

export interface HistoryRow {
  action: string
  from_starts_at: Date | null
  from_ends_at: Date | null
  to_starts_at: Date | null
  to_ends_at: Date | null
  note: string | null
  actor_kind: string
  at: Date
}

const num = (v: unknown) => Number(v)

// ---- applications ------------------------------------------------------------------------------------

export async function application(
  db: Db,
  business: BookingBusiness,
  id: number,
): Promise<BookingApplication | undefined> {
  const row = await prepared(
    db(TABLES[business])
      .where({ id })
      .first('id', 'number', 'applicant_id', 'point_id', 'authority_id', 'status', 'photo_file_id'),
  )
  return (
    row && {
      business,
      id: num(row.id),
      number: row.number,
      applicant_id: num(row.applicant_id),
      point_id: num(row.point_id),
      authority_id: num(row.authority_id),
      status: row.status,
      photo_file_id: row.photo_file_id,
    }
  )
}

const liveColumns = [
  'b.id',
  'b.slot_id',
  'b.business',
  'b.application_id',
  'b.applicant_id',
  'b.attendance',
  's.starts_at',
  's.ends_at',
  's.point_id',
]

const liveOf = (r: Record<string, unknown>): LiveBooking => ({
  id: num(r.id),
  slot_id: num(r.slot_id),
  business: r.business as BookingBusiness,
  application_id: num(r.application_id),
  applicant_id: num(r.applicant_id),
  attendance: (r.attendance as LiveBooking['attendance']) ?? null,
  starts_at: r.starts_at as Date,
  ends_at: r.ends_at as Date,
  point_id: num(r.point_id),
})

/** The application's live booking, if any. */
export async function liveBooking(
  db: Db,
  business: BookingBusiness,
  applicationId: number,
): Promise<LiveBooking | undefined> {
  const row = await prepared(
    db('bookings as b')
      .join('booking_slots as s', 's.id', 'b.slot_id')
      .where({ 'b.business': business, 'b.application_id': applicationId, 'b.state': 'booked' })
      .first(liveColumns),
  )
  return row && liveOf(row)
}

/** The latest booking of each application (live or not), for the record lists and the inbox. */
export async function latestBookings(
  db: Db,
  business: BookingBusiness,
  applicationIds: number[],
): Promise<(LiveBooking & { state: string })[]> {
  if (!applicationIds.length) return []
  const rows = await db('bookings as b')
    .join('booking_slots as s', 's.id', 'b.slot_id')
    .where('b.business', business)
    .whereIn('b.application_id', applicationIds)
    .distinctOn('b.application_id')
    .orderBy([
      { column: 'b.application_id' },
      { column: db.raw(`(b.state = 'booked')`) as unknown as string, order: 'desc' },
      { column: 'b.created_at', order: 'desc' },
    ])
    .select([...liveColumns, 'b.state'])
  return rows.map((r) => ({ ...liveOf(r), state: r.state }))
}

export async function bookingById(
  db: Db,
  id: number,
): Promise<(LiveBooking & { state: string }) | undefined> {
  const row = await db('bookings as b')
    .join('booking_slots as s', 's.id', 'b.slot_id')
    .where('b.id', id)
    .first([...liveColumns, 'b.state'])
  return row && { ...liveOf(row), state: row.state }
}

export async function history(
  db: Db,
  business: BookingBusiness,
  applicationId: number,
): Promise<HistoryRow[]> {
  return db('booking_history as h')
    .leftJoin('booking_slots as f', 'f.id', 'h.from_slot_id')
    .leftJoin('booking_slots as t', 't.id', 'h.to_slot_id')
    .where({ 'h.business': business, 'h.application_id': applicationId })
    .orderBy('h.id')
    .select(
      'h.action',
      'h.note',
      'h.actor_kind',
      'h.at',
      'f.starts_at as from_starts_at',
      'f.ends_at as from_ends_at',
      't.starts_at as to_starts_at',
      't.ends_at as to_ends_at',
    )
}

// ---- taking and giving back a place --------------------------------------------------------------------

/**
 * THE booking statement: one place of the slot, only while one is left (booked < places), the slot
 * is at the point and starts after `notBefore`; the booking row in the same statement. Concurrent
 * callers queue on the slot's row and each re-reads `booked` before its guard, so exactly the free
 * places are taken. Returns the new booking's id, or null when the guard refused.
 */
export async function takePlace(
  db: Db,
  o: {
    slotId: number
    pointId: number
    notBefore: Date
    business: BookingBusiness
    applicationId: number
    applicantId: number
    now: Date
  },
): Promise<number | null> {
  const { rows } = await prepared(
    db.raw(
      `WITH slot AS (
         UPDATE booking_slots SET booked = booked + 1
          WHERE id = ? AND point_id = ? AND booked < places AND starts_at > ?
         RETURNING id)
       INSERT INTO bookings (slot_id, business, application_id, applicant_id, created_at)
       SELECT id, ?, ?, ?, ? FROM slot
       RETURNING id`,
      [o.slotId, o.pointId, o.notBefore, o.business, o.applicationId, o.applicantId, o.now],
    ),
  )
  return rows.length ? num(rows[0].id) : null
}

/**
 * Ends a live booking (changed, cancelled or moved) and gives its place back, in one statement:
 * the place is free for the next booking the moment this commits. False when it was not live.
 */
export async function endBooking(
  db: Db,
  bookingId: number,
  state: 'changed' | 'cancelled' | 'moved',
  now: Date,
): Promise<boolean> {
  const { rows } = await prepared(
    db.raw(
      `WITH b AS (
         UPDATE bookings SET state = ?, ended_at = ? WHERE id = ? AND state = 'booked' RETURNING slot_id)
       UPDATE booking_slots s SET booked = s.booked - 1 FROM b WHERE s.id = b.slot_id
       RETURNING s.id`,
      [state, now, bookingId],
    ),
  )
  return rows.length === 1
}

export async function addHistory(
  db: Db,
  row: {
    business: BookingBusiness
    application_id: number
    booking_id: number | null
    action: 'book' | 'change' | 'cancel' | 'move' | 'arrived' | 'absent' | 'reminded'
    from_slot_id?: number | null
    to_slot_id?: number | null
    note?: string | null
    actor_kind: 'applicant' | 'staff' | 'system'
    actor_id?: number | null
    at: Date
  },
): Promise<void> {
  await prepared(db('booking_history').insert(row))
}

// ---- staff: the day's list, attendance, figures --------------------------------------------------------

export interface DayListRow {
  booking_id: number
  slot_id: number
  starts_at: Date
  ends_at: Date
  business: BookingBusiness
  application_id: number
  number: string
  status: string
  photo_file_id: string
  name: string
  phone: string
  attendance: 'arrived' | 'absent' | null
}

/** The live bookings of the point's slots starting in [from, to), by slot then 报名号. */
export async function dayList(db: Db, pointId: number, from: Date, to: Date): Promise<DayListRow[]> {
  const apps = db
    .select(db.raw(`'registration' AS business`), 'id', 'number', 'status', 'photo_file_id', 'applicant_id')
    .from('registrations')
    .unionAll((u) =>
      u
        .select(db.raw(`'certification'`), 'id', 'number', 'status', 'photo_file_id', 'applicant_id')
        .from('certification_applications'),
    )
    .as('x')
  const rows = await db('bookings as b')
    .join('booking_slots as s', 's.id', 'b.slot_id')
    .join(apps, function () {
      this.on('x.business', 'b.business').andOn('x.id', 'b.application_id')
    })
    .join('applicants as a', 'a.id', 'b.applicant_id')
    .where({ 's.point_id': pointId, 'b.state': 'booked' })
    .andWhere('s.starts_at', '>=', from)
    .andWhere('s.starts_at', '<', to)
    .orderBy([{ column: 's.starts_at' }, { column: 'x.number' }])
    .select(
      'b.id as booking_id',
      'b.slot_id',
      's.starts_at',
      's.ends_at',
      'b.business',
      'b.application_id',
      'x.number',
      'x.status',
      'x.photo_file_id',
      'a.name',
      'a.phone',
      'b.attendance',
    )
  return rows.map((r) => ({ ...r, booking_id: num(r.booking_id), slot_id: num(r.slot_id) }))
}

export async function setAttendance(
  db: Db,
  bookingId: number,
  attendance: 'arrived' | 'absent',
  staffId: number,
  now: Date,
): Promise<boolean> {
  const n = await db('bookings')
    .where({ id: bookingId, state: 'booked' })
    .update({ attendance, attendance_by: staffId, attendance_at: now })
  return n === 1
}

/** Over the point's slots that have begun: live bookings, and how many were marked 已到 / 未到. */
export async function attendanceTotals(
  db: Db,
  pointId: number,
  before: Date,
): Promise<{ booked: number; arrived: number; absent: number }> {
  const row = await db('bookings as b')
    .join('booking_slots as s', 's.id', 'b.slot_id')
    .where({ 's.point_id': pointId, 'b.state': 'booked' })
    .andWhere('s.starts_at', '<', before)
    .first(
      db.raw('count(*) AS booked'),
      db.raw(`count(*) FILTER (WHERE b.attendance = 'arrived') AS arrived`),
      db.raw(`count(*) FILTER (WHERE b.attendance = 'absent') AS absent`),
    )
  return { booked: num(row?.booked ?? 0), arrived: num(row?.arrived ?? 0), absent: num(row?.absent ?? 0) }
}

// ---- the day-before reminder -----------------------------------------------------------------------------

export interface ReminderRow {
  booking_id: number
  slot_id: number
  business: BookingBusiness
  application_id: number
  starts_at: Date
  ends_at: Date
  phone: string
  email: string
  name: string
  point_name: string
  point_address: string | null
}

/**
 * Marks the live bookings of slots starting in [from, to) not yet reminded, and returns them with
 * what the message needs; a second run over the same days finds nothing (reminded_at is set).
 */
export async function claimReminders(db: Db, from: Date, to: Date, now: Date): Promise<ReminderRow[]> {
  const { rows } = await db.raw(
    `UPDATE bookings b SET reminded_at = ?
       FROM booking_slots s, applicants a, confirmation_points p
      WHERE b.state = 'booked' AND b.reminded_at IS NULL AND s.id = b.slot_id
        AND s.starts_at >= ? AND s.starts_at < ? AND a.id = b.applicant_id AND p.id = s.point_id
      RETURNING b.id AS booking_id, b.slot_id, b.business, b.application_id, s.starts_at, s.ends_at,
                a.phone, a.email, a.name, p.name AS point_name, p.address AS point_address`,
    [now, from, to],
  )
  return rows.map((r: Record<string, unknown>) => ({
    ...r,
    booking_id: num(r.booking_id),
    slot_id: num(r.slot_id),
    application_id: num(r.application_id),
  }))
}
