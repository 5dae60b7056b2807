import type { Knex } from 'knex'

// Stored 申请表 PDFs (issue 15, opening day): each application's printed form as it was last printed,
// made once right after the submit (or a 修改) and served from here while nothing it shows has
// changed. `fingerprint` is a digest of everything the form prints (the form's data with its images,
// the template and the font: services/pdf.ts `fingerprint`); a print whose data gives another digest
// renders again and replaces the row, so a change anywhere (修改, identity, booking, the authority's
// names) is never printed from an old copy. While one process renders, `pdf` is NULL and
// `claimed_at` says since when: the others wait for it instead of rendering the same form again.
// The applicant's row owns it (deleted with the account).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE printed_forms (
      business text NOT NULL CHECK (business IN ('registration', 'certification')),
      application_id bigint NOT NULL,
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      fingerprint text NOT NULL,
      pdf bytea,
      claimed_at timestamptz NOT NULL,
      rendered_at timestamptz,
      PRIMARY KEY (business, application_id),
      CHECK ((pdf IS NULL) = (rendered_at IS NULL))
    );
    CREATE INDEX printed_forms_applicant_idx ON printed_forms (applicant_id);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE printed_forms;`)
}
