import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import { scopesFor, type RoleGrant } from '../../domain/roles'
import { isCertificationStatus, type CertificationStatus } from '../../domain/certification'
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
import type { ApplicationRow } from './repository'

// The staff side of certification: whose applications a staff member sees (their points as 现场确认,
// their authorities as 认定审批), the filtered queue and the files they may open.

export const QUEUE_PAGE_SIZE = 50

export const scopeOf = (staff: { roles: RoleGrant[] }): StaffScope => ({
  points: scopesFor(staff, 'confirmation.handle', 'point'),
  authorities: scopesFor(staff, 'certification.approve', 'authority'),
})

export { actorKindsFor }

function scoped(db: Db, scope: StaffScope, f: QueueFilter): Knex.QueryBuilder {
  const q = db('certification_applications as c')
    .join('applicants as a', 'a.id', 'c.applicant_id')
    .where(inScope(scope, 'c'))
  if (f.status && isCertificationStatus(f.status)) q.where('c.status', f.status)
  if (f.from) q.where('c.submitted_at', '>=', shanghaiDateToUtc(f.from))
  if (f.to) q.where('c.submitted_at', '<', new Date(shanghaiDateToUtc(f.to).getTime() + 24 * 3600_000))
  const term = f.q?.trim()
  if (term) {
    const like = `%${likeEscape(term)}%`
    q.where((w) => {
      w.where('c.number', term)
        .orWhereILike('a.name', like)
        .orWhere('a.doc_number', term.toUpperCase())
        .orWhere('c.certificate_number', term)
    })
  }
  return q
}

// Staff open an application's photo, scan and crop only where they may open the application.
registerFileScope(['id_photo', 'commitment_scan', 'commitment_crop'], async (db, fileId, staff) => {
  const row = await scoped(db, scopeOf(staff), {})
    .where((w) =>
      w
        .where('c.photo_file_id', fileId)
        .orWhere('c.commitment_file_id', fileId)
        .orWhere('c.commitment_crop_file_id', fileId),
    )
    .first('c.id')
  return !!row
})

export interface QueueRow {
  id: number
  number: string
  name: string
  doc_number: string
  qualification_type: string
  subject: string
  status: CertificationStatus
  authority_id: number
  point_id: number
  certificate_number: string | null
  data: Record<string, unknown>
  submitted_at: Date
  version: number
}

const QUEUE_COLUMNS = [
  'c.id',
  'c.number',
  'a.name',
  'a.doc_number',
  'c.qualification_type',
  'c.subject',
  'c.status',
  'c.authority_id',
  'c.point_id',
  'c.certificate_number',
  'c.data',
  'c.submitted_at',
  'c.version',
]

const QUEUE_ORDER = [
  { column: 'c.submitted_at', order: 'asc' as const },
  { column: 'c.id', order: 'asc' as const },
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
export const allInQueue = (db: Db, scope: StaffScope, f: QueueFilter): Promise<QueueRow[]> =>
  scoped(db, scope, f).orderBy(QUEUE_ORDER).select(QUEUE_COLUMNS)

/** The application if it belongs to one of the staff member's points or authorities. */
export async function scopedApplication(
  db: Db,
  scope: StaffScope,
  id: number,
): Promise<ApplicationRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined
  const row: ApplicationRow | undefined = await db('certification_applications').where({ id }).first()
  return row && actorKindsFor(scope, row).length ? row : undefined
}

/** Those of `ids` the staff member may see. */
export async function scopedIds(db: Db, scope: StaffScope, ids: number[]): Promise<number[]> {
  const safe = ids.filter((n) => Number.isSafeInteger(n))
  if (!safe.length) return []
  const rows = await scoped(db, scope, {}).whereIn('c.id', safe).select('c.id')
  return rows.map((r: { id: string }) => Number(r.id))
}
