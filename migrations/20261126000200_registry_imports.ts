import type { Knex } from 'knex'

// One row per uploaded registry file: the upload itself (until it has been processed), the job's
// progress for the status page and the outcome. The row is the source of truth; pg-boss only wakes
// a worker for it, so an import queued while no worker runs is picked up at the next start.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE registry_imports (
      id bigserial PRIMARY KEY,
      registry text NOT NULL,
      mode text NOT NULL CHECK (mode IN ('replace', 'upsert')),
      file_name text NOT NULL,
      file_bytes integer NOT NULL,
      content bytea,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      phase text NOT NULL DEFAULT 'queued',
      format text,
      rows_total integer,
      rows_checked integer NOT NULL DEFAULT 0,
      inserted integer,
      updated integer,
      deleted integer,
      error_count integer NOT NULL DEFAULT 0,
      errors jsonb NOT NULL DEFAULT '[]',
      actor jsonb NOT NULL,
      staff_id bigint REFERENCES staff_users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL,
      started_at timestamptz,
      finished_at timestamptz
    );
    -- Uploads are read once and dropped: no point compressing them on the way in.
    ALTER TABLE registry_imports ALTER content SET STORAGE EXTERNAL;
    CREATE INDEX registry_imports_registry_idx ON registry_imports (registry, id DESC);
    CREATE INDEX registry_imports_pending_idx ON registry_imports (id) WHERE status IN ('queued', 'running');
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE registry_imports`)
}
