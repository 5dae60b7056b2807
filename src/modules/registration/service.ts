import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { adoptDraft, filesToTake, type FileOwner } from '../../services/imageStore'
import { infoItemLocks } from '../info/service'
import { getSettings, REGISTRATION_HALF_LABELS } from '../staff/settings'
import {
  addCertificateRefusal,
  nextRegistrationAllowedOn,
  registrationCycle,
  registrationNumber,
  registrationTransitions,
  tooSoonAfterApproval,
  type RegistrationStatus,
  type TransitionName,
} from '../../domain/registration'
import { shanghaiDate, shanghaiDateTime } from '../../domain/time'
import * as m from './messages'
import * as repo from './repository'
import { writeSubmission, type Submit } from '../applications/submissions'
import {
  transitionApplication,
  type TransitionInput as AppTransitionInput,
  type TransitionOutcome as AppTransitionOutcome,
} from '../applications/transitions'

type Db = Services['db']

export type SubmitInput = Parameters<typeof submitRegistration>[2]

export type SubmitOutcome = Awaited<ReturnType<typeof submitRegistration>>

/**
 * 提交注册申请, inside the wizard engine's transaction (which holds the run's lock, so parallel
 * submits of one applicant queue here): re-checks the window and the point, one active
 * registration per applicant and per certificate per cycle, the 54-month rule (one statement reads
 * them all); adopts the photo; writes the registration with its number, first history row and audit
 * entry. An applicant who already has an active registration in the cycle lands on it.
 */
export const submitRegistration: Submit<
  { id: number; name: string; doc_number: string },
  { id: number; number: string; existing: boolean }
> = async (trx, services, { applicant, actor, values }) => {
  const now = services.clock.now()
  const cycle = registrationCycle(now)
  const authorityId = Number(values.authorityId)
  if (!Number.isSafeInteger(authorityId) || authorityId < 1) return { errors: { _form: m.WINDOW_CLOSED } }

  const facts = await repo.submitFacts(
    trx,
    applicant,
    String(values.certNumber ?? ''),
    cycle,
    services.bureau.registration.openWindowSql(trx, `'${authorityId}'`, now),
  )
  if (facts.active) {
    const row = await repo.registrationById(trx, facts.active)
    return { id: facts.active, number: row!.number, existing: true }
  }
  if (!facts.windowOpen) return { errors: { _form: m.WINDOW_CLOSED } }
  const cert = facts.certificates.find((c) => c.certNumber === values.certNumber)
  if (!cert) return { errors: { _form: m.CERTIFICATE_REQUIRED } }
  if (facts.certificateInUse) return { errors: { _form: m.SUBMIT_REFUSALS.certInUse } }
  const approvedOn = facts.lastApproval
  if (approvedOn && tooSoonAfterApproval(approvedOn, shanghaiDate(now)))
    return { errors: { _form: m.SUBMIT_REFUSALS.tooSoon(nextRegistrationAllowedOn(approvedOn)) } }
  const points = await services.bureau.registration.pointsFor(trx, authorityId)
  if (!points.some((p) => p.id === Number(values.pointId)))
    return { errors: { _form: m.SUBMIT_REFUSALS.pointGone } }

  const owner: FileOwner = { kind: 'applicant', id: applicant.id }
  const photoId = String(values.photoFileId ?? '')
  const files = filesToTake(owner, [[photoId, 'id_photo']])
  if (!files) return { errors: { _form: m.SUBMIT_REFUSALS.photoMissing } }

  const locks =
    facts.infoCertificateId === undefined
      ? undefined
      : infoItemLocks(applicant.id, [{ kind: 'certificate', id: facts.infoCertificateId }], 'registration')
  const submitted = await writeSubmission(trx, services, repo.SUBMISSION_TABLES, {
    applicantId: applicant.id,
    actor,
    at: now,
    numbering: { authorityId, year: cycle, prefix: registrationNumber(cycle, authorityId, 0).slice(0, -6) },
    row: {
      applicant_id: applicant.id,
      cycle,
      cert_number: cert.certNumber,
      cert_source: cert.source,
      added_certificate_id: cert.addedId,
      cert: { ...cert },
      authority_id: authorityId,
      point_id: Number(values.pointId),
      stage: String(values.stage),
      subject: String(values.subject),
      status: 'pending_confirmation',
      data: { ...values, identity: facts.identity },
      photo_file_id: photoId,
      certificate_photo_file_ids: cert.photoFileIds,
      submitted_at: now,
      updated_at: now,
    } satisfies repo.NewRegistration,
    // The photo taken into use, and the information centre's copy of the certificate, if it synced
    // one, which can no longer change: in the same statement.
    also: locks ? { files: files.part, locks: locks.part } : { files: files.part },
    audit: {
      action: 'registration.submit',
      targetType: 'registration',
      detail: { authorityId, pointId: Number(values.pointId), certNumber: cert.certNumber },
    },
  })
  // The checks above ran under the run's lock; a conflict here means another run of the same
  // applicant won in between: roll back and land on that one.
  if (!files.taken(submitted.also.files)) return { errors: { _form: m.SUBMIT_REFUSALS.photoMissing } }
  if (!submitted.written) return { errors: { _form: m.SUBMIT_REFUSALS.activeExists } }
  locks?.check(submitted.also.locks)
  const { id, number } = submitted.written
  return { id, number, existing: false }
}

