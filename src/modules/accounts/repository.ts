import type { Db } from '../../db/knex'
import type { DocType } from '../../domain/idNumber'

// The only place the accounts area talks to knex. Dates come back as 'YYYY-MM-DD' text so no
// server time zone can shift them.

export interface AccountRow {
  id: number
  doc_type: DocType
  doc_number: string
  name: string
  valid_from: string
  valid_to: string | null
  password_hash: string
  email: string
  phone: string
  sex: 'M' | 'F' | null
  birth_date: string | null
  ethnicity: string | null
  ethnicity_name: string | null
  local_id_number: string | null
  pass_number: string | null
  identity_status: string
}

export type NewAccount = Pick<
  AccountRow,
  | 'doc_type'
  | 'doc_number'
  | 'name'
  | 'valid_from'
  | 'valid_to'
  | 'password_hash'
  | 'email'
  | 'phone'
  | 'sex'
  | 'birth_date'
>

const ACCOUNT_COLUMNS = [
  'a.id',
  'a.doc_type',
  'a.doc_number',
  'a.name',
  'a.password_hash',
  'a.email',
  'a.phone',
  'a.sex',
  'a.ethnicity',
  'a.local_id_number',
  'a.pass_number',
  'a.identity_status',
]

function accounts(db: Db) {
  return db('applicants as a')
    .leftJoin('ref_codes as e', function () {
      this.on('e.code', '=', 'a.ethnicity').andOnVal('e.kind', '=', 'ethnicity')
    })
    .select(
      ...ACCOUNT_COLUMNS,
      db.raw('a.valid_from::text AS valid_from'),
      db.raw('a.valid_to::text AS valid_to'),
      db.raw('a.birth_date::text AS birth_date'),
      'e.name as ethnicity_name',
    )
}

export async function findAccount(db: Db, id: number): Promise<AccountRow | undefined> {
  return accounts(db).where('a.id', id).first()
}

export async function docNumberTaken(db: Db, docNumber: string): Promise<boolean> {
  return !!(await db('applicants').where({ doc_number: docNumber }).first('id'))
}

/** The account whose registered type, number and name all match; anything else finds nothing. */
export async function findAccountByIdentity(
  db: Db,
  who: { docType: DocType; docNumber: string; name: string },
): Promise<AccountRow | undefined> {
  return accounts(db)
    .where({ 'a.doc_type': who.docType, 'a.doc_number': who.docNumber, 'a.name': who.name })
    .first()
}

/** Inserts a new account; undefined when the number was registered in the meantime. */
export async function insertAccount(trx: Db, row: NewAccount, now: Date): Promise<number | undefined> {
  const [inserted] = await trx('applicants')
    .insert({ ...row, created_at: now, updated_at: now })
    .onConflict('doc_number')
    .ignore()
    .returning<{ id: number }[]>('id')
  return inserted ? Number(inserted.id) : undefined
}

export async function updateAccount(
  trx: Db,
  id: number,
  changes: Partial<Pick<AccountRow, 'password_hash' | 'email' | 'phone'>>,
  now: Date,
): Promise<void> {
  await trx('applicants')
    .where({ id })
    .update({ ...changes, updated_at: now, version: trx.raw('version + 1') })
}

/** The fields 修改个人信息 shows and may change, read with the row locked against a parallel edit. */
export interface ProfileRow {
  id: number
  doc_type: DocType
  doc_number: string
  name: string
  sex: 'M' | 'F' | null
  birth_date: string | null
  ethnicity: string | null
  local_id_number: string | null
  pass_number: string | null
  identity_status: string
}

const profileOf = (db: Db, id: number) =>
  db('applicants')
    .where({ id })
    .first<ProfileRow | undefined>(
      'id',
      'doc_type',
      'doc_number',
      'name',
      'sex',
      'ethnicity',
      'local_id_number',
      'pass_number',
      'identity_status',
      db.raw('birth_date::text AS birth_date'),
    )

export const findProfile = (db: Db, id: number): Promise<ProfileRow | undefined> => profileOf(db, id)

export const lockProfile = (trx: Db, id: number): Promise<ProfileRow | undefined> =>
  profileOf(trx, id).forUpdate()

