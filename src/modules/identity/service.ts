import type { Services } from '../../services'
import type { Actor, SignedInActor } from '../../services/audit'
import type { Db } from '../../db/knex'
import { can, type RoleGrant } from '../../domain/roles'
import { isVerified, statusAfterCheck, type IdentityStatus } from '../../domain/identity'
import { halfYearCycle, shanghaiDate } from '../../domain/time'
import { addWorkingDays } from '../../domain/workingDays'
import type { FieldErrors } from '../../web/formValidation'
import { adoptDraft, storeImage, type PreparedImage } from '../../services/imageStore'
import {
  DAILY_VERIFY_ATTEMPTS,
  decisionEmail,
  MESSAGES,
  REVIEWS_PER_CYCLE,
  REVIEW_WORKING_DAYS,
} from './messages'
import {
  countChecksOn,
  countReviewsBetween,
  decideReviewRow,
  deleteCheck,
  hasFailedCheck,
  holidaysFrom,
  insertCheck,
  insertReview,
  lockApplicant,
  pendingReview,
  reviewHoldsPhoto,
  setApplicantIdentity,
  settleCheck,
} from './repository'

/**
 * A 人工审核 photo, for the reviewers: their queue is the whole instance's (the roles granting
 * identity.review are instance-wide), so any request's photo and nothing else.
 */
export async function reviewPhotoInScope(
  db: Db,
  file: { id: string; kind: string },
  staff: { roles: RoleGrant[] },
): Promise<boolean> {
  return can(staff, 'identity.review') && (await reviewHoldsPhoto(db, file.id))
}

export type VerifyOutcome =
  | { kind: 'passed' | 'failed'; nameChanged: boolean; wasVerified: boolean }
  | { kind: 'limit' | 'pending' | 'unavailable' }

/**
 * 实名核验. An attempt is taken first (applicant row locked, today's checks counted), then the
 * verifier answers outside any transaction — a provider may take seconds and must not hold a lock —
 * and the answer is recorded in a second transaction. A provider that fails gives the attempt back.
 * A changed name is stored only when the verifier accepts it.
 */
export async function verifyIdentity(
  services: Services,
  applicantId: number,
  name: string,
  actor: Actor,
): Promise<VerifyOutcome> {
  const { db, clock } = services
  const now = clock.now()
  const day = shanghaiDate(now)
  const taken = await db.transaction(async (trx) => {
    const a = await lockApplicant(trx, applicantId)
    if (a.identity_status === 'manual_pending' || (await pendingReview(trx, a.id)))
      return { kind: 'pending' } as const
    if ((await countChecksOn(trx, a.id, day)) >= DAILY_VERIFY_ATTEMPTS) return { kind: 'limit' } as const
    const checkId = await insertCheck(trx, { applicantId: a.id, day, name, at: now })
    return { kind: 'taken', checkId, applicant: a } as const
  })
  if (taken.kind !== 'taken') return taken

  let passed: boolean
  try {
    const answer = await services.verifier.verify({
      docType: taken.applicant.doc_type,
      docNumber: taken.applicant.doc_number,
      name,
    })
    passed = answer.ok
  } catch (err) {
    services.logger.warn({ err }, 'identity verifier failed')
    await deleteCheck(db, taken.checkId)
    return { kind: 'unavailable' }
  }

  return db.transaction(async (trx) => {
    const a = await lockApplicant(trx, applicantId)
    await settleCheck(trx, taken.checkId, passed)
    const nameChanged = a.name !== name
    if (passed)
      await setApplicantIdentity(
        trx,
        a.id,
        { status: statusAfterCheck(a.identity_status, true), name, verifiedAt: now },
        now,
      )
    await services.audit.record(trx, actor, {
      action: 'identity.verify',
      targetType: 'applicant',
      targetId: a.id,
      detail: { passed, nameChanged },
    })
    return {
      kind: passed ? 'passed' : 'failed',
      nameChanged,
      wasVerified: isVerified(a.identity_status),
    } as const
  })
}

export interface ReviewSubmission {
  name: string
  details: string
  /** A freshly uploaded photo, or the id of the draft the applicant previewed. */
  photo?: PreparedImage
  draftId?: string
}

export type SubmitOutcome =
  { ok: true; reviewId: number; deadline: string } | { ok: false; errors: FieldErrors }

