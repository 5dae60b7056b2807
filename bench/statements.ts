import type { Knex } from 'knex'

// BENCH_PG_STATEMENTS=1: the embedded server loads pg_stat_statements (planning time included) and
// each wizard walk and submit run ends with the statements PostgreSQL spent most time on, planning
// and execution apart. That is how the planning cost of unnamed statements was found (see
// src/db/prepared.ts). Off by default: the extension costs a little on every statement.

export const STATEMENT_STATS = process.env.BENCH_PG_STATEMENTS === '1'

export async function resetStatements(db: Knex): Promise<void> {
  if (!STATEMENT_STATS) return
  await db.raw('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
  await db.raw('SELECT pg_stat_statements_reset()')
}

export async function reportStatements(db: Knex, log: (line?: string) => void, what: string): Promise<void> {
  if (!STATEMENT_STATS) return
  const { rows } = await db.raw(
    `SELECT calls, total_plan_time AS plan, total_exec_time AS exec,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query
     FROM pg_stat_statements
     WHERE query NOT LIKE '%pg_stat_statements%'
     ORDER BY total_plan_time + total_exec_time DESC LIMIT 15`,
  )
  log(`  PostgreSQL's top statements in ${what}: calls, ms per call planning + executing, statement`)
  for (const r of rows as { calls: string; plan: number; exec: number; query: string }[]) {
    const calls = Number(r.calls) || 1
    log(
      `    ${String(r.calls).padStart(6)} ${(r.plan / calls).toFixed(3).padStart(7)} + ${(r.exec / calls).toFixed(3).padStart(7)}  ${r.query}`,
    )
  }
}
