import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import { scopesFor, type RoleGrant } from '../../domain/roles'
import { isRegistrationStatus, type RegistrationStatus } from '../../domain/registration'
import { shanghaiDateToUtc } from '../../domain/time'
import { registerFileScope } from '../../services/uploads'
import {
  actorKindsFor,
  inScope,
  likeEscape,
  queuePage,
  type QueueFilter,
  type QueuePage,
  type StaffScope,
} from '../../web/staffQueue'
import type { RegistrationRow } from './repository'

// The staff side of registration: whose applications a staff member sees (their points as 现场确认,
// their authorities as 注册审批), the filtered queue, messages to the applicant.

export const QUEUE_PAGE_SIZE = 50

export type { StaffScope }
export { actorKindsFor }

export const scopeOf = (staff: { roles: RoleGrant[] }): StaffScope => ({
  points: scopesFor(staff, 'confirmation.handle', 'point'),
  authorities: scopesFor(staff, 'registration.approve', 'authority'),
})

// Staff open an application's photos only where they may open the application.
registerFileScope(['id_photo', 'certificate_photo'], async (db, fileId, staff) => {
  const row = await scoped(db, scopeOf(staff), {})
    .where((w) =>
      w.where('r.photo_file_id', fileId).orWhereRaw('?::uuid = ANY (r.certificate_photo_file_ids)', [fileId]),
    )
    .first('r.id')
  return !!row
})

export type { QueueFilter }

function scoped(db: Db, scope: StaffScope, f: QueueFilter): Knex.QueryBuilder {
  const q = db('registrations as r')
    .join('applicants as a', 'a.id', 'r.applicant_id')
    .where(inScope(scope, 'r'))
  if (f.status && isRegistrationStatus(f.status)) q.where('r.status', f.status)
  if (f.from) q.where('r.submitted_at', '>=', shanghaiDateToUtc(f.from))
  if (f.to) q.where('r.submitted_at', '<', new Date(shanghaiDateToUtc(f.to).getTime() + 24 * 3600_000))
  const term = f.q?.trim()
  if (term) {
    const like = `%${likeEscape(term)}%`
    q.where((w) => {
      w.where('r.number', term)
        .orWhereILike('a.name', like)
        .orWhere('a.doc_number', term.toUpperCase())
        .orWhere('r.cert_number', term)
    })
  }
  return q
}

export interface QueueRow {
  id: number
  number: string
  name: string
  doc_number: string
  cert_number: string
  stage: string
  subject: string
  status: RegistrationStatus
  authority_id: number
  point_id: number
  data: Record<string, unknown>
  submitted_at: Date
  version: number
}

const QUEUE_COLUMNS = [
  'r.id',
  'r.number',
  'a.name',
  'a.doc_number',
  'r.cert_number',
  'r.stage',
  'r.subject',
  'r.status',
  'r.authority_id',
  'r.point_id',
  'r.data',
  'r.submitted_at',
  'r.version',
]

const QUEUE_ORDER = [
  { column: 'r.submitted_at', order: 'asc' as const },
  { column: 'r.id', order: 'asc' as const },
]

/** One page of the queue, oldest submission first (the order people arrive at the point). */
export const searchQueue = (
  db: Db,
  scope: StaffScope,
  f: QueueFilter,
  page: number,
): Promise<QueuePage<QueueRow>> =>
  queuePage<QueueRow>(() => scoped(db, scope, f), {
    page,
    size: QUEUE_PAGE_SIZE,
    order: QUEUE_ORDER,
    columns: QUEUE_COLUMNS,
  })

/** Every row of the filter (for the export), in queue order. */
export async function allInQueue(db: Db, scope: StaffScope, f: QueueFilter): Promise<QueueRow[]> {
  return scoped(db, scope, f)
    .orderBy([
      { column: 'r.submitted_at', order: 'asc' },
      { column: 'r.id', order: 'asc' },
    ])
    .select(QUEUE_COLUMNS)
}

/** The application if it belongs to one of the staff member's points or authorities. */
export async function scopedRegistration(
  db: Db,
  scope: StaffScope,
  id: number,
): Promise<RegistrationRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined
  const row: RegistrationRow | undefined = await db('registrations').where({ id }).first()
  return row && actorKindsFor(scope, row).length ? row : undefined
}

/** Those of `ids` the staff member may see. */
export async function scopedIds(db: Db, scope: StaffScope, ids: number[]): Promise<number[]> {
  const safe = ids.filter((n) => Number.isSafeInteger(n))
  if (!safe.length) return []
  const rows = await scoped(db, scope, {}).whereIn('r.id', safe).select('r.id')
  return rows.map((r: { id: string }) => Number(r.id))
}
