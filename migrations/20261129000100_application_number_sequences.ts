import type { Knex } from 'knex'

// 注册报名号 and 认定报名号 from sequences instead of counter rows (src/services/submissions.ts). A
// counter row per authority and year, bumped in the submit's transaction, kept numbers free of gaps
// but made every submit to the authority wait for the one before to COMMIT: at peak load submits
// queued one by one. The sequences continue after the highest number given so far, so no number is
// given twice; they cycle after 999999 (7 digits for certification), which one authority would only
// reach in a single year with a million applications.

const BUSINESSES = [
  { sequence: 'registration_number_seq', counters: 'registration_number_counters', max: 999_999 },
  { sequence: 'certification_number_seq', counters: 'certification_number_counters', max: 9_999_999 },
] as const

export async function up(knex: Knex): Promise<void> {
  for (const b of BUSINESSES) {
    await knex.raw(`CREATE SEQUENCE ${b.sequence} MINVALUE 1 MAXVALUE ${b.max} CYCLE`)
    const { rows } = await knex.raw(`SELECT max(last_seq) AS last FROM ${b.counters}`)
    const last = rows[0]?.last === null || rows[0]?.last === undefined ? 0 : Number(rows[0].last)
    if (last > 0) await knex.raw(`SELECT setval(?, ?, true)`, [b.sequence, Math.min(last, b.max)])
    await knex.raw(`DROP TABLE ${b.counters}`)
  }
}

export async function down(knex: Knex): Promise<void> {
  const tables = {
    registration_number_counters: 'registrations',
    certification_number_counters: 'certification_applications',
  }
  for (const b of BUSINESSES) {
    const digits = String(b.max).length
    await knex.raw(`
      CREATE TABLE ${b.counters} (
        authority_id bigint NOT NULL,
        year integer NOT NULL,
        last_seq integer NOT NULL,
        PRIMARY KEY (authority_id, year)
      )`)
    // each authority and year continues after its highest number
    await knex.raw(`
      INSERT INTO ${b.counters} (authority_id, year, last_seq)
      SELECT authority_id, left(number, 4)::int, max(right(number, ${digits})::int)
      FROM ${tables[b.counters]} WHERE number ~ '^[0-9]+$'
      GROUP BY authority_id, left(number, 4)::int`)
    await knex.raw(`DROP SEQUENCE ${b.sequence}`)
  }
}
