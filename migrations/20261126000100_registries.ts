import type { Knex } from 'knex'

// The national registries as a county instance sees them. Administrators fill them from files
// (src/modules/registries); the information centre verifies and syncs against them. ID numbers are
// stored normalised (upper-case X) so that a lookup by the applicant's number is an index scan.
// Codes (qualification type, education level, ...) are ref_codes codes; names are stored as given.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- 考试合格证明 (the national exam's pass certificates)
    CREATE TABLE registry_exam_passes (
      cert_number text PRIMARY KEY,
      name text NOT NULL,
      doc_number text NOT NULL,
      qualification_type text NOT NULL,
      subject text NOT NULL,
      valid_until date NOT NULL,
      imported_at timestamptz NOT NULL
    );
    CREATE INDEX registry_exam_passes_doc_idx ON registry_exam_passes (doc_number);

    -- 普通话水平测试等级证书
    CREATE TABLE registry_mandarin (
      cert_number text PRIMARY KEY,
      name text NOT NULL,
      doc_number text NOT NULL,
      score numeric(4, 1) NOT NULL CHECK (score >= 0 AND score <= 100),
      grade text NOT NULL,
      issuer text NOT NULL,
      issued_on date NOT NULL,
      imported_at timestamptz NOT NULL
    );
    CREATE INDEX registry_mandarin_doc_idx ON registry_mandarin (doc_number);

    -- 学历 (education records, by certificate number)
    CREATE TABLE registry_education (
      cert_number text PRIMARY KEY,
      name text NOT NULL,
      doc_number text NOT NULL,
      school text NOT NULL,
      major text NOT NULL,
      level text NOT NULL,
      graduated_on date NOT NULL,
      imported_at timestamptz NOT NULL
    );
    CREATE INDEX registry_education_doc_idx ON registry_education (doc_number);

    -- 学籍 (student status): one row per student and school
    CREATE TABLE registry_student_status (
      doc_number text NOT NULL,
      school text NOT NULL,
      name text NOT NULL,
      major text NOT NULL,
      level text NOT NULL,
      full_time boolean NOT NULL,
      status text NOT NULL,
      expected_graduation date NOT NULL,
      imported_at timestamptz NOT NULL,
      PRIMARY KEY (doc_number, school)
    );

    -- 教师资格证书 issued (17 digits; 15 in the 1996–1999 era)
    CREATE TABLE registry_certificates (
      cert_number text PRIMARY KEY CHECK (cert_number ~ '^([0-9]{15}|[0-9]{17})$'),
      holder_name text NOT NULL,
      doc_number text NOT NULL,
      qualification_type text NOT NULL,
      subject text NOT NULL,
      authority text NOT NULL,
      issued_on date NOT NULL,
      imported_at timestamptz NOT NULL
    );
    CREATE INDEX registry_certificates_doc_idx ON registry_certificates (doc_number);

    -- Earlier periodic registrations of those certificates
    CREATE TABLE registry_certificate_registrations (
      cert_number text NOT NULL REFERENCES registry_certificates (cert_number) ON DELETE CASCADE,
      registered_on date NOT NULL,
      result text NOT NULL,
      authority text NOT NULL,
      imported_at timestamptz NOT NULL,
      PRIMARY KEY (cert_number, registered_on)
    );

    -- Schools directory for the registration form's school search
    CREATE TABLE schools (
      id bigserial PRIMARY KEY,
      name text NOT NULL,
      region_code text NOT NULL,
      school_type text NOT NULL,
      imported_at timestamptz NOT NULL,
      UNIQUE (name, region_code)
    );
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX schools_name_trgm_idx ON schools USING gin (name gin_trgm_ops);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE schools;
    DROP TABLE registry_certificate_registrations;
    DROP TABLE registry_certificates;
    DROP TABLE registry_student_status;
    DROP TABLE registry_education;
    DROP TABLE registry_mandarin;
    DROP TABLE registry_exam_passes;
  `)
}
