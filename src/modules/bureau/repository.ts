import type { Knex } from 'knex'
import { prepared } from '../../db/prepared'
import { refOptions } from '../../services/reference'
import type { Db } from '../../db/knex'
import type { AuthorityLevel, Business, Window } from '../../domain/windows'

// The bureau tables authorities and online_windows, and the reference lists the forms offer (the
// points and their schools: pointRepository.ts). Typed rows in, typed rows out.

export type Conn = Db | Knex.Transaction

export interface AuthorityRow {
  id: number
  name: string
  region_code: string
  region_name: string
  level: AuthorityLevel
  address: string | null
  phone: string | null
  registers: boolean
  stages: string[]
  certifies: boolean
  qualification_types: string[]
  posts_certificates: boolean
  /** positions 7–9 of the certificate numbers it issues, unique within its province */
  certificate_bureau_code: string | null
  reminder: string | null
  /** 'YYYY-MM-DD' or null */
  form_download_end: string | null
  enabled: boolean
}

export interface WindowRow extends Window {
  id: number
  authority_id: number
  business: Business
}

export type AuthorityFields = Omit<AuthorityRow, 'id' | 'region_name'>

const AUTHORITY_COLUMNS = [
  'a.id',
  'a.name',
  'a.region_code',
  'r.name as region_name',
  'a.level',
  'a.address',
  'a.phone',
  'a.registers',
  'a.stages',
  'a.certifies',
  'a.qualification_types',
  'a.posts_certificates',
  'a.certificate_bureau_code',
  'a.reminder',
  'a.enabled',
]

const authorityQuery = (db: Conn) =>
  db('authorities as a')
    .leftJoin('ref_regions as r', 'r.code', 'a.region_code')
    .select(AUTHORITY_COLUMNS)
    .select(db.raw(`to_char(a.form_download_end, 'YYYY-MM-DD') as form_download_end`))

const toAuthority = (r: AuthorityRow): AuthorityRow => ({
  ...r,
  id: Number(r.id),
  region_code: r.region_code.trim(),
  region_name: r.region_name ?? '',
})

export async function listAuthorities(db: Conn): Promise<AuthorityRow[]> {
  return (await authorityQuery(db).orderBy([{ column: 'a.level', order: 'desc' }, 'a.name'])).map(toAuthority)
}

/** Enabled authorities doing either business, for the public list of their telephones and addresses. */
export async function contactAuthorities(db: Conn): Promise<AuthorityRow[]> {
  return (
    await authorityQuery(db)
      .where('a.enabled', true)
      .where((q) => q.where('a.registers', true).orWhere('a.certifies', true))
      .orderBy(['a.name'])
  ).map(toAuthority)
}

export async function authorityById(db: Conn, id: number): Promise<AuthorityRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined
  const row = await prepared(authorityQuery(db).where('a.id', id).first())
  return row && toAuthority(row)
}

export interface AuthorityFilter {
  business: Business
  provinceCode?: string
  cityCode?: string
  /** 现任教学段 the authority registers (registration) */
  stage?: string
  /** 资格种类 the authority certifies (certification) */
  qualificationType?: string
  /** only authorities whose window for the business is open at this instant */
  openAt?: Date
}

/**
 * Enabled authorities doing the business, for a city (its own authority, its counties' and its
 * province's) or a whole province.
 */
export async function findAuthorities(db: Conn, f: AuthorityFilter): Promise<AuthorityRow[]> {
  const q = authorityQuery(db)
    .where('a.enabled', true)
    .orderBy([{ column: 'a.level' }, 'a.name'])
  if (f.business === 'registration') {
    q.where('a.registers', true)
    if (f.stage) q.whereRaw('? = ANY (a.stages)', [f.stage])
  } else {
    q.where('a.certifies', true)
    if (f.qualificationType) q.whereRaw('? = ANY (a.qualification_types)', [f.qualificationType])
  }
  if (f.cityCode)
    q.where((w) =>
      w
        .where('a.region_code', f.cityCode!)
        .orWhere('r.parent_code', f.cityCode!)
        .orWhereRaw('a.region_code = (SELECT parent_code FROM ref_regions WHERE code = ?)', [f.cityCode!]),
    )
  else if (f.provinceCode)
    q.where((w) =>
      w
        .where('a.region_code', f.provinceCode!)
        .orWhere('r.parent_code', f.provinceCode!)
        .orWhereRaw('r.parent_code IN (SELECT code FROM ref_regions WHERE parent_code = ?)', [
          f.provinceCode!,
        ]),
    )
  if (f.openAt)
    q.whereExists(
      db('online_windows as w')
        .whereRaw('w.authority_id = a.id')
        .where('w.business', f.business)
        .where('w.starts_at', '<=', f.openAt)
        .where('w.ends_at', '>', f.openAt),
    )
  return (await q).map(toAuthority)
}

function authorityRecord(f: AuthorityFields) {
  return {
    name: f.name,
    region_code: f.region_code,
    level: f.level,
    address: f.address,
    phone: f.phone,
    registers: f.registers,
    stages: f.stages,
    certifies: f.certifies,
    qualification_types: f.qualification_types,
    posts_certificates: f.posts_certificates,
    certificate_bureau_code: f.certificate_bureau_code,
    reminder: f.reminder,
    form_download_end: f.form_download_end,
    enabled: f.enabled,
  }
}

export async function insertAuthority(db: Conn, f: AuthorityFields, now: Date): Promise<number> {
  const [row] = await db('authorities')
    .insert({ ...authorityRecord(f), created_at: now, updated_at: now })
    .returning('id')
  return Number(row.id)
}

