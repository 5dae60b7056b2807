import type { Services } from '../../services'
import {
  certificationTransitions,
  certificationYear,
  type CertificationStatus,
  type TransitionName,
} from '../../domain/certification'
import { shanghaiDate } from '../../domain/time'
import { syncCertificates } from '../info/service'
import {
  transitionApplication,
  type TransitionInput as AppTransitionInput,
  type TransitionOutcome as AppTransitionOutcome,
} from '../applications/transitions'
import { allocateCertificateNumber } from './numbers'
import * as repo from './repository'
import type { ApplicationRow } from './repository'

// Staff decisions on an application (the transitions table in src/domain/certification.ts), each a
// guarded UPDATE (status and version), a history row and an audit entry in one transaction. 认定通过
// also issues the certificate: the next 17-digit number of the authority's bureau code in its
// province and the year (allocateCertificateNumber, in the same transaction, so a rolled-back
// approval takes its number back), written into registry_certificates, where 教师资格证书 and the
// periodic registration's certificate choice read it.

export type TransitionOutcome = AppTransitionOutcome<
  CertificationStatus,
  { certificateNumber: string },
  'no_bureau_code'
>

export type TransitionInput = AppTransitionInput<TransitionName>

type Trx = Parameters<Parameters<Services['db']['transaction']>[0]>[0]

async function issueCertificate(trx: Trx, row: ApplicationRow, now: Date): Promise<string | null> {
  const authority = await repo.issuingAuthority(trx, row.authority_id)
  if (!authority?.certificate_bureau_code) return null
  const bureauCode = authority.certificate_bureau_code
  const applicant = await repo.certificateHolder(trx, row.applicant_id)
  const identity = (row.data.identity ?? {}) as Record<string, unknown>
  // The sex digit: the account's sex, else the snapshot's, else the ID number's 17th digit.
  const digit17 = Number(String(applicant?.doc_number ?? '').charAt(16))
  const sex = (applicant?.sex ?? identity.sex ?? (digit17 % 2 === 1 ? 'M' : 'F')) as 'M' | 'F'
  const issuedOn = shanghaiDate(now)
  // A number the registry already holds (imported from elsewhere) is passed over: the counter moves
  // on, so no certificate is ever issued twice.
  for (;;) {
    const number = await allocateCertificateNumber(trx, {
      year: certificationYear(now),
      provinceCode: String(authority.region_code).slice(0, 2),
      bureauCode,
      type: row.qualification_type,
      sex,
    })
    const inserted = await repo.insertRegistryCertificate(trx, {
      cert_number: number,
      holder_name: applicant!.name,
      doc_number: String(applicant!.doc_number).toUpperCase(),
      qualification_type: row.qualification_type,
      subject: row.subject,
      authority: authority.name,
      issued_on: issuedOn,
      imported_at: now,
    })
    if (!inserted) continue
    await repo.setCertificate(trx, row.id, number, issuedOn)
    return number
  }
}

export async function transitionCertification(
  services: Services,
  input: TransitionInput,
): Promise<TransitionOutcome> {
  const outcome = await decide(services, input)
  // The information centre's copy (教师资格证书) takes the new certificate at once, not at the
  // applicant's next 同步; a failure here leaves the registry row, which the next sync reads.
  if (outcome.ok && outcome.certificateNumber) {
    const who = await repo.applicantOfApplication(services.db, input.applicationId)
    if (who)
      await syncCertificates(services, who).catch((err: unknown) =>
        services.logger.warn({ err }, 'certificate sync after approval failed'),
      )
  }
  return outcome
}

/** The decision itself (src/modules/applications/transitions.ts); 认定通过 issues the certificate with it. */
const decide = (services: Services, input: TransitionInput): Promise<TransitionOutcome> =>
  transitionApplication(
    services,
    {
      tables: repo.STATUS_TABLES,
      rules: certificationTransitions,
      // 认定通过 needs the authority's 证书编号机构代码 to number the certificate
      refusal: async (trx, row: ApplicationRow, name) =>
        name === 'approve' && !(await repo.issuingAuthority(trx, row.authority_id))?.certificate_bureau_code
          ? 'no_bureau_code'
          : null,
      effect: async (trx, row, name, now) => {
        const certificateNumber = name === 'approve' ? await issueCertificate(trx, row, now) : null
        return certificateNumber ? { certificateNumber } : null
      },
    },
    input,
  )
