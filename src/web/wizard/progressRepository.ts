import type { Knex } from 'knex'
import type { Clock } from '../../services/clock'
import { prepared } from '../../db/prepared'
import type { Progress, ProgressStore } from './types'

/** A finished run leaves this behind instead of its answers. */
interface Tombstone {
  doneRunId: string
  doneAt: string
}

const isTombstone = (data: unknown): data is Tombstone =>
  typeof data === 'object' && data !== null && 'doneRunId' in data

/**
 * SQL giving one answer of the run read by `load` (for a definition's `facts`): `step`'s `field` as
 * text, e.g. progressSql('authority', 'authorityId').
 */
export function progressSql(step: string, field: string): string {
  if (!/^[A-Za-z]+$/.test(step) || !/^[A-Za-z]+$/.test(field))
    throw new Error('progressSql: plain names only')
  return `(p.data #>> '{values,${step},${field}}')`
}

/**
 * The facts of a run whose progress lives in the session only (no owner): the definition's SQL
 * expression read against that progress as `p.data`, as `load` reads it against the table's row.
 */
export async function sessionFacts(db: Knex, facts: Knex.Raw, progress: unknown): Promise<unknown> {
  const data = progress === undefined ? null : JSON.stringify(progress)
  const { rows } = await db.raw('SELECT (?) AS facts FROM (SELECT ?::jsonb AS data) p', [facts, data])
  return rows[0]?.facts
}

/** The submit of a run without an owner: `fn` in a transaction of its own (nothing to lock). */
export function inTransaction<T>(db: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(fn)
}

/** wizard_progress: one row per applicant and wizard (migrations/20261127000200_wizard_progress.ts). */
export function progressRepository(db: Knex, clock: Clock): ProgressStore {
  const row = (ownerId: number, key: string) => ({ applicant_id: ownerId, wizard_key: key })

  return {
    async load(ownerId, key, facts) {
      const { rows } = await prepared(
        db.raw(
          `SELECT p.data${facts ? ', (?) AS facts' : ''}
           FROM (SELECT 1) one LEFT JOIN wizard_progress p ON p.applicant_id = ? AND p.wizard_key = ?`,
          facts ? [facts, ownerId, key] : [ownerId, key],
        ),
      )
      const data: unknown = rows[0]?.data
      const stored = !data ? null : isTombstone(data) ? { finished: data.doneRunId } : (data as Progress)
      return { stored, facts: rows[0]?.facts }
    },

    async save(ownerId, key, progress) {
      // A late step POST of a run that has already been submitted must not bring its draft back.
      await prepared(
        db.raw(
          `INSERT INTO wizard_progress (applicant_id, wizard_key, data, updated_at)
           VALUES (?, ?, ?::jsonb, ?)
           ON CONFLICT (applicant_id, wizard_key) DO UPDATE
             SET data = excluded.data, updated_at = excluded.updated_at
             WHERE wizard_progress.data->>'doneRunId' IS DISTINCT FROM excluded.data->>'runId'`,
          [ownerId, key, JSON.stringify(progress), clock.now()],
        ),
      )
    },

    async clear(ownerId, key) {
      await db('wizard_progress').where(row(ownerId, key)).delete()
    },

    async complete(ownerId, key, progress, fn) {
      return db.transaction(async (trx) => {
        // Every parallel submit of the run queues on this row; the first ends the run, the others
        // then find its tombstone. One statement locks the row and leaves the tombstone: ON CONFLICT
        // DO UPDATE locks the row even when its WHERE refuses the update, so a submit of a run that
        // is already done (its tombstone there) returns no row and changes nothing. The tombstone
        // goes in before the business's work, not after: a refusal rolls it back with the rest, and
        // the submit's last statement is then its own (the 报名号's counter, whose row lock every
        // submit to the same authority waits for until this transaction commits).
        const tombstone: Tombstone = { doneRunId: progress.runId, doneAt: clock.now().toISOString() }
        const { rows } = await prepared(
          trx.raw(
            `INSERT INTO wizard_progress AS p (applicant_id, wizard_key, data, updated_at)
             VALUES (?, ?, ?::jsonb, ?)
             ON CONFLICT (applicant_id, wizard_key) DO UPDATE
               SET data = excluded.data, updated_at = excluded.updated_at
               WHERE p.data->>'doneRunId' IS DISTINCT FROM excluded.data->>'doneRunId'
             RETURNING 1`,
            [ownerId, key, JSON.stringify(tombstone), clock.now()],
          ),
        )
        if (!rows.length) return { ran: false as const }
        return { ran: true as const, result: await fn(trx) }
      })
    },
  }
}
