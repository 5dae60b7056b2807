import type { Knex } from 'knex'

/**
 * Part of another module's statement, so that one module's writes ride in another's statement
 * instead of taking a round trip of their own (a submit's file adoption and information-centre
 * locks in the application's insert: applications/repository insertSubmission). Common table
 * expressions (`name AS (...)`, comma-separated; every part of a statement shares its WITH, so
 * each names its own after its table), their bindings in order, and an SQL expression whose value
 * the statement returns for the part.
 */
export interface StatementPart {
  ctes: string
  bindings: Knex.Value[]
  result: string
  /**
   * An SQL condition (of the part's CTEs) the statement's own row needs: without it the row is not
   * written (e.g. the files it names are not there to take). A part with a guard comes before the
   * row's insert and so cannot read it.
   */
  guard?: string
}

/** A query whose `id` column is the row a part is about (a binding, or a CTE of the statement). */
export interface RowSource {
  sql: string
  bindings: Knex.Value[]
}
