import type { Db } from '../db/knex'

/** Applications by id, in 报名号 order (a staff selection to print or export). */
export function applicationsByIds<Row>(db: Db, table: string, ids: number[]): Promise<Row[]> {
  return db(table).whereIn('id', ids).orderBy('number', 'asc').select('*')
}
