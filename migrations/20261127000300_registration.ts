import type { Knex } from 'knex'

// 中小学教师资格定期注册: the applications, their status history, staff messages, the gap-free
// number counters and the pre-2008 certificates applicants add by hand. Status codes are the keys of
// REGISTRATION_STATUSES in src/domain/registration.ts; the partial unique indexes count every status
// but the refused end states (INACTIVE_STATUSES there: not_eligible, deferred, rejected) as active.
const STATUSES = [
  'pending_confirmation',
  'confirmed',
  'confirmation_failed',
  'wrong_authority',
  'not_eligible',
  'approved',
  'deferred',
  'rejected',
]
const ACTIVE = `status NOT IN ('not_eligible', 'deferred', 'rejected')`
const list = (xs: string[]) => xs.map((s) => `'${s}'`).join(', ')

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- 教师资格证书 issued before 2008 (广西 2012) and so not in the registry, added by the holder.
    -- They stay 待核验 (pending) until confirmation-point staff check the photo against the original.
    CREATE TABLE applicant_added_certificates (
      id bigserial PRIMARY KEY,
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      holder_name text NOT NULL,
      doc_number text NOT NULL,
      cert_number text NOT NULL CHECK (cert_number ~ '^([0-9]{15}|[0-9]{17})$'),
      issued_on date NOT NULL,
      province_code char(6) NOT NULL,
      city_code char(6) NOT NULL,
      qualification_type text NOT NULL,
      -- a ref_codes subject_code (C01–C17) or subject name as printed, or 无
      subject text NOT NULL,
      authority text NOT NULL,
      -- the certificate photo first, then 补充照片 (files of kind certificate_photo)
      photo_file_ids uuid[] NOT NULL CHECK (cardinality(photo_file_ids) >= 1),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected')),
      created_at timestamptz NOT NULL,
      UNIQUE (applicant_id, cert_number)
    );

    -- 注册报名号 sequences: one row per authority and year, bumped in the submit's transaction, so
    -- numbers have no gaps (a rolled-back submit rolls its number back too).
    CREATE TABLE registration_number_counters (
      authority_id bigint NOT NULL,
      year integer NOT NULL,
      last_seq integer NOT NULL,
      PRIMARY KEY (authority_id, year)
    );

    CREATE TABLE registrations (
      id bigserial PRIMARY KEY,
      number text NOT NULL UNIQUE,
      applicant_id bigint NOT NULL REFERENCES applicants (id),
      -- the annual batch (registrationCycle in src/domain/registration.ts)
      cycle integer NOT NULL,
      cert_number text NOT NULL,
      cert_source text NOT NULL CHECK (cert_source IN ('registry', 'added')),
      added_certificate_id bigint REFERENCES applicant_added_certificates (id),
      -- snapshot of the certificate: type, subject, authority, issued_on, last registration
      cert jsonb NOT NULL,
      authority_id bigint NOT NULL,
      point_id bigint NOT NULL,
      stage text NOT NULL,
      subject text NOT NULL,
      status text NOT NULL DEFAULT 'pending_confirmation' CHECK (status IN (${list(STATUSES)})),
      -- every wizard answer (and the identity as it was), for the printed form and the detail page
      data jsonb NOT NULL,
      photo_file_id uuid NOT NULL REFERENCES files (id),
      certificate_photo_file_ids uuid[] NOT NULL DEFAULT '{}',
      -- set by staff when returning for correction: { fields: [...], note }
      correction jsonb,
      -- 确认未通过: the materials still missing
      missing_materials text[],
      submitted_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      -- guarded UPDATEs: ... WHERE id = ? AND status = ? AND version = ?
      version integer NOT NULL DEFAULT 1,
      decided_by bigint REFERENCES staff_users (id),
      decided_at timestamptz,
      reason text
    );
    CREATE UNIQUE INDEX registrations_active_per_cycle_idx ON registrations (applicant_id, cycle) WHERE ${ACTIVE};
    CREATE UNIQUE INDEX registrations_active_cert_idx ON registrations (cert_number, cycle) WHERE ${ACTIVE};
    CREATE INDEX registrations_applicant_idx ON registrations (applicant_id, submitted_at DESC);
    CREATE INDEX registrations_authority_idx ON registrations (authority_id, status, submitted_at DESC);
    CREATE INDEX registrations_point_idx ON registrations (point_id, status, submitted_at DESC);

    CREATE TABLE registration_status_history (
      id bigserial PRIMARY KEY,
      registration_id bigint NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
      from_status text CHECK (from_status IN (${list(STATUSES)})),
      to_status text NOT NULL CHECK (to_status IN (${list(STATUSES)})),
      actor_kind text NOT NULL CHECK (actor_kind IN ('applicant', 'staff', 'system')),
      actor_id bigint,
      reason text,
      at timestamptz NOT NULL
    );
    CREATE INDEX registration_status_history_idx ON registration_status_history (registration_id, at);

    -- 有留言: messages from the point's or the authority's staff, with the applicant's read state
    CREATE TABLE registration_messages (
      id bigserial PRIMARY KEY,
      registration_id bigint NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
      staff_id bigint REFERENCES staff_users (id),
      body text NOT NULL,
      created_at timestamptz NOT NULL,
      read_at timestamptz
    );
    CREATE INDEX registration_messages_idx ON registration_messages (registration_id, created_at);
    CREATE INDEX registration_messages_unread_idx ON registration_messages (registration_id) WHERE read_at IS NULL;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE registration_messages;
    DROP TABLE registration_status_history;
    DROP TABLE registrations;
    DROP TABLE registration_number_counters;
    DROP TABLE applicant_added_certificates;
  `)
}
