import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import {
  canTransition,
  certificationYear,
  transitionNamed,
  type CertificationStatus,
  type TransitionActor,
  type TransitionName,
} from '../../domain/certification'
import { shanghaiDate } from '../../domain/time'
import { syncCertificates } from '../info/service'
import { onSiteRefusal } from '../../domain/confirmation'
import { allocateCertificateNumber } from './numbers'
import * as repo from './repository'
import type { ApplicationRow } from './repository'

// Staff decisions on an application (the transitions table in src/domain/certification.ts), each a
// guarded UPDATE (status and version), a history row and an audit entry in one transaction. 认定通过
// also issues the certificate: the next 17-digit number of the authority's bureau code in its
// province and the year (allocateCertificateNumber, in the same transaction, so a rolled-back
// approval takes its number back), written into registry_certificates, where 教师资格证书 and the
// periodic registration's certificate choice read it.

export type TransitionOutcome =
  | { ok: true; status: CertificationStatus; version: number; certificateNumber?: string }
  | {
      ok: false
      reason: 'not_found' | 'not_allowed' | 'reason_required' | 'changed_first' | 'no_bureau_code'
    }
  | { ok: false; reason: 'too_early'; message: string }

export interface TransitionInput {
  applicationId: number
  /** the version the staff member saw */
  version: number
  name: TransitionName
  actor: { kind: TransitionActor; id: number; audit: Actor }
  reason?: string
  /** 确认未通过: the materials still missing */
  missingMaterials?: string[]
  /** 退回修改: the fields to change and the note */
  correction?: { fields: string[]; note: string }
}

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

async function decide(services: Services, input: TransitionInput): Promise<TransitionOutcome> {
  const t = transitionNamed(input.name)
  if (!t) return { ok: false, reason: 'not_allowed' }
  const reason =
    input.reason?.trim() ||
    (input.missingMaterials?.length ? input.missingMaterials.join('、') : '') ||
    input.correction?.note.trim() ||
    ''
  if (t.reasonRequired && !reason) return { ok: false, reason: 'reason_required' }
  return services.db.transaction(async (trx) => {
    const row = await repo.findApplication(trx, input.applicationId)
    if (!row) return { ok: false as const, reason: 'not_found' as const }
    const to = canTransition(row.status, input.name, input.actor.kind)
    if (!to) return { ok: false as const, reason: 'not_allowed' as const }
    const early = onSiteRefusal(
      input.name,
      await services.bureau.pointById(trx, Number(row.point_id)),
      services.clock.now(),
    )
    if (early) return { ok: false as const, reason: 'too_early' as const, message: early }
    if (input.name === 'approve') {
      const authority = await repo.issuingAuthority(trx, row.authority_id)
      if (!authority?.certificate_bureau_code)
        return { ok: false as const, reason: 'no_bureau_code' as const }
    }
    const now = services.clock.now()
    const updated = await repo.updateDecision(
      trx,
      { id: row.id, status: row.status, version: input.version },
      {
        status: to,
        version: input.version + 1,
        updated_at: now,
        reason: reason || null,
        missing_materials: input.name === 'fail_confirmation' ? (input.missingMaterials ?? [reason]) : null,
        correction:
          input.name === 'return_for_correction'
            ? JSON.stringify(input.correction ?? { fields: [], note: reason })
            : null,
        decided_by: input.actor.id,
        decided_at: now,
      },
    )
    if (!updated) return { ok: false as const, reason: 'changed_first' as const }
    const certificateNumber = input.name === 'approve' ? await issueCertificate(trx, row, now) : null
    await repo.insertStatusChange(trx, {
      application_id: row.id,
      from_status: row.status,
      to_status: to,
      actor_kind: 'staff',
      actor_id: input.actor.id,
      reason: reason || null,
      at: now,
    })
    await services.audit.record(trx, input.actor.audit, {
      action: `certification.${input.name}`,
      targetType: 'certification_application',
      targetId: row.id,
      detail: {
        from: row.status,
        to,
        reason: reason || undefined,
        ...(certificateNumber ? { certificateNumber } : {}),
      },
    })
    return {
      ok: true as const,
      status: to,
      version: input.version + 1,
      ...(certificateNumber ? { certificateNumber } : {}),
    }
  })
}
