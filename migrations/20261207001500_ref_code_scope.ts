import type { Knex } from 'knex'

// A code that applies only under some codes of another list: a 任教学科 (kind 'subject') is offered
// for the 资格种类 (qualification_type codes) named in `scope`. NULL: under every one.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE ref_codes ADD COLUMN scope text[]`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE ref_codes DROP COLUMN scope`)
}
