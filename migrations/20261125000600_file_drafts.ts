import type { Knex } from 'knex'

// An uploaded image is stored as a draft while the applicant previews it (or while other fields of
// the form still need correcting); the submission that uses it clears the flag in its transaction.
// Drafts nobody submitted are purged after a day.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE files ADD COLUMN draft boolean NOT NULL DEFAULT false;
    CREATE INDEX files_drafts_idx ON files (created_at) WHERE draft;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX files_drafts_idx;
    ALTER TABLE files DROP COLUMN draft;
  `)
}
