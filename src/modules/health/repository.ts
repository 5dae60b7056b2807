import type { Db } from '../../db/knex'

/** Whether the database answers a query (the readiness probe). */
export async function databaseAnswers(db: Db): Promise<void> {
  await db.raw('select 1')
}
