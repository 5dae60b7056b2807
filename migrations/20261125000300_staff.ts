import type { Knex } from 'knex'

// Staff accounts and their roles. A role is held on a scope: the whole instance (administrator,
// identity reviewer), one authority (审批 roles) or one confirmation point (确认 roles); the
// authority and point tables arrive with the registration module, so scope_id is not a foreign key.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE staff_users (
      id bigserial PRIMARY KEY,
      username text NOT NULL UNIQUE,
      name text NOT NULL,
      password_hash text NOT NULL,
      phone text,
      email text,
      active boolean NOT NULL DEFAULT true,
      last_login_at timestamptz,
      previous_login_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE staff_roles (
      id bigserial PRIMARY KEY,
      staff_id bigint NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      role text NOT NULL,
      scope_type text NOT NULL CHECK (scope_type IN ('instance', 'authority', 'point')),
      scope_id bigint,
      CHECK ((scope_type = 'instance') = (scope_id IS NULL)),
      UNIQUE (staff_id, role, scope_type, scope_id)
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE staff_roles;
    DROP TABLE staff_users;
  `)
}
