import type { Knex } from 'knex'
import type { Db } from './knex'

/**
 * Runs `fn` once the work of `db` is committed: after the outermost transaction's COMMIT (a savepoint's
 * release commits nothing yet), at once outside a transaction, never after a rollback. For counting
 * what happened (metrics), never for work that must not be lost.
 */
export function afterCommit(db: Db, fn: () => void): void {
  if (!db.isTransaction) return fn()
  let outer = db as Knex.Transaction & { parentTransaction?: Knex.Transaction }
  while (outer.parentTransaction) outer = outer.parentTransaction
  outer.executionPromise.then(fn, () => undefined)
}
