import type { Knex } from 'knex'

// The bureau set-up: authorities (认定/注册机构), their confirmation points (确认点) with the schools
// each covers, and online windows (网报时间) per authority and business. Windows are half-open
// [starts_at, ends_at); the exclusion constraint refuses two windows of one authority and business
// that share an instant, whoever writes them and however many write at once.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE EXTENSION IF NOT EXISTS btree_gist;

    CREATE TABLE authorities (
      id bigserial PRIMARY KEY,
      name text NOT NULL,
      region_code char(6) NOT NULL,
      level text NOT NULL CHECK (level IN ('county', 'city', 'province')),
      address text,
      phone text,
      registers boolean NOT NULL DEFAULT false,
      stages text[] NOT NULL DEFAULT '{}',
      certifies boolean NOT NULL DEFAULT false,
      qualification_types text[] NOT NULL DEFAULT '{}',
      posts_certificates boolean NOT NULL DEFAULT false,
      reminder text,
      form_download_end date,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (name)
    );
    CREATE INDEX authorities_region_idx ON authorities (region_code);

    CREATE TABLE confirmation_points (
      id bigserial PRIMARY KEY,
      authority_id bigint NOT NULL REFERENCES authorities (id),
      name text NOT NULL,
      scope text NOT NULL DEFAULT '',
      -- school names typed by hand (not in the schools directory), matched exactly after trimming
      free_schools text[] NOT NULL DEFAULT '{}',
      address text,
      phone text,
      confirm_start timestamptz,
      confirm_end timestamptz,
      capacity_per_day integer CHECK (capacity_per_day > 0),
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK (confirm_start IS NULL OR confirm_end IS NULL OR confirm_end > confirm_start),
      UNIQUE (authority_id, name)
    );

    CREATE TABLE confirmation_point_schools (
      point_id bigint NOT NULL REFERENCES confirmation_points (id) ON DELETE CASCADE,
      school_id bigint NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
      PRIMARY KEY (point_id, school_id)
    );

    CREATE TABLE online_windows (
      id bigserial PRIMARY KEY,
      authority_id bigint NOT NULL REFERENCES authorities (id),
      business text NOT NULL CHECK (business IN ('registration', 'certification')),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      CHECK (ends_at > starts_at),
      CONSTRAINT online_windows_no_overlap EXCLUDE USING gist (
        authority_id WITH =, business WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
      )
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE online_windows;
    DROP TABLE confirmation_point_schools;
    DROP TABLE confirmation_points;
    DROP TABLE authorities;
  `)
}
