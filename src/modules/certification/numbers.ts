import type { Knex } from 'knex'
import { buildCertificateNumber, type CertificateNumberInput } from '../../domain/certificateNumbers'
import { nextCertificateSequence } from './repository'

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
  const sequence = await nextCertificateSequence(trx, {
    provinceCode: parts.provinceCode.slice(0, 2),
    bureauCode: parts.bureauCode,
    year: parts.year,
  })
  return buildCertificateNumber({ ...parts, sequence })
}
