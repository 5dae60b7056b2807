import type { Knex } from 'knex'
import type { Db } from '../db/knex'

// The code tables (ref_codes) and regions (ref_regions); reference.ts keeps them as options.

type Conn = Db | Knex.Transaction

export function refCodes(
  db: Conn,
  kind: string,
): Promise<{ code: string; name: string; grp: string | null; scope: string[] | null }[]> {
  return db('ref_codes').where({ kind }).orderBy('sort').select('code', 'name', 'grp', 'scope')
}

/** The provinces (no parent), or the cities of a province. */
export function regions(db: Conn, parent: string | null): Promise<{ code: string; name: string }[]> {
  const q = db('ref_regions').orderBy('code').select('code', 'name')
  return parent ? q.where({ parent_code: parent, level: 2 }) : q.where({ level: 1 })
}
