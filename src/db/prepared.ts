import crypto from 'node:crypto'
import type { Knex } from 'knex'

// Named prepared statements for the statements every wizard request and every submit makes.
// PostgreSQL plans an unnamed statement at every call, and for our larger statements (a submit's
// facts, the progress read with its guard, the application insert) planning costs more than
// running them: npm run bench's pg_stat_statements run showed 1.4 ms of planning against 0.4 ms
// of execution for the registration submit's facts. A named statement is parsed once per
// connection and, after PostgreSQL's five custom plans, runs on a cached generic plan.

const names = new Map<string, string>()

/**
 * `q` as a named prepared statement. The name is a digest of the SQL text, so one name never
 * stands for two texts (pg refuses that) and the same text shares one name wherever it is built.
 * Only for statements whose text has a fixed shape (no IN lists of varying length): each text
 * is kept as a statement on every pooled connection that runs it.
 */
export function prepared<Q extends Knex.Raw | Knex.QueryBuilder>(q: Q): Q {
  const compiled = q.toSQL() as Knex.Sql & { options?: object }
  const { sql } = compiled
  let name = names.get(sql)
  if (!name) {
    name = `jszg_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 20)}`
    names.set(sql, name)
  }
  q.options({ name })
  // knex compiles the query again when it runs it (a raw's nested raws, a builder's clauses): it
  // gets this compilation, with the name, instead.
  compiled.options = { ...compiled.options, name }
  return Object.assign(q, { toSQL: () => compiled })
}
