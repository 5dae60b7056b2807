import type { Knex } from 'knex'
import type { Clock } from '../../services/clock'
import type { Progress, ProgressStore } from './types'

/** A finished run leaves this behind instead of its answers. */
interface Tombstone {
  doneRunId: string
  doneAt: string
}

const isTombstone = (data: unknown): data is Tombstone =>
  typeof data === 'object' && data !== null && 'doneRunId' in data

/** wizard_progress: one row per applicant and wizard (migrations/20261127000200_wizard_progress.ts). */
export function knexProgressStore(db: Knex, clock: Clock): ProgressStore {
  const row = (ownerId: number, key: string) => ({ applicant_id: ownerId, wizard_key: key })

  return {
    async load(ownerId, key) {
      const found = await db('wizard_progress').where(row(ownerId, key)).first('data')
      if (!found) return null
      return isTombstone(found.data) ? { finished: found.data.doneRunId } : (found.data as Progress)
    },

    async save(ownerId, key, progress) {
      // A late step POST of a run that has already been submitted must not bring its draft back.
      await db.raw(
        `INSERT INTO wizard_progress (applicant_id, wizard_key, data, updated_at)
         VALUES (?, ?, ?::jsonb, ?)
         ON CONFLICT (applicant_id, wizard_key) DO UPDATE
           SET data = excluded.data, updated_at = excluded.updated_at
           WHERE wizard_progress.data->>'doneRunId' IS DISTINCT FROM excluded.data->>'runId'`,
        [ownerId, key, JSON.stringify(progress), clock.now()],
      )
    },

    async clear(ownerId, key) {
      await db('wizard_progress').where(row(ownerId, key)).delete()
    },

    async complete(ownerId, key, progress, fn) {
      return db.transaction(async (trx) => {
        // Every parallel submit of the run queues on this row; the first ends the run, the others
        // then find its tombstone.
        await trx.raw(
          `INSERT INTO wizard_progress (applicant_id, wizard_key, data, updated_at)
           VALUES (?, ?, ?::jsonb, ?) ON CONFLICT DO NOTHING`,
          [ownerId, key, JSON.stringify(progress), clock.now()],
        )
        const locked = await trx('wizard_progress').where(row(ownerId, key)).forUpdate().first('data')
        if (isTombstone(locked?.data) && locked.data.doneRunId === progress.runId)
          return { ran: false as const }
        const result = await fn(trx)
        const tombstone: Tombstone = { doneRunId: progress.runId, doneAt: clock.now().toISOString() }
        await trx('wizard_progress')
          .where(row(ownerId, key))
          .update({ data: JSON.stringify(tombstone), updated_at: clock.now() })
        return { ran: true as const, result }
      })
    },
  }
}
