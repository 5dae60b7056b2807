import type { Knex } from 'knex'

// 报名号 without gaps per business, authority and year, and a 核验码 for every application.
//
// Numbers: a counter row per (business, authority, year), bumped in the submit's own statement
// (src/services/submissions.ts), replaces the two global sequences: a sequence gave one series to
// every authority (an authority's first number could be 000002) and lost the values it had cached
// when the server crashed (a crash left 14–36 missing). A rolled-back submit now rolls its number
// back. Numbers given so far stay as printed: each counter continues after the highest number its
// authority has in that year.
//
// 核验码: the printed form's QR code opens /verify?code=<核验码>, never the number, so the public page
// cannot be walked by counting. 26 letters of RFC 4648 base32 (a–z, 2–7), each from 5 bits of a
// byte PostgreSQL's strong random source made: 130 random bits. gen_random_uuid() is that source
// in core PostgreSQL (no extension); octets 0–5 and 9–15 of a version 4 UUID are wholly random, so
// two UUIDs give the 26 bytes. A column default, so every insert (the submit, factories, imports)
// gets one and adding the column gives every existing application its own.

const BUSINESSES = [
  { business: 'registration', table: 'registrations', sequence: 'registration_number_seq', digits: 6 },
  {
    business: 'certification',
    table: 'certification_applications',
    sequence: 'certification_number_seq',
    digits: 7,
  },
] as const

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE application_number_counters (
      business text NOT NULL CHECK (business IN ('registration', 'certification')),
      authority_id bigint NOT NULL,
      year integer NOT NULL,
      last_seq integer NOT NULL
        CHECK (last_seq BETWEEN 1 AND CASE business WHEN 'registration' THEN 999999 ELSE 9999999 END),
      PRIMARY KEY (business, authority_id, year)
    )`)
  for (const b of BUSINESSES) {
    await knex.raw(
      `INSERT INTO application_number_counters (business, authority_id, year, last_seq)
       SELECT ?, authority_id, left(number, 4)::int, max(right(number, ${b.digits})::int)
       FROM ${b.table} WHERE number ~ '^[0-9]{${b.digits + 8}}$'
       GROUP BY authority_id, left(number, 4)::int`,
      [b.business],
    )
    await knex.raw(`DROP SEQUENCE ${b.sequence}`)
  }

  await knex.raw(`
    CREATE FUNCTION new_verify_code() RETURNS text LANGUAGE sql VOLATILE AS $$
      SELECT string_agg(substr('abcdefghijklmnopqrstuvwxyz234567', (get_byte(r.b, i) & 31) + 1, 1), '' ORDER BY i)
      FROM (
        SELECT substring(u1 FROM 1 FOR 6) || substring(u1 FROM 10 FOR 7)
            || substring(u2 FROM 1 FOR 6) || substring(u2 FROM 10 FOR 7) AS b
        FROM (SELECT uuid_send(gen_random_uuid()) AS u1, uuid_send(gen_random_uuid()) AS u2) u
      ) r, generate_series(0, 25) AS i
    $$`)
  for (const b of BUSINESSES) {
    await knex.raw(`
      ALTER TABLE ${b.table}
        ADD COLUMN verify_code text NOT NULL DEFAULT new_verify_code() CHECK (verify_code ~ '^[a-z2-7]{26}$')`)
    await knex.raw(`CREATE UNIQUE INDEX ${b.table}_verify_code_idx ON ${b.table} (verify_code)`)
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const b of BUSINESSES) {
    await knex.raw(`ALTER TABLE ${b.table} DROP COLUMN verify_code`)
    const max = 10 ** b.digits - 1
    await knex.raw(`CREATE SEQUENCE ${b.sequence} MINVALUE 1 MAXVALUE ${max} CYCLE`)
    // the sequence continues after the highest number of any authority, so none is given twice
    const { rows } = await knex.raw(
      `SELECT max(right(number, ${b.digits})::int) AS last FROM ${b.table} WHERE number ~ '^[0-9]{${b.digits + 8}}$'`,
    )
    if (rows[0]?.last) await knex.raw(`SELECT setval(?, ?, true)`, [b.sequence, Number(rows[0].last)])
  }
  await knex.raw('DROP FUNCTION new_verify_code()')
  await knex.raw('DROP TABLE application_number_counters')
}
