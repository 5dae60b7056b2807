import type { Db } from '../../db/knex'

// The SQL of staff account security: a staff member's password and second factor, the hashes of
// their last passwords, and their sessions in the session store's table.

export interface StaffCredentials {
  id: number
  username: string
  password_hash: string
  /** when the password was set (the account's creation for a password set before rotation existed) */
  password_set_at: Date
  totp_secret: string | null
  totp_enrolled_at: Date | null
  totp_last_step: number | null
  is_admin: boolean
}

export async function findCredentials(db: Db, id: number): Promise<StaffCredentials | undefined> {
  const row = await db('staff_users as u')
    .where({ 'u.id': id, 'u.active': true })
    .first(
      'u.id',
      'u.username',
      'u.password_hash',
      db.raw('COALESCE(u.password_changed_at, u.created_at) AS password_set_at'),
      'u.totp_secret',
      'u.totp_enrolled_at',
      'u.totp_last_step',
      db.raw(`EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = u.id AND r.role = 'admin') AS is_admin`),
    )
  if (!row) return undefined
  return {
    ...row,
    id: Number(row.id),
    totp_last_step: row.totp_last_step === null ? null : Number(row.totp_last_step),
  }
}

/** The hashes of the staff member's passwords before the current one, newest first. */
export async function previousPasswordHashes(db: Db, id: number, limit: number): Promise<string[]> {
  if (limit <= 0) return []
  const rows: { password_hash: string }[] = await db('staff_password_history')
    .where({ staff_id: id })
    .orderBy([
      { column: 'set_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit)
    .select('password_hash')
  return rows.map((r) => r.password_hash)
}

/**
 * Replaces the password: the one it replaces goes into the history (kept to the last `keep`), and
 * the new one counts from `now`. Answers the username, or undefined when there is no such account.
 */
export async function replacePassword(
  trx: Db,
  id: number,
  hash: string,
  now: Date,
  keep: number,
): Promise<string | undefined> {
  const before = await trx('staff_users').where({ id }).forUpdate().first('username', 'password_hash')
  if (!before) return undefined
  await trx('staff_password_history').insert({
    staff_id: id,
    password_hash: before.password_hash,
    set_at: now,
  })
  await trx.raw(
    `DELETE FROM staff_password_history WHERE staff_id = ? AND id NOT IN (
       SELECT id FROM staff_password_history WHERE staff_id = ? ORDER BY set_at DESC, id DESC LIMIT ?)`,
    [id, id, Math.max(0, keep)],
  )
  await trx('staff_users')
    .where({ id })
    .update({ password_hash: hash, password_changed_at: now, updated_at: now })
  return before.username
}

/** Keeps a secret the administrator is enrolling with (not yet confirmed by a code). */
export async function savePendingSecret(db: Db, id: number, sealed: string): Promise<void> {
  await db('staff_users').where({ id }).whereNull('totp_enrolled_at').update({ totp_secret: sealed })
}

/**
 * Takes a code's time step: only a step later than the last one taken, so two requests with the
 * same code cannot both pass. Marks the second factor enrolled the first time. False when another
 * request took this step (or a later one) first, or the factor was reset meanwhile.
 */
export async function takeTimeStep(db: Db, id: number, step: number, now: Date): Promise<boolean> {
  const n = await db('staff_users')
    .where({ id })
    .whereNotNull('totp_secret')
    .where((w) => w.whereNull('totp_last_step').orWhere('totp_last_step', '<', step))
    .update({ totp_last_step: step, totp_enrolled_at: db.raw('COALESCE(totp_enrolled_at, ?)', [now]) })
  return n === 1
}

/** Forgets the second factor (the administrator enrols again at the next login); answers the username. */
export async function clearSecondFactor(db: Db, id: number): Promise<string | undefined> {
  const [row] = await db('staff_users')
    .where({ id })
    .whereNotNull('totp_secret')
    .update({ totp_secret: null, totp_enrolled_at: null, totp_last_step: null })
    .returning('username')
  return row?.username
}

/**
 * Signs the staff member out everywhere: their rows in the session store's table go (but the one
 * of `exceptSid`, the session making the change). Answers how many ended.
 */
export async function deleteStaffSessions(db: Db, staffId: number, exceptSid?: string): Promise<number> {
  const q = db('session')
    .whereRaw(`sess->>'realm' = 'staff'`)
    .whereRaw(`sess->>'userId' = ?`, [String(staffId)])
  if (exceptSid) q.whereNot('sid', exceptSid)
  return q.del()
}

export async function staffIdByUsername(db: Db, username: string): Promise<number | undefined> {
  const row = await db('staff_users').where({ username }).first('id')
  return row ? Number(row.id) : undefined
}
