import type { Pool } from 'pg'
import type { Db } from '../db/knex'

// What a request's session needs from the database: the session row with its applicant in one query
// (the session store), and the signed-in user otherwise (loadCurrentUser).

/**
 * The columns every applicant page reads (header, access checks; see loadCurrentUser), and the
 * identity the wizards print (applications/wizardSteps.ts identityView), read with the session
 * rather than once more by the wizard pages that show it.
 */
export const APPLICANT_COLUMNS = [
  'id',
  'doc_type',
  'doc_number',
  'name',
  'phone',
  'email',
  'identity_status',
  'profile_completed_at',
  'previous_login_at',
  'ethnicity',
  'sex',
  'birth_date',
] as const

const GET_SESSION_AND_APPLICANT = {
  name: 'session-and-applicant',
  text: `SELECT s.sess, ${APPLICANT_COLUMNS.map((c) => `a.${c} AS "a_${c}"`).join(', ')},
      a.id IS NOT NULL AND (EXISTS (SELECT 1 FROM registrations r WHERE r.applicant_id = a.id)
        OR EXISTS (SELECT 1 FROM certification_applications c WHERE c.applicant_id = a.id)) AS has_applications
    FROM session s
    LEFT JOIN applicants a ON s.sess->>'realm' = 'applicant' AND a.id = (s.sess->>'userId')::bigint
    WHERE s.sid = $1 AND s.expire >= now()`,
}

export interface SessionWithApplicant {
  sess: unknown
  /** the applicant's APPLICANT_COLUMNS, or null when the session is not an applicant's or the row is gone */
  applicant: Record<string, unknown> | null
  hasApplications: boolean
}

/** A live session by id, with its applicant's row; undefined when there is none. */
export async function sessionWithApplicant(
  pool: Pool,
  sid: string,
): Promise<SessionWithApplicant | undefined> {
  const {
    rows: [data],
  } = await pool.query(GET_SESSION_AND_APPLICANT, [sid])
  if (!data) return undefined
  return {
    sess: data.sess,
    applicant:
      data.a_id == null ? null : Object.fromEntries(APPLICANT_COLUMNS.map((c) => [c, data[`a_${c}`]])),
    hasApplications: data.a_id != null && Boolean(data.has_applications),
  }
}

export function applicantById(db: Db, id: number): Promise<Record<string, unknown> | undefined> {
  return db('applicants')
    .where({ id })
    .first(...APPLICANT_COLUMNS)
}

export interface StaffUserRow {
  id: number
  username: string
  name: string
  previous_login_at: Date | null
  roles: { role: string; scope_type: string; scope_id: number | null }[]
}

/** An active staff member with their role grants; undefined when the account is gone or deactivated. */
export async function activeStaffById(db: Db, id: number): Promise<StaffUserRow | undefined> {
  const row = await db('staff_users')
    .where({ id, active: true })
    .first('id', 'username', 'name', 'previous_login_at')
  if (!row) return undefined
  row.roles = await db('staff_roles').where({ staff_id: row.id }).select('role', 'scope_type', 'scope_id')
  return row
}
