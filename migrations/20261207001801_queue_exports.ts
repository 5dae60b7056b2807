import type { Knex } from 'knex'

// Large exports of a staff queue (issue 16): the request is stored here and a pg-boss job writes the
// file into `content` (files live in PostgreSQL), counting rows as it goes for the progress page.
// Only the staff member who asked may see the row or download the file.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE queue_exports (
      id bigserial PRIMARY KEY,
      staff_id bigint NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      business text NOT NULL,
      format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
      scope jsonb NOT NULL,
      filter jsonb NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      rows_total integer,
      rows_done integer NOT NULL DEFAULT 0,
      file_name text NOT NULL,
      content bytea,
      created_at timestamptz NOT NULL,
      started_at timestamptz,
      finished_at timestamptz
    );
    CREATE INDEX queue_exports_staff_idx ON queue_exports (staff_id, created_at DESC);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE queue_exports`)
}