export async function updateProfile(
  trx: Db,
  id: number,
  changes: Partial<Pick<ProfileRow, 'sex' | 'birth_date' | 'ethnicity' | 'local_id_number' | 'pass_number'>>,
  now: Date,
): Promise<void> {
  await trx('applicants')
    .where({ id })
    .update({ ...changes, updated_at: now, version: trx.raw('version + 1') })
}

/** Signs the account out everywhere (optionally except the session making the change). */
export async function endSessionsOf(trx: Db, applicantId: number, exceptSid?: string): Promise<void> {
  const q = trx('session')
    .whereRaw(`sess->>'realm' = 'applicant'`)
    .whereRaw(`sess->>'userId' = ?`, [String(applicantId)])
  if (exceptSid) q.whereNot('sid', exceptSid)
  await q.del()
}

export async function insertPasswordReset(
  trx: Db,
  row: { applicantId: number; tokenHash: string; expiresAt: Date },
  now: Date,
): Promise<void> {
  // Only the newest link works: asking again retires any earlier one.
  await trx('password_resets')
    .where({ applicant_id: row.applicantId })
    .whereNull('used_at')
    .update({ used_at: now })
  await trx('password_resets').insert({
    applicant_id: row.applicantId,
    token_hash: row.tokenHash,
    expires_at: row.expiresAt,
    created_at: now,
  })
}

export async function livePasswordReset(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<{ applicantId: number } | undefined> {
  const row = await db('password_resets')
    .where({ token_hash: tokenHash })
    .whereNull('used_at')
    .where('expires_at', '>', now)
    .first('applicant_id')
  return row ? { applicantId: Number(row.applicant_id) } : undefined
}

/** Uses a reset link up; the guard makes it single use even when two requests race. */
export async function usePasswordReset(
  trx: Db,
  tokenHash: string,
  now: Date,
): Promise<{ applicantId: number } | undefined> {
  const [row] = await trx('password_resets')
    .where({ token_hash: tokenHash })
    .whereNull('used_at')
    .where('expires_at', '>', now)
    .update({ used_at: now })
    .returning<{ applicant_id: number }[]>('applicant_id')
  return row ? { applicantId: Number(row.applicant_id) } : undefined
}

/** Takes one of the phone's codes for the day; the count after taking it, or undefined when none is left. */
export async function takeSmsQuota(
  trx: Db,
  phone: string,
  day: string,
  perDay: number,
): Promise<number | undefined> {
  const taken = await trx.raw<{ rows: { used: number }[] }>(
    `INSERT INTO sms_quota (phone, day, used) VALUES (?, ?, 1)
     ON CONFLICT (phone, day) DO UPDATE SET used = sms_quota.used + 1 WHERE sms_quota.used < ?
     RETURNING used`,
    [phone, day, perDay],
  )
  return taken.rows[0]?.used
}

export async function insertSmsCode(
  trx: Db,
  code: { phone: string; purpose: string; code_hash: string; expires_at: Date; created_at: Date },
): Promise<void> {
  await trx('sms_codes').insert(code)
}

export interface SmsCodeRow {
  id: number
  code_hash: string
  expires_at: Date
  used_at: Date | null
  failed_tries: number
}

/** The newest code for a phone and purpose, locked until the transaction ends. */
export function lockNewestSmsCode(trx: Db, phone: string, purpose: string): Promise<SmsCodeRow | undefined> {
  return trx('sms_codes')
    .where({ phone, purpose })
    .orderBy('id', 'desc')
    .forUpdate()
    .first<SmsCodeRow | undefined>('id', 'code_hash', 'expires_at', 'used_at', 'failed_tries')
}

/** Counts a wrong guess; returns the count after it. */
export async function countWrongSmsTry(trx: Db, id: number): Promise<number> {
  const [{ failed_tries }] = await trx('sms_codes')
    .where({ id })
    .increment('failed_tries', 1)
    .returning<{ failed_tries: number }[]>('failed_tries')
  return failed_tries
}

/** Uses the code up; false when it had been used already. */
export async function useSmsCode(trx: Db, id: number, now: Date): Promise<boolean> {
  return (await trx('sms_codes').where({ id }).whereNull('used_at').update({ used_at: now })) > 0
}
