import type { Db } from '../../src/db/knex'
import { SUBMISSION_TABLES as REGISTRATION } from '../../src/modules/registration/repository'
import { SUBMISSION_TABLES as CERTIFICATION } from '../../src/modules/certification/repository'

// What a submit must leave behind, whole or not at all, read straight from the database after the
// app was killed: each application with its first status-history row, its audit entry and its
// files taken into use; nothing of a submit without its application.

/** The wizards that submit, with what their submit writes (src/modules/applications/repository.ts). */
export const BUSINESSES = [
  { wizard: 'registration', tables: REGISTRATION, audit: 'registration.submit' },
  { wizard: 'certification', tables: CERTIFICATION, audit: 'certification.submit' },
] as const

export interface Integrity {
  applications: number
  /** One line per application missing its history, its audit entry or a file in use. */
  halfWritten: string[]
  /** One line per kind of row left without its application, with how many. */
  orphans: { what: string; n: number }[]
}

const count = async (db: Db, sql: string, bindings: unknown[] = []) =>
  Number((await db.raw(sql, bindings as never[])).rows[0].n)

export async function checkIntegrity(db: Db): Promise<Integrity> {
  // Every column that points at a stored file: the foreign keys to files(id), and the uuid[]
  // lists (certificate photos) that cannot have one.
  const { rows: refs } = await db.raw<{ rows: { tbl: string; col: string; list: boolean }[] }>(`
    SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, false AS list
    FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
    WHERE c.contype = 'f' AND c.confrelid = 'files'::regclass
    UNION ALL
    SELECT table_name, column_name, true FROM information_schema.columns
    WHERE table_schema = current_schema() AND data_type = 'ARRAY' AND column_name LIKE '%file_ids'`)
  const referenced = refs
    .map((r) =>
      r.list
        ? `SELECT unnest("${r.col}") AS id FROM "${r.tbl}"`
        : `SELECT "${r.col}" AS id FROM "${r.tbl}" WHERE "${r.col}" IS NOT NULL`,
    )
    .join(' UNION ALL ')

  let applications = 0
  const halfWritten: string[] = []
  const orphans: { what: string; n: number }[] = []
  for (const b of BUSINESSES) {
    const t = b.tables
    applications += await count(db, `SELECT count(*) AS n FROM ${t.table}`)
    const fileColumns = refs.filter((r) => r.tbl === t.table && !r.list).map((r) => r.col)
    const { rows } = await db.raw<{
      rows: { id: string; history: boolean; audited: boolean; files: boolean }[]
    }>(
      `SELECT a.id,
         EXISTS (SELECT 1 FROM ${t.historyTable} h WHERE h.${t.historyKey} = a.id
                 AND h.from_status IS NULL) AS history,
         EXISTS (SELECT 1 FROM audit_log l WHERE l.action = ? AND l.target_id = a.id::text) AS audited,
         NOT EXISTS (SELECT 1 FROM files f WHERE f.draft AND f.id IN (${fileColumns.map((c) => `a.${c}`).join(', ')})) AS files
       FROM ${t.table} a`,
      [b.audit],
    )
    for (const r of rows) {
      const missing = [!r.history && 'history', !r.audited && 'audit entry', !r.files && 'files in use']
      if (missing.some(Boolean))
        halfWritten.push(`${t.table} ${r.id} without its ${missing.filter(Boolean).join(', ')}`)
    }
    orphans.push(
      {
        what: `${t.historyTable} rows without their application`,
        n: await count(
          db,
          `SELECT count(*) AS n FROM ${t.historyTable} h
           WHERE NOT EXISTS (SELECT 1 FROM ${t.table} a WHERE a.id = h.${t.historyKey})`,
        ),
      },
      {
        what: `${b.audit} audit entries without their application`,
        n: await count(
          db,
          `SELECT count(*) AS n FROM audit_log l WHERE l.action = ?
           AND NOT EXISTS (SELECT 1 FROM ${t.table} a WHERE a.id::text = l.target_id)`,
          [b.audit],
        ),
      },
      {
        // a run ended (its answers replaced by the tombstone) without the application it ended in
        what: `finished ${b.wizard} wizard runs without an application`,
        n: await count(
          db,
          `SELECT count(*) AS n FROM wizard_progress p
           WHERE p.wizard_key = ? AND p.data->>'doneRunId' IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM ${t.table} a WHERE a.applicant_id = p.applicant_id)`,
          [b.wizard],
        ),
      },
    )
  }
  orphans.push({
    // a draft taken into use by a submit that then did not write its application
    what: 'applicant files in use that nothing refers to',
    n: await count(
      db,
      `SELECT count(*) AS n FROM files f WHERE f.owner_kind = 'applicant' AND NOT f.draft
       AND f.id NOT IN (SELECT id FROM (${referenced}) r WHERE id IS NOT NULL)`,
    ),
  })
  return { applications, halfWritten, orphans: orphans.filter((o) => o.n > 0) }
}

/** Applications per applicant, for the applicants asked about. */
export async function applicationsOf(db: Db, applicantIds: number[]): Promise<Map<number, number>> {
  const out = new Map(applicantIds.map((id) => [id, 0]))
  for (const b of BUSINESSES) {
    const rows: { applicant_id: string; n: string }[] = await db(b.tables.table)
      .whereIn('applicant_id', applicantIds)
      .groupBy('applicant_id')
      .select('applicant_id')
      .count({ n: '*' })
    for (const r of rows) out.set(Number(r.applicant_id), out.get(Number(r.applicant_id))! + Number(r.n))
  }
  return out
}
