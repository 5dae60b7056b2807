import type { Db } from '../../db/knex'
import { prepared } from '../../db/prepared'

// printed_forms (migration 20261207002100): an application's stored 申请表, by business and id.

export interface StoredFormKey {
  business: 'registration' | 'certification'
  applicationId: number
}

export interface StoredFormRow {
  fingerprint: string
  pdf: Buffer | null
  claimed_at: Date
}

export async function storedForm(db: Db, key: StoredFormKey): Promise<StoredFormRow | undefined> {
  const rows: StoredFormRow[] = await prepared(
    db('printed_forms')
      .where({ business: key.business, application_id: key.applicationId })
      .select('fingerprint', 'pdf', 'claimed_at'),
  )
  return rows[0]
}

/**
 * Takes the rendering of this version of the form: a new row, or the row of another version, or a
 * claim of this version older than `staleBefore` (its renderer died). False when another process
 * holds a live claim of this version or has stored it meanwhile.
 */
export async function claimStoredForm(
  db: Db,
  key: StoredFormKey & { applicantId: number; fingerprint: string; now: Date; staleBefore: Date },
): Promise<boolean> {
  const { rows } = await prepared(
    db.raw(
      `INSERT INTO printed_forms (business, application_id, applicant_id, fingerprint, claimed_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (business, application_id) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, claimed_at = EXCLUDED.claimed_at, pdf = NULL, rendered_at = NULL
         WHERE printed_forms.fingerprint <> EXCLUDED.fingerprint
            OR (printed_forms.pdf IS NULL AND printed_forms.claimed_at < ?)
       RETURNING 1 AS claimed`,
      [key.business, key.applicationId, key.applicantId, key.fingerprint, key.now, key.staleBefore],
    ),
  )
  return rows.length === 1
}

/** Stores the rendered form, if the row still stands for this version (no newer one claimed it). */
export async function storeForm(
  db: Db,
  key: StoredFormKey & { fingerprint: string; pdf: Buffer; now: Date },
): Promise<void> {
  await prepared(
    db('printed_forms')
      .where({ business: key.business, application_id: key.applicationId, fingerprint: key.fingerprint })
      .whereNull('pdf')
      .update({ pdf: key.pdf, rendered_at: key.now }),
  )
}

/** Gives up a claim (the render failed), so the next print renders at once. */
export async function releaseClaim(db: Db, key: StoredFormKey & { fingerprint: string }): Promise<void> {
  await prepared(
    db('printed_forms')
      .where({ business: key.business, application_id: key.applicationId, fingerprint: key.fingerprint })
      .whereNull('pdf')
      .del(),
  )
}
