import type { Knex } from 'knex'

// Applicant accounts, SMS codes, password resets, login lockout and real-name identity.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE applicants (
      id bigserial PRIMARY KEY,
      doc_type text NOT NULL,
      doc_number text NOT NULL UNIQUE,
      name text NOT NULL,
      valid_from date NOT NULL,
      valid_to date,
      password_hash text NOT NULL,
      email text NOT NULL,
      phone char(11) NOT NULL,
      sex char(1) CHECK (sex IN ('M', 'F')),
      birth_date date,
      ethnicity text,
      local_id_number text,
      pass_number text,
      profile_completed_at timestamptz,
      identity_status text NOT NULL DEFAULT 'unverified'
        CHECK (identity_status IN ('unverified', 'verified', 'manual_pending', 'manual_approved', 'manual_rejected')),
      identity_verified_at timestamptz,
      last_login_at timestamptz,
      previous_login_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      version integer NOT NULL DEFAULT 1
    );
    CREATE INDEX applicants_phone_idx ON applicants (phone);

    -- Per phone and Asia/Shanghai day; the quota is taken with one guarded upsert so parallel
    -- requests cannot exceed it.
    CREATE TABLE sms_quota (
      phone char(11) NOT NULL,
      day date NOT NULL,
      used integer NOT NULL,
      PRIMARY KEY (phone, day)
    );

    CREATE TABLE sms_codes (
      id bigserial PRIMARY KEY,
      phone char(11) NOT NULL,
      purpose text NOT NULL,
      code_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      failed_tries integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX sms_codes_lookup_idx ON sms_codes (phone, purpose, created_at DESC);

    CREATE TABLE password_resets (
      id bigserial PRIMARY KEY,
      applicant_id bigint NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL
    );

    -- Failures are keyed by the login name typed, not by an account row, so an unknown
    -- number is treated exactly like a known one.
    CREATE TABLE login_failures (
      id bigserial PRIMARY KEY,
      realm text NOT NULL CHECK (realm IN ('applicant', 'staff')),
      login_key text NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE INDEX login_failures_key_idx ON login_failures (realm, login_key, at DESC);

    CREATE TABLE login_locks (
      realm text NOT NULL,
      login_key text NOT NULL,
      locked_until timestamptz NOT NULL,
      PRIMARY KEY (realm, login_key)
    );

    CREATE TABLE identity_registry (
      id bigserial PRIMARY KEY,
      doc_type text NOT NULL,
      doc_number text NOT NULL,
      name text NOT NULL,
      imported_at timestamptz NOT NULL,
      UNIQUE (doc_type, doc_number)
    );

    CREATE TABLE identity_checks (
      id bigserial PRIMARY KEY,
      applicant_id bigint NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
      day date NOT NULL,
      name_tried text NOT NULL,
      passed boolean NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE INDEX identity_checks_day_idx ON identity_checks (applicant_id, day);

    CREATE TABLE identity_reviews (
      id bigserial PRIMARY KEY,
      applicant_id bigint NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
      cycle text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
      name text NOT NULL,
      doc_type text NOT NULL,
      doc_number text NOT NULL,
      details text NOT NULL DEFAULT '',
      photo_file_id uuid NOT NULL REFERENCES files(id),
      submitted_at timestamptz NOT NULL,
      deadline date NOT NULL,
      decided_at timestamptz,
      decided_by bigint,
      reason text,
      version integer NOT NULL DEFAULT 1
    );
    CREATE INDEX identity_reviews_status_idx ON identity_reviews (status, submitted_at);
    CREATE INDEX identity_reviews_applicant_idx ON identity_reviews (applicant_id, cycle);
    CREATE UNIQUE INDEX identity_reviews_one_pending ON identity_reviews (applicant_id) WHERE status = 'pending';

    -- Public holidays and the weekend days China makes up as working days (调休).
    CREATE TABLE holidays (
      day date PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
      name text NOT NULL DEFAULT ''
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE holidays;
    DROP TABLE identity_reviews;
    DROP TABLE identity_checks;
    DROP TABLE identity_registry;
    DROP TABLE login_locks;
    DROP TABLE login_failures;
    DROP TABLE password_resets;
    DROP TABLE sms_codes;
    DROP TABLE sms_quota;
    DROP TABLE applicants;
  `)
}
