import type { Knex } from 'knex'
import { buildCertificateNumber, type CertificateNumberInput } from '../../domain/certification'

/**
 * The next 17-digit certificate number of a bureau (province + bureau code) in a year. The counter
 * row is bumped with one INSERT ... ON CONFLICT DO UPDATE in the caller's transaction: concurrent
 * approvals queue on the row lock, each gets the next sequence, and a rolled-back approval rolls its
 * sequence back too, so numbers have neither gaps nor duplicates. Throws (and so aborts the
 * transaction) on parts that cannot make a number, before touching the counter.
 */
export async function allocateCertificateNumber(
  trx: Knex.Transaction,
  parts: Omit<CertificateNumberInput, 'sequence'>,
): Promise<string> {
  buildCertificateNumber({ ...parts, sequence: 1 })
  const { rows } = await trx.raw(
    `INSERT INTO certificate_number_counters (province_code, bureau_code, year, last_seq) VALUES (?, ?, ?, 1)
     ON CONFLICT (province_code, bureau_code, year)
     DO UPDATE SET last_seq = certificate_number_counters.last_seq + 1
     RETURNING last_seq`,
    [parts.provinceCode.slice(0, 2), parts.bureauCode, parts.year],
  )
  return buildCertificateNumber({ ...parts, sequence: Number(rows[0].last_seq) })
}
