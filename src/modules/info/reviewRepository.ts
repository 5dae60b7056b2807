import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import type { InfoItemRow } from './repository'

// 信息核验's queue: the hand-entered items staff verify, read within the verifier's scope, and the
// guarded decision on one.

export interface QueueRow extends InfoItemRow {
  applicant_name: string
  doc_number: string
}

export const QUEUE_PAGE_SIZE = 50

/**
 * Whose items a staff member may verify: everyone's (pointIds null: an instance-wide grant), or
 * those of applicants with an application at one of the staff member's confirmation points.
 */
export interface QueueScope {
  pointIds: number[] | null
}

function withinScope(db: Db, q: Knex.QueryBuilder, scope: QueueScope): Knex.QueryBuilder {
  if (scope.pointIds === null) return q
  return q.whereExists(
    db('registrations as r')
      .whereRaw('r.applicant_id = i.applicant_id')
      .whereIn('r.point_id', scope.pointIds),
  )
}

export async function searchQueue(
  db: Db,
  filter: { kind: string; status: string },
  page: number,
  scope: QueueScope,
): Promise<{ rows: QueueRow[]; total: number }> {
  const base = withinScope(
    db,
    db('info_items as i').join('applicants as a', 'a.id', 'i.applicant_id').where('i.source', 'manual'),
    scope,
  )
  if (filter.kind !== 'all') base.where('i.kind', filter.kind)
  if (filter.status !== 'all') base.where('i.status', filter.status)
  const [{ count }] = await base.clone().count<{ count: string }[]>('* as count')
  const rows = await base
    .select('i.*', 'a.name as applicant_name', 'a.doc_number')
    .orderBy('i.updated_at', filter.status === 'pending' ? 'asc' : 'desc')
    .orderBy('i.id')
    .limit(QUEUE_PAGE_SIZE)
    .offset((page - 1) * QUEUE_PAGE_SIZE)
  return { rows, total: Number(count) }
}

export async function findQueueItem(
  db: Db,
  id: number,
  scope: QueueScope,
): Promise<(QueueRow & { decided_by_name: string | null }) | undefined> {
  return withinScope(
    db,
    db('info_items as i')
      .join('applicants as a', 'a.id', 'i.applicant_id')
      .leftJoin('staff_users as s', 's.id', 'i.decided_by')
      .where({ 'i.id': id, 'i.source': 'manual' }),
    scope,
  ).first('i.*', 'a.name as applicant_name', 'a.doc_number', 's.name as decided_by_name')
}

/** Whether a hand-entered item in the verifier's scope carries this scan (who may open the scan). */
export async function scanInScope(db: Db, fileId: string, scope: QueueScope): Promise<boolean> {
  const q = db('info_items as i').where({ 'i.scan_file_id': fileId, 'i.source': 'manual' })
  return !!(await withinScope(db, q, scope).first('i.id'))
}

/** 核验通过 / 不通过, only while still pending and unchanged since the reviewer opened it. */
export async function decideItem(
  trx: Db,
  id: number,
  version: number,
  decision: { status: 'verified' | 'rejected'; reason: string | null; staffId: number; at: Date },
): Promise<InfoItemRow | undefined> {
  const [row] = await trx('info_items')
    .where({ id, version, status: 'pending', source: 'manual' })
    .update({
      status: decision.status,
      reason: decision.reason,
      decided_by: decision.staffId,
      decided_at: decision.at,
      updated_at: decision.at,
    })
    .returning('*')
  return row
}
