import type { Knex } from 'knex'

// Staff accounts (issue 16): when each password was set and the hashes of the last ones (rotation
// and no reuse), the administrators' second factor (a TOTP secret, encrypted by the app, with the
// last time step accepted so a code is never taken twice), and an index to end one staff member's
// sessions at once (the session store keeps realm and userId inside its jsonb).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE staff_users
      ADD COLUMN password_changed_at timestamptz,
      ADD COLUMN totp_secret text,
      ADD COLUMN totp_enrolled_at timestamptz,
      ADD COLUMN totp_last_step bigint;

    CREATE TABLE staff_password_history (
      id bigserial PRIMARY KEY,
      staff_id bigint NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      password_hash text NOT NULL,
      set_at timestamptz NOT NULL
    );
    CREATE INDEX staff_password_history_staff_idx ON staff_password_history (staff_id, set_at DESC);

    CREATE INDEX session_staff_user_idx ON session ((sess->>'userId')) WHERE sess->>'realm' = 'staff';
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX session_staff_user_idx;
    DROP TABLE staff_password_history;
    ALTER TABLE staff_users
      DROP COLUMN password_changed_at,
      DROP COLUMN totp_secret,
      DROP COLUMN totp_enrolled_at,
      DROP COLUMN totp_last_step;
  `)
}
