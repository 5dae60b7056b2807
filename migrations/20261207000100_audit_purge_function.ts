import type { Knex } from 'knex'

// The app's own role may not delete from the audit log at all (src/db/roles.ts); the retention purge
// runs through this function instead, as the owner, and it can only ever remove entries older than
// the 6 months the append-only trigger also insists on. `app_now` is the application's clock: the
// earlier of it and the database's own time decides, so a clock running ahead deletes nothing young.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION purge_audit_log(app_now timestamptz) RETURNS bigint
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        WITH gone AS (
          DELETE FROM public.audit_log WHERE at < LEAST(app_now, now()) - interval '6 months' RETURNING 1
        )
        SELECT count(*) FROM gone
      $$;
    REVOKE ALL ON FUNCTION purge_audit_log(timestamptz) FROM PUBLIC;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP FUNCTION purge_audit_log(timestamptz)`)
}