/** Why this applicant may not ask for a manual review now, or null when they may. */
export async function reviewRefusal(
  db: Services['db'],
  a: { id: number; identity_status: IdentityStatus },
  now: Date,
): Promise<string | null> {
  if (isVerified(a.identity_status)) return MESSAGES.reviewNotNeeded
  if (a.identity_status === 'manual_pending' || (await pendingReview(db, a.id))) return MESSAGES.reviewPending
  if (!(await hasFailedCheck(db, a.id))) return MESSAGES.reviewVerifyFirst
  const cycle = halfYearCycle(now)
  if ((await countReviewsBetween(db, a.id, cycle.start, cycle.end)) >= REVIEWS_PER_CYCLE)
    return MESSAGES.reviewCycleLimit
  return null
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505'

/**
 * 人工审核申请: the cycle's count and the single pending review are checked with the applicant row
 * locked (and the partial unique index backs the latter); the photo, the review and the new
 * identity status are written together.
 */
export async function submitReview(
  services: Services,
  applicantId: number,
  input: ReviewSubmission,
  actor: Actor,
): Promise<SubmitOutcome> {
  const { db, clock } = services
  const now = clock.now()
  const today = shanghaiDate(now)
  try {
    return await db.transaction(async (trx): Promise<SubmitOutcome> => {
      const a = await lockApplicant(trx, applicantId)
      const refusal = await reviewRefusal(trx, a, now)
      if (refusal) return { ok: false, errors: { _form: refusal } }
      const owner = { kind: 'applicant', id: a.id } as const
      let photoFileId: string | undefined
      if (input.photo) photoFileId = (await storeImage(trx, input.photo, owner, { now })).id
      else if (input.draftId && (await adoptDraft(trx, input.draftId, owner, 'identity_review_photo')))
        photoFileId = input.draftId
      if (!photoFileId) return { ok: false, errors: { photo: '请上传照片' } }

      const deadline = addWorkingDays(today, REVIEW_WORKING_DAYS, await holidaysFrom(trx, today))
      const cycle = halfYearCycle(now)
      const reviewId = await insertReview(trx, {
        applicantId: a.id,
        cycle: cycle.key,
        name: input.name,
        docType: a.doc_type,
        docNumber: a.doc_number,
        details: input.details,
        photoFileId,
        submittedAt: now,
        deadline,
      })
      await setApplicantIdentity(trx, a.id, { status: 'manual_pending' }, now)
      await services.audit.record(trx, actor, {
        action: 'identity.review_submit',
        targetType: 'identity_review',
        targetId: reviewId,
        detail: { cycle: cycle.key, deadline, nameChanged: input.name !== a.name },
      })
      return { ok: true, reviewId, deadline }
    })
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, errors: { _form: MESSAGES.reviewPending } }
    throw err
  }
}

export interface Decision {
  decision: 'approve' | 'reject'
  reason: string
  version: number
}

/**
 * The reviewer's answer. The update is guarded by status and version, so two reviewers deciding
 * at once get one decision and one "already handled". Approval adopts the name the applicant gave;
 * neither answer lowers an applicant who has since passed verification.
 */
export async function decideReview(
  services: Services,
  staff: SignedInActor,
  reviewId: number,
  input: Decision,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const { db, clock } = services
  const now = clock.now()
  return db.transaction(async (trx) => {
    const approved = input.decision === 'approve'
    const reason = input.reason.trim() || null
    const row = await decideReviewRow(trx, reviewId, input.version, {
      status: approved ? 'approved' : 'rejected',
      reason,
      staffId: staff.id,
      at: now,
    })
    if (!row) return { ok: false, error: MESSAGES.decidedByOther }
    const a = await lockApplicant(trx, row.applicant_id)
    if (a.identity_status !== 'verified')
      await setApplicantIdentity(
        trx,
        a.id,
        approved
          ? { status: 'manual_approved', name: row.name, verifiedAt: now }
          : { status: 'manual_rejected' },
        now,
      )
    const mail = decisionEmail(approved ? row.name : a.name, approved, reason ?? '')
    await services.outbox.enqueue(trx, { channel: 'email', recipient: a.email, ...mail })
    await services.audit.record(trx, staff, {
      action: 'identity.review_decide',
      targetType: 'identity_review',
      targetId: reviewId,
      detail: { decision: input.decision, applicantId: a.id },
    })
    return { ok: true }
  })
}