/**
 * Outside every registration authority's window the business is closed for the season: what the
 * platform and the closed-season page say (the manual's sentence, then the nearest windows), or
 * null while some window is open. Every 业务平台 view asks: it is read once a minute (the bureau's
 * window and authority edits and 系统设置 forget it at once).
 */
export function closedSeason(
  services: Pick<Services, 'db' | 'clock' | 'bureau' | 'perMinute'>,
): Promise<{ lines: string[] } | null> {
  return services.perMinute.get(CLOSED_SEASON, async () => {
    const { db } = services
    const now = services.clock.now()
    const season = await services.bureau.registration.season(db, now)
    if (season.open) return null
    const { registrationHalf } = await getSettings(db)
    const lines = [m.closedSeason(REGISTRATION_HALF_LABELS[registrationHalf])]
    if (season.last)
      lines.push(m.lastWindow(shanghaiDateTime(season.last.start), shanghaiDateTime(season.last.end)))
    if (season.next)
      lines.push(m.nextWindow(shanghaiDateTime(season.next.start), shanghaiDateTime(season.next.end)))
    return { lines }
  })
}

const CLOSED_SEASON = 'registration.closedSeason'

// ---- status changes (for the records and staff pages) ---------------------------------------------

export type TransitionInput = AppTransitionInput<TransitionName>

export type TransitionOutcome = AppTransitionOutcome<RegistrationStatus>

/**
 * Moves one registration along TRANSITIONS (src/domain/registration.ts) in its own transaction
 * (src/modules/applications/transitions.ts): the guarded UPDATE, a history row and an audit entry.
 * Scope checks (which point's or authority's staff) are the caller's.
 */
export const transitionRegistration = (
  services: Pick<Services, 'db' | 'clock' | 'audit' | 'bureau'>,
  input: TransitionInput,
): Promise<TransitionOutcome> =>
  transitionApplication(services, { tables: repo.STATUS_TABLES, rules: registrationTransitions }, input)

// ---- 添加教师资格证书信息 ----------------------------------------------------------------------------

export interface AddCertificateInput {
  applicant: { id: number; name: string; doc_number: string }
  actor: Actor
  /** 持证人 and 身份证件号码 are the account's: the form shows them and never asks. */
  values: {
    certNumber: string
    issuedOn: string
    provinceCode: string
    cityCode: string
    qualificationType: string
    subject: string
    authority: string
  }
  photoFileIds: string[]
}

/** Adds a pre-2008 certificate (refusals per addCertificateRefusal), adopting its photos. */
export async function addCertificate(
  db: Db,
  services: Pick<Services, 'clock' | 'audit'>,
  input: AddCertificateInput,
): Promise<{ ok: true; id: number } | { ok: false; field: string; error: string }> {
  const v = input.values
  const refusal = addCertificateRefusal(
    { ...v, certNumber: v.certNumber.trim() },
    await repo.inRegistry(db, v.certNumber.trim()),
  )
  if (refusal)
    return {
      ok: false,
      field: refusal === 'too_recent' ? 'issuedOn' : 'certNumber',
      error: m.ADD_REFUSALS[refusal],
    }
  if (await repo.addedCertificateExists(db, input.applicant.id, v.certNumber.trim()))
    return { ok: false, field: 'certNumber', error: m.ADD_REFUSALS.duplicate }
  return db.transaction(async (trx) => {
    const owner: FileOwner = { kind: 'applicant', id: input.applicant.id }
    for (const id of input.photoFileIds)
      if (!(await adoptDraft(trx, id, owner, 'certificate_photo')))
        return { ok: false as const, field: 'photo', error: m.SUBMIT_REFUSALS.photoMissing }
    const now = services.clock.now()
    const id = await repo.insertAddedCertificate(trx, {
      applicant_id: input.applicant.id,
      holder_name: input.applicant.name,
      doc_number: input.applicant.doc_number.toUpperCase(),
      cert_number: v.certNumber.trim(),
      issued_on: v.issuedOn,
      province_code: v.provinceCode,
      city_code: v.cityCode,
      qualification_type: v.qualificationType,
      subject: v.subject,
      authority: v.authority,
      photo_file_ids: input.photoFileIds,
      created_at: now,
    })
    await services.audit.record(trx, input.actor, {
      action: 'registration.add_certificate',
      targetType: 'applicant_added_certificate',
      targetId: id,
      detail: { certNumber: v.certNumber.trim() },
    })
    return { ok: true as const, id }
  })
}
