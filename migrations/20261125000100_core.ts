import type { Knex } from 'knex'

// Infrastructure every module leans on: sessions, rate limits, settings, reference codes, stored
// files, the outbox and the append-only audit log. Everything lives in PostgreSQL so that one
// pg_dump backs a bureau up.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE session (
      sid varchar NOT NULL PRIMARY KEY,
      sess json NOT NULL,
      expire timestamp(6) NOT NULL
    );
    CREATE INDEX session_expire_idx ON session (expire);

    CREATE TABLE rate_limits (
      key varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    );

    CREATE TABLE settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE ref_regions (
      code char(6) PRIMARY KEY,
      name text NOT NULL,
      parent_code char(6),
      level smallint NOT NULL
    );
    CREATE INDEX ref_regions_parent_idx ON ref_regions (parent_code);

    CREATE TABLE ref_codes (
      kind text NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      sort integer NOT NULL,
      grp text,
      PRIMARY KEY (kind, code)
    );

    CREATE TABLE files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_kind text NOT NULL CHECK (owner_kind IN ('applicant', 'staff')),
      owner_id bigint NOT NULL,
      kind text NOT NULL,
      mime text NOT NULL,
      filename text NOT NULL,
      size integer NOT NULL,
      width integer,
      height integer,
      sha256 text NOT NULL,
      content bytea NOT NULL,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX files_owner_idx ON files (owner_kind, owner_id);

    CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      channel text NOT NULL CHECK (channel IN ('sms', 'email')),
      recipient text NOT NULL,
      subject text,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL,
      sent_at timestamptz
    );
    CREATE INDEX outbox_pending_idx ON outbox (id) WHERE status = 'pending';

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_kind text NOT NULL CHECK (actor_kind IN ('applicant', 'staff', 'anonymous', 'system')),
      actor_id bigint,
      actor_label text,
      action text NOT NULL,
      target_type text,
      target_id text,
      detail jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip text,
      user_agent text
    );
    CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
    CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
    CREATE INDEX audit_log_actor_idx ON audit_log (actor_kind, actor_id, at DESC);

    -- Append-only: no UPDATE or TRUNCATE ever; DELETE only of entries older than the 6-month
    -- retention period (the purge job), so nobody can quietly remove recent history.
    CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND OLD.at < now() - interval '6 months' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE audit_log;
    DROP FUNCTION audit_log_guard();
    DROP TABLE outbox;
    DROP TABLE files;
    DROP TABLE ref_codes;
    DROP TABLE ref_regions;
    DROP TABLE settings;
    DROP TABLE rate_limits;
    DROP TABLE session;
  `)
}
