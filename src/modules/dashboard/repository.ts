import type { Db } from '../../db/knex'

// The administrator's 运行概况: a few counts over the whole instance, each one statement.

export type Business = 'registration' | 'certification'

/** Each business's applications table, its year column and its status history. */
const TABLES: Record<Business, { table: string; year: string; history: string; key: string }> = {
  registration: {
    table: 'registrations',
    year: 'cycle',
    history: 'registration_status_history',
    key: 'registration_id',
  },
  certification: {
    table: 'certification_applications',
    year: 'year',
    history: 'certification_status_history',
    key: 'application_id',
  },
}

export interface StatusCount {
  authority_id: number
  /** null for an authority this instance's table does not hold (one a bureau port answers for) */
  authority_name: string | null
  status: string
  count: number
  /** of `count`, those submitted since `todayFrom` */
  today: number
}

/** The applications of one year by authority (in the order they were set up) and status, with how many of them came in today. */
export async function countsByAuthority(
  db: Db,
  business: Business,
  year: number,
  todayFrom: Date,
): Promise<StatusCount[]> {
  const t = TABLES[business]
  const { rows } = await db.raw(
    `SELECT x.authority_id, au.name AS authority_name, x.status,
            count(*)::int AS count, count(*) FILTER (WHERE x.submitted_at >= ?)::int AS today
       FROM ?? x LEFT JOIN authorities au ON au.id = x.authority_id
      WHERE x.?? = ?
      GROUP BY x.authority_id, au.name, x.status
      ORDER BY x.authority_id`,
    [todayFrom, t.table, t.year, year],
  )
  return rows.map((r: StatusCount) => ({ ...r, authority_id: Number(r.authority_id) }))
}

export interface Waiting {
  count: number
  /** when the longest-waiting item began to wait; null when none waits */
  oldest: Date | null
}

/**
 * The applications in `status` (any year) and since when the oldest has been in it: the last time
 * its history entered that status (an application returned to it waits again from then).
 */
export async function waitingApplications(db: Db, business: Business, status: string): Promise<Waiting> {
  const t = TABLES[business]
  const { rows } = await db.raw(
    `SELECT count(*)::int AS count, min(h.since) AS oldest
       FROM ?? x
       CROSS JOIN LATERAL (
         SELECT coalesce(max(h.at), x.submitted_at) AS since FROM ?? h WHERE h.?? = x.id AND h.to_status = x.status
       ) h
      WHERE x.status = ?`,
    [t.table, t.history, t.key, status],
  )
  return rows[0]
}

/** 实名人工审核 still undecided, waiting since they were submitted. */
export async function waitingIdentityReviews(db: Db): Promise<Waiting> {
  const row = await db('identity_reviews')
    .where({ status: 'pending' })
    .first(db.raw('count(*)::int AS count'), db.raw('min(submitted_at) AS oldest'))
  return row as Waiting
}

/** Information entered by hand that waits for 信息核验, since it was last changed (the queue's order). */
export async function waitingInfoItems(db: Db): Promise<Waiting> {
  const row = await db('info_items')
    .where({ status: 'pending', source: 'manual' })
    .first(db.raw('count(*)::int AS count'), db.raw('min(updated_at) AS oldest'))
  return row as Waiting
}
