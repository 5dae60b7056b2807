import type { Knex } from 'knex'

// Wizard progress per applicant and wizard. The session store keeps it too, but a new login
// regenerates the session, so each successful step is also written here and read back when the
// session has none. After a submit the row becomes a tombstone naming the finished run, which is
// what lets twenty parallel submits of one run find out that one of them already went through.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE wizard_progress (
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      wizard_key text NOT NULL,
      data jsonb NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (applicant_id, wizard_key)
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE wizard_progress;`)
}
