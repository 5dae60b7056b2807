import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import type { Db } from '../../db/knex'
import { linesOf } from '../../web/texts'
import { AGREEMENT_DEFAULT } from './messages'
import * as repo from './repository'

// The 用户账号注册协议 and consent to it. The bureau edits the text (系统设置 → 用户协议); each
// change published is a new version, and an applicant whose latest consent is to an older version
// is shown the agreement at their next login and goes on only after 同意 (requireApplicant's gate).
// Registration is consent to the version in force.

export interface Agreement {
  version: number
  lines: readonly string[]
  publishedAt: Date
}

const linesOfVersion = (row: repo.AgreementVersionRow) =>
  row.body === null ? AGREEMENT_DEFAULT : linesOf(row.body)

export async function currentAgreement(db: Db): Promise<Agreement> {
  const row = await repo.latestAgreementVersion(db)
  return { version: Number(row.version), lines: linesOfVersion(row), publishedAt: row.published_at }
}

/** The version the applicant must agree to before going on, or null when they have. */
export async function agreementDue(db: Db, applicantId: number): Promise<number | null> {
  return dueVersion(await repo.agreementStanding(db, applicantId))
}

/** The version still to be agreed to, from the standing the repository read; null when none is. */
export const dueVersion = ({ current, agreed }: { current: number; agreed: number }): number | null =>
  agreed < current ? current : null

/** Inside the caller's transaction (registration's, or the consent page's own). */
export async function recordConsent(
  trx: Db,
  services: Pick<Services, 'audit' | 'clock'>,
  actor: Actor & { id: number },
  version: number,
): Promise<void> {
  await repo.insertConsent(trx, {
    applicant_id: actor.id,
    version,
    at: services.clock.now(),
    ip: actor.ip ?? null,
  })
  await services.audit.record(trx, actor, {
    action: 'applicant.consent',
    targetType: 'agreement',
    targetId: version,
  })
}

export async function consentTo(services: Services, actor: Actor & { id: number }, version: number) {
  await services.db.transaction((trx) => recordConsent(trx, services, actor, version))
}

/** A new version when the text differs from the current one (line by line); null when it does not. */
export async function publishAgreement(
  services: Services,
  actor: Actor & { id: number },
  body: string,
): Promise<number | null> {
  const lines = linesOf(body)
  return services.db.transaction(async (trx) => {
    await repo.lockAgreementVersions(trx)
    const current = await currentAgreement(trx)
    if (current.lines.join('\n') === lines.join('\n')) return null
    const version = await repo.insertAgreementVersion(trx, {
      body: lines.join('\n'),
      published_at: services.clock.now(),
      published_by: actor.id,
    })
    await services.audit.record(trx, actor, {
      action: 'agreement.publish',
      targetType: 'agreement',
      targetId: version,
    })
    return version
  })
}

export async function agreementHistory(db: Db) {
  return repo.agreementVersions(db)
}
