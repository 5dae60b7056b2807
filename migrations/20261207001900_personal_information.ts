import type { Knex } from 'knex'

// Personal information (个人信息保护法): the versions of the 用户账号注册协议 and each applicant's
// consent to one, and the audit log's archive.
//
// Version 1 is the agreement as shipped (body NULL: the text in src/modules/privacy/messages.ts);
// every text the bureau publishes afterwards is a new version with its body. An account with no
// consent row agreed to version 1 when it registered (the form cannot be sent without ticking it).
//
// The audit log stays online for at least 6 months (网络安全法 art. 21), then retire_audit_log moves
// entries into audit_log_archive, which keeps them for the years the bureau sets before deleting them.
// Like the log, the archive is append-only under a trigger, and the app's role may only read it; the
// function runs as the owner and never touches an online entry younger than 6 months.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE agreement_versions (
      version integer PRIMARY KEY,
      body text,
      published_at timestamptz NOT NULL,
      published_by bigint REFERENCES staff_users (id)
    );
    INSERT INTO agreement_versions (version, body, published_at) VALUES (1, NULL, now());

    CREATE TABLE agreement_consents (
      id bigserial PRIMARY KEY,
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      version integer NOT NULL REFERENCES agreement_versions (version),
      at timestamptz NOT NULL,
      ip text
    );
    CREATE INDEX agreement_consents_applicant_idx ON agreement_consents (applicant_id, version DESC);

    CREATE TABLE audit_log_archive (LIKE audit_log INCLUDING CONSTRAINTS);
    ALTER TABLE audit_log_archive ADD PRIMARY KEY (id), ADD COLUMN archived_at timestamptz NOT NULL;
    CREATE INDEX audit_log_archive_at_idx ON audit_log_archive (at);
    CREATE INDEX audit_log_archive_target_idx ON audit_log_archive (target_type, target_id, at DESC);
    CREATE INDEX audit_log_archive_actor_idx ON audit_log_archive (actor_kind, actor_id, at DESC);
    CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at DESC);

    CREATE FUNCTION audit_log_archive_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND OLD.at < now() - interval '1 year' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit_log_archive is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    CREATE TRIGGER audit_log_archive_no_update BEFORE UPDATE OR DELETE ON audit_log_archive
      FOR EACH ROW EXECUTE FUNCTION audit_log_archive_guard();
    CREATE TRIGGER audit_log_archive_no_truncate BEFORE TRUNCATE ON audit_log_archive
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_archive_guard();

    -- app_now is the application's clock: the earlier of it and the database's time decides, so a
    -- clock running ahead retires nothing young. online_months below 6 counts as 6, archive_years
    -- below 1 as 1.
    -- One statement's parts see the same snapshot, so an online entry already past the archive
    -- period is deleted outright instead of being archived for nothing.
    CREATE FUNCTION retire_audit_log(app_now timestamptz, online_months integer, archive_years integer)
      RETURNS TABLE (archived bigint, deleted bigint)
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        WITH bounds AS (
          SELECT LEAST(app_now, now()) - make_interval(months => GREATEST(online_months, 6)) AS online_end,
                 LEAST(app_now, now()) - make_interval(years => GREATEST(archive_years, 1)) AS archive_end
        ), moved AS (
          DELETE FROM public.audit_log WHERE at < (SELECT online_end FROM bounds) RETURNING *
        ), kept AS (
          INSERT INTO public.audit_log_archive
            (id, at, actor_kind, actor_id, actor_label, action, target_type, target_id, detail, ip, user_agent, archived_at)
          SELECT id, at, actor_kind, actor_id, actor_label, action, target_type, target_id, detail, ip, user_agent, now()
          FROM moved WHERE at >= (SELECT archive_end FROM bounds)
          RETURNING 1
        ), gone AS (
          DELETE FROM public.audit_log_archive WHERE at < (SELECT archive_end FROM bounds) RETURNING 1
        )
        SELECT (SELECT count(*) FROM kept),
               (SELECT count(*) FROM gone) + (SELECT count(*) FROM moved) - (SELECT count(*) FROM kept)
      $$;
    REVOKE ALL ON FUNCTION retire_audit_log(timestamptz, integer, integer) FROM PUBLIC;
    DROP FUNCTION purge_audit_log(timestamptz);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION purge_audit_log(app_now timestamptz) RETURNS bigint
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        WITH gone AS (
          DELETE FROM public.audit_log WHERE at < LEAST(app_now, now()) - interval '6 months' RETURNING 1
        )
        SELECT count(*) FROM gone
      $$;
    REVOKE ALL ON FUNCTION purge_audit_log(timestamptz) FROM PUBLIC;
    DROP FUNCTION retire_audit_log(timestamptz, integer, integer);
    DROP INDEX audit_log_target_idx;
    DROP TABLE audit_log_archive;
    DROP FUNCTION audit_log_archive_guard();
    DROP TABLE agreement_consents;
    DROP TABLE agreement_versions;
  `)
}