export async function updateAuthority(db: Conn, id: number, f: AuthorityFields, now: Date): Promise<boolean> {
  return (
    (await db('authorities')
      .where({ id })
      .update({ ...authorityRecord(f), updated_at: now })) > 0
  )
}

export async function authorityNameTaken(db: Conn, name: string, exceptId?: number): Promise<boolean> {
  const q = db('authorities').where({ name })
  if (exceptId) q.whereNot({ id: exceptId })
  return !!(await q.first('id'))
}

/** Whether another authority of the province already uses this certificate bureau code. */
export async function bureauCodeTaken(
  db: Conn,
  regionCode: string,
  code: string,
  exceptId?: number,
): Promise<boolean> {
  const q = db('authorities')
    .where({ certificate_bureau_code: code })
    .whereRaw('left(region_code, 2) = ?', [regionCode.slice(0, 2)])
  if (exceptId) q.whereNot({ id: exceptId })
  return !!(await q.first('id'))
}

// ---- windows ----------------------------------------------------------------------------------

const toWindow = (r: {
  id: string
  authority_id: string
  business: Business
  starts_at: Date
  ends_at: Date
}): WindowRow => ({
  id: Number(r.id),
  authority_id: Number(r.authority_id),
  business: r.business,
  start: r.starts_at,
  end: r.ends_at,
})

export async function windowsOf(db: Conn, authorityId: number, business?: Business): Promise<WindowRow[]> {
  const q = db('online_windows').where({ authority_id: authorityId }).orderBy(['business', 'starts_at'])
  if (business) q.where({ business })
  return (await q.select('*')).map(toWindow)
}

/**
 * SQL that is true when the authority named by `authorityIdText` (an SQL expression giving its id as
 * text, e.g. from a wizard's progress JSON) has a window of `business` open at `at`: for a guard
 * that reads it in the same statement as other facts (see the wizard engine's `facts`).
 */
export function openWindowSql(db: Conn, business: Business, authorityIdText: string, at: Date): Knex.Raw {
  return db.raw(
    `EXISTS (SELECT 1 FROM online_windows w
       WHERE w.business = ? AND w.starts_at <= ? AND ? < w.ends_at
         AND w.authority_id = CASE WHEN (${authorityIdText}) ~ '^[0-9]{1,18}$' THEN (${authorityIdText})::bigint END)`,
    [business, at, at],
  )
}

/** Whether any window is open at an instant, the next one to open and the last one to close. */
export interface Season {
  open: boolean
  next?: Window
  last?: Window
}

/**
 * The business's season across every enabled authority doing it (the platform's 报名 and the
 * closed-season page): one statement, since the platform is the page every applicant opens first.
 */
export async function seasonOf(db: Conn, business: Business, at: Date): Promise<Season> {
  const { rows } = await db.raw(
    `WITH w AS (
       SELECT w.starts_at, w.ends_at FROM online_windows w JOIN authorities a ON a.id = w.authority_id
        WHERE w.business = ? AND a.enabled
          AND CASE WHEN ? = 'registration' THEN a.registers ELSE a.certifies END)
     SELECT EXISTS (SELECT 1 FROM w WHERE starts_at <= ? AND ? < ends_at) AS open,
            (SELECT array[starts_at, ends_at] FROM w WHERE starts_at > ? ORDER BY starts_at LIMIT 1) AS next,
            (SELECT array[starts_at, ends_at] FROM w WHERE ends_at <= ? ORDER BY ends_at DESC LIMIT 1) AS last`,
    [business, business, at, at, at, at],
  )
  const window = (pair: Date[] | null): Window | undefined =>
    pair ? { start: new Date(pair[0]), end: new Date(pair[1]) } : undefined
  const row = rows[0] as { open: boolean; next: Date[] | null; last: Date[] | null }
  return { open: row.open, next: window(row.next), last: window(row.last) }
}

export async function windowById(db: Conn, id: number): Promise<WindowRow | undefined> {
  const row = await db('online_windows').where({ id }).first()
  return row && toWindow(row)
}

const OVERLAP = 'online_windows_no_overlap'

/** True when the database refused a window because it overlaps another (the exclusion constraint). */
export const isOverlap = (err: unknown): boolean => (err as { constraint?: string })?.constraint === OVERLAP

export async function insertWindow(
  db: Conn,
  w: { authorityId: number; business: Business; start: Date; end: Date },
  now: Date,
): Promise<number> {
  const [row] = await db('online_windows')
    .insert({
      authority_id: w.authorityId,
      business: w.business,
      starts_at: w.start,
      ends_at: w.end,
      created_at: now,
    })
    .returning('id')
  return Number(row.id)
}

export async function updateWindow(db: Conn, id: number, w: { start: Date; end: Date }): Promise<boolean> {
  return (await db('online_windows').where({ id }).update({ starts_at: w.start, ends_at: w.end })) > 0
}

export async function deleteWindow(db: Conn, id: number): Promise<boolean> {
  return (await db('online_windows').where({ id }).delete()) > 0
}

// ---- reference lists --------------------------------------------------------------------------

export async function regionByCode(db: Conn, code: string) {
  const row: { code: string; name: string; level: number; parent_code: string | null } | undefined = await db(
    'ref_regions',
  )
    .where({ code })
    .first('code', 'name', 'level', 'parent_code')
  return row
}

export { regionOptions } from '../../services/reference'

/** ref_codes of one kind as options, without their groups. */
export const codeOptions = async (db: Conn, kind: string) =>
  (await refOptions(db, kind)).map(({ value, text }) => ({ value, text }))
