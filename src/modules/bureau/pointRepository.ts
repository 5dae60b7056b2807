import { prepared } from '../../db/prepared'
import type { Business } from '../../domain/windows'
import type { Conn } from './repository'

// The bureau's confirmation_points and the schools each covers (confirmation_point_schools, and the
// free_schools typed in). Typed rows in, typed rows out.

export interface PointRow {
  id: number
  authority_id: number
  authority_name: string
  name: string
  scope: string
  free_schools: string[]
  address: string | null
  phone: string | null
  confirm_start: Date | null
  confirm_end: Date | null
  capacity_per_day: number | null
  enabled: boolean
  /** at least one active staff member holds 现场确认 on the point */
  staffed: boolean
}

export interface SchoolRow {
  id: number
  name: string
  region_code: string
}

export type PointFields = Omit<PointRow, 'id' | 'authority_name' | 'staffed'>

const STAFFED = `EXISTS (
  SELECT 1 FROM staff_roles sr JOIN staff_users su ON su.id = sr.staff_id
  WHERE sr.role = 'confirmation_clerk' AND sr.scope_type = 'point' AND sr.scope_id = p.id AND su.active
)`

const pointQuery = (db: Conn) =>
  db('confirmation_points as p')
    .join('authorities as a', 'a.id', 'p.authority_id')
    .select(
      'p.id',
      'p.authority_id',
      'a.name as authority_name',
      'p.name',
      'p.scope',
      'p.free_schools',
      'p.address',
      'p.phone',
      'p.confirm_start',
      'p.confirm_end',
      'p.capacity_per_day',
      'p.enabled',
      db.raw(`${STAFFED} as staffed`),
    )

const toPoint = (r: PointRow): PointRow => ({ ...r, id: Number(r.id), authority_id: Number(r.authority_id) })

export async function pointsOf(db: Conn, authorityId: number): Promise<PointRow[]> {
  return (await pointQuery(db).where('p.authority_id', authorityId).orderBy('p.name')).map(toPoint)
}

export async function pointById(db: Conn, id: number): Promise<PointRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined
  const row = await pointQuery(db).where('p.id', id).first()
  return row && toPoint(row)
}

export interface OfferedFilter {
  authorityId?: number
  business?: Business
  /** points whose 现场确认结束时间 is before this instant are no longer offered */
  at: Date
  /** matches name, 确认范围, address or a covered school */
  search?: string
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Points offered to applicants: enabled, staffed, of an enabled authority, confirmation not over. */
export async function offeredPoints(db: Conn, f: OfferedFilter): Promise<PointRow[]> {
  const q = pointQuery(db)
    .where('p.enabled', true)
    .where('a.enabled', true)
    .whereRaw(STAFFED)
    .where((w) => w.whereNull('p.confirm_end').orWhere('p.confirm_end', '>', f.at))
    .orderBy(['a.name', 'p.name'])
  if (f.authorityId !== undefined) q.where('p.authority_id', f.authorityId)
  if (f.business === 'registration') q.where('a.registers', true)
  if (f.business === 'certification') q.where('a.certifies', true)
  if (f.search) {
    const like = likePattern(f.search)
    q.where((w) =>
      w
        .whereILike('p.name', like)
        .orWhereILike('p.scope', like)
        .orWhereILike('p.address', like)
        .orWhereRaw(`EXISTS (SELECT 1 FROM unnest(p.free_schools) s WHERE s ILIKE ?)`, [like])
        .orWhereRaw(
          `EXISTS (SELECT 1 FROM confirmation_point_schools ps JOIN schools sc ON sc.id = ps.school_id
                   WHERE ps.point_id = p.id AND sc.name ILIKE ?)`,
          [like],
        ),
    )
  }
  // a handful of shapes (with or without authority, business, search): each a named statement
  return (await prepared(q)).map(toPoint)
}

/** The ids of the points among `pointIds` whose covered schools include the school (exact name). */
export async function pointsCovering(db: Conn, pointIds: number[], schoolName: string): Promise<number[]> {
  if (!pointIds.length || !schoolName) return []
  const rows: { id: string }[] = await db('confirmation_points as p')
    .whereIn('p.id', pointIds)
    .where((w) =>
      w
        .whereRaw('? = ANY (p.free_schools)', [schoolName])
        .orWhereExists(
          db('confirmation_point_schools as ps')
            .join('schools as s', 's.id', 'ps.school_id')
            .whereRaw('ps.point_id = p.id')
            .where('s.name', schoolName),
        ),
    )
    .orderBy('p.id')
    .select('p.id')
  return rows.map((r) => Number(r.id))
}

function pointRecord(f: PointFields) {
  return {
    authority_id: f.authority_id,
    name: f.name,
    scope: f.scope,
    free_schools: f.free_schools,
    address: f.address,
    phone: f.phone,
    confirm_start: f.confirm_start,
    confirm_end: f.confirm_end,
    capacity_per_day: f.capacity_per_day,
    enabled: f.enabled,
  }
}

export async function insertPoint(db: Conn, f: PointFields, now: Date): Promise<number> {
  const [row] = await db('confirmation_points')
    .insert({ ...pointRecord(f), created_at: now, updated_at: now })
    .returning('id')
  return Number(row.id)
}

export async function updatePoint(db: Conn, id: number, f: PointFields, now: Date): Promise<boolean> {
  return (
    (await db('confirmation_points')
      .where({ id })
      .update({ ...pointRecord(f), updated_at: now })) > 0
  )
}

export async function pointNameTaken(db: Conn, authorityId: number, name: string, exceptId?: number) {
  const q = db('confirmation_points').where({ authority_id: authorityId, name })
  if (exceptId) q.whereNot({ id: exceptId })
  return !!(await q.first('id'))
}

export async function schoolsOfPoint(db: Conn, pointId: number): Promise<SchoolRow[]> {
  const rows = await db('confirmation_point_schools as ps')
    .join('schools as s', 's.id', 'ps.school_id')
    .where('ps.point_id', pointId)
    .orderBy('s.name')
    .select('s.id', 's.name', 's.region_code')
  return rows.map((r) => ({ ...r, id: Number(r.id) }))
}

export async function linkSchools(db: Conn, pointId: number, schoolIds: number[]): Promise<void> {
  if (schoolIds.length)
    await db('confirmation_point_schools')
      .insert(schoolIds.map((school_id) => ({ point_id: pointId, school_id })))
      .onConflict(['point_id', 'school_id'])
      .ignore()
}

export async function unlinkSchools(db: Conn, pointId: number, schoolIds: number[]): Promise<void> {
  if (schoolIds.length)
    await db('confirmation_point_schools')
      .where({ point_id: pointId })
      .whereIn('school_id', schoolIds)
      .delete()
}

export async function searchSchools(db: Conn, text: string, limit = 20): Promise<SchoolRow[]> {
  const rows = await db('schools')
    .whereILike('name', likePattern(text))
    .orderByRaw('length(name), name')
    .limit(limit)
    .select('id', 'name', 'region_code')
  return rows.map((r) => ({ ...r, id: Number(r.id) }))
}

export async function existingSchoolIds(db: Conn, ids: number[]): Promise<number[]> {
  if (!ids.length) return []
  const rows: { id: string }[] = await db('schools').whereIn('id', ids).select('id')
  return rows.map((r) => Number(r.id))
}
