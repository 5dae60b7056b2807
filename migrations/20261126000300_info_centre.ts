import type { Knex } from 'knex'

// 个人信息中心. The applicant's 普通话, 学历 and 学位 items share one table: each is either verified
// against a registry (status verified at once) or entered by hand (pending until confirmation-point
// staff decide). Kind-specific fields live in `details` (validated by src/modules/info/schemas.ts).
// 学籍 and 教师资格证书 are copies of registry rows taken by "同步"; info_item_uses records which
// items a submitted application used, which freezes them (lockInfoItems in src/modules/info/service.ts).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE info_items (
      id bigserial PRIMARY KEY,
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('mandarin', 'education', 'degree')),
      -- registry: 核验 by number; manual: 录入证书 / 无法核验 / 港澳台 / 国外 / 学位
      source text NOT NULL CHECK (source IN ('registry', 'manual')),
      -- 学历 only: verified · unverifiable · hmt (港澳台) · foreign (国外留学)
      category text,
      cert_number text NOT NULL,
      details jsonb NOT NULL,
      scan_file_id uuid REFERENCES files (id),
      status text NOT NULL CHECK (status IN ('verified', 'pending', 'rejected')),
      reason text,
      decided_by bigint REFERENCES staff_users (id),
      decided_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      -- bumped by every applicant edit, so a staff decision applies to what the reviewer saw
      version integer NOT NULL DEFAULT 1,
      UNIQUE (applicant_id, kind, cert_number)
    );
    CREATE INDEX info_items_applicant_idx ON info_items (applicant_id, kind, created_at);
    CREATE INDEX info_items_queue_idx ON info_items (status, kind, updated_at);

    CREATE TABLE info_student_status (
      id bigserial PRIMARY KEY,
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      school text NOT NULL,
      major text NOT NULL,
      level text NOT NULL,
      full_time boolean NOT NULL,
      status text NOT NULL,
      expected_graduation date NOT NULL,
      synced_at timestamptz NOT NULL,
      UNIQUE (applicant_id, school)
    );

    CREATE TABLE info_certificates (
      id bigserial PRIMARY KEY,
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      cert_number text NOT NULL,
      holder_name text NOT NULL,
      qualification_type text NOT NULL,
      subject text NOT NULL,
      authority text NOT NULL,
      issued_on date NOT NULL,
      -- [{ registeredOn, result, authority }], oldest first
      history jsonb NOT NULL DEFAULT '[]',
      synced_at timestamptz NOT NULL,
      UNIQUE (applicant_id, cert_number)
    );

    -- When each applicant last pressed 同步 (or was synced on first visit), per registry.
    CREATE TABLE info_syncs (
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      what text NOT NULL CHECK (what IN ('certificates', 'student_status')),
      synced_at timestamptz NOT NULL,
      PRIMARY KEY (applicant_id, what)
    );

    CREATE TABLE info_item_uses (
      item_kind text NOT NULL CHECK (item_kind IN ('mandarin', 'education', 'degree', 'student_status', 'certificate')),
      item_id bigint NOT NULL,
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      application_kind text NOT NULL,
      application_id bigint NOT NULL,
      locked_at timestamptz NOT NULL,
      PRIMARY KEY (item_kind, item_id, application_kind, application_id)
    );
    CREATE INDEX info_item_uses_applicant_idx ON info_item_uses (applicant_id);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE info_item_uses;
    DROP TABLE info_syncs;
    DROP TABLE info_certificates;
    DROP TABLE info_student_status;
    DROP TABLE info_items;
  `)
}
