import type { Knex } from 'knex'

// 教师资格认定: the applications, their status history, staff messages, the restriction list (限制库),
// the gap-free counters for 认定报名号 and for certificate numbers, and each authority's 3-digit code
// in certificate numbers. Status codes are the keys of CERTIFICATION_STATUSES in
// src/domain/certification.ts; restriction kinds the keys of RESTRICTION_KINDS there.
//
// authorities already has certifies, qualification_types and posts_certificates
// (20261127000100_bureau.ts); this adds only what certificate numbers need and a check on the types.
const STATUSES = ['pending_confirmation', 'awaiting_review', 'confirmation_failed', 'approved', 'rejected']
const TYPES = ['1', '2', '3', '4', '5', '6', '7']
const list = (xs: string[]) => xs.map((s) => `'${s}'`).join(', ')

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- positions 7–9 of the authority's certificate numbers, unique within its province
    ALTER TABLE authorities
      ADD COLUMN certificate_bureau_code char(3) CHECK (certificate_bureau_code ~ '^[0-9]{3}$'),
      ADD CONSTRAINT authorities_qualification_types_known CHECK (qualification_types <@ ARRAY[${list(TYPES)}]);
    CREATE UNIQUE INDEX authorities_certificate_bureau_code_idx
      ON authorities (left(region_code, 2), certificate_bureau_code) WHERE certificate_bureau_code IS NOT NULL;

    -- 认定报名号 sequences: one row per authority and year, bumped in the submit's transaction, so
    -- numbers have no gaps (a rolled-back submit rolls its number back too).
    CREATE TABLE certification_number_counters (
      authority_id bigint NOT NULL,
      year integer NOT NULL,
      last_seq integer NOT NULL,
      PRIMARY KEY (authority_id, year)
    );

    -- 教师资格证书号码 sequences (positions 12–17): one row per province, bureau code and year, bumped
    -- in the approval's transaction (src/modules/certification/numbers.ts).
    CREATE TABLE certificate_number_counters (
      province_code char(2) NOT NULL,
      bureau_code char(3) NOT NULL,
      year integer NOT NULL,
      last_seq integer NOT NULL CHECK (last_seq BETWEEN 1 AND 999999),
      PRIMARY KEY (province_code, bureau_code, year)
    );

    CREATE TABLE certification_applications (
      id bigserial PRIMARY KEY,
      number text NOT NULL UNIQUE,
      applicant_id bigint NOT NULL REFERENCES applicants (id),
      -- the calendar year of the submit (certificationYear): one qualification type per year
      year integer NOT NULL,
      authority_id bigint NOT NULL REFERENCES authorities (id),
      point_id bigint NOT NULL REFERENCES confirmation_points (id),
      qualification_type text NOT NULL CHECK (qualification_type IN (${list(TYPES)})),
      -- the subject name, or 无 (幼儿园)
      subject text NOT NULL,
      exam_route text NOT NULL CHECK (exam_route IN ('national_exam', 'non_national')),
      -- 国家统一考试: the chosen registry_exam_passes.cert_number
      exam_pass_number text,
      status text NOT NULL DEFAULT 'pending_confirmation' CHECK (status IN (${list(STATUSES)})),
      -- every wizard answer (and the identity as it was), for the printed form and the detail page
      data jsonb NOT NULL,
      photo_file_id uuid NOT NULL REFERENCES files (id),
      -- the signed 个人承诺书 as uploaded, and the dashed box cropped from it (its own image)
      commitment_file_id uuid NOT NULL REFERENCES files (id),
      commitment_crop_file_id uuid NOT NULL REFERENCES files (id),
      collection text NOT NULL DEFAULT 'on_site' CHECK (collection IN ('on_site', 'post')),
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
      reason text,
      -- 认定通过: the certificate issued
      certificate_number text UNIQUE CHECK (certificate_number ~ '^[0-9]{17}$'),
      certificate_issued_on date,
      CHECK (exam_route = 'non_national' OR exam_pass_number IS NOT NULL),
      CHECK (certificate_number IS NULL OR (status = 'approved' AND certificate_issued_on IS NOT NULL)),
      -- one qualification type per calendar year, whatever became of the first application ...
      CONSTRAINT certification_one_type_per_year EXCLUDE USING gist (
        applicant_id WITH =, year WITH =, qualification_type WITH <>
      )
    );
    -- ... and never the same type twice, unless the earlier application was refused (认定不通过)
    CREATE UNIQUE INDEX certification_same_type_idx
      ON certification_applications (applicant_id, qualification_type) WHERE status <> 'rejected';
    CREATE INDEX certification_applicant_idx ON certification_applications (applicant_id, submitted_at DESC);
    CREATE INDEX certification_authority_idx ON certification_applications (authority_id, status, submitted_at DESC);
    CREATE INDEX certification_point_idx ON certification_applications (point_id, status, submitted_at DESC);

    CREATE TABLE certification_status_history (
      id bigserial PRIMARY KEY,
      application_id bigint NOT NULL REFERENCES certification_applications (id) ON DELETE CASCADE,
      from_status text CHECK (from_status IN (${list(STATUSES)})),
      to_status text NOT NULL CHECK (to_status IN (${list(STATUSES)})),
      actor_kind text NOT NULL CHECK (actor_kind IN ('applicant', 'staff', 'system')),
      actor_id bigint,
      reason text,
      at timestamptz NOT NULL
    );
    CREATE INDEX certification_status_history_idx ON certification_status_history (application_id, at);

    -- 有留言: messages from the point's or the authority's staff, with the applicant's read state
    CREATE TABLE certification_messages (
      id bigserial PRIMARY KEY,
      application_id bigint NOT NULL REFERENCES certification_applications (id) ON DELETE CASCADE,
      staff_id bigint REFERENCES staff_users (id),
      body text NOT NULL,
      created_at timestamptz NOT NULL,
      read_at timestamptz
    );
    CREATE INDEX certification_messages_idx ON certification_messages (application_id, created_at);
    CREATE INDEX certification_messages_unread_idx ON certification_messages (application_id) WHERE read_at IS NULL;

    -- 限制库: 丧失 bars for life, 撤销 for 5 years, 考试作弊 for 3 years from listed_on
    -- (restrictionRefusal). Document numbers stored normalised, as applicants.doc_number.
    CREATE TABLE restriction_list (
      id bigserial PRIMARY KEY,
      doc_type text NOT NULL,
      doc_number text NOT NULL,
      name text,
      kind text NOT NULL CHECK (kind IN ('lost', 'revoked', 'exam_cheating')),
      listed_on date NOT NULL,
      note text,
      created_by bigint REFERENCES staff_users (id),
      created_at timestamptz NOT NULL,
      UNIQUE (doc_type, doc_number, kind, listed_on)
    );
    CREATE INDEX restriction_list_doc_idx ON restriction_list (doc_number);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE restriction_list;
    DROP TABLE certification_messages;
    DROP TABLE certification_status_history;
    DROP TABLE certification_applications;
    DROP TABLE certificate_number_counters;
    DROP TABLE certification_number_counters;
    DROP INDEX authorities_certificate_bureau_code_idx;
    ALTER TABLE authorities
      DROP CONSTRAINT authorities_qualification_types_known,
      DROP COLUMN certificate_bureau_code;
  `)
}
