import { Router } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireStaff } from '../../middleware/auth'
import { DOC_TYPE_LABELS, type DocNumberViewer, type DocType } from '../../domain/idNumber'
import { isVerified, type IdentityStatus } from '../../domain/identity'
import { rolesFor } from '../../domain/roles'
import { halfYearCycle, shanghaiDate } from '../../domain/time'
import { clientIp, handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm } from '../../web/formValidation'
import { IMAGE_MESSAGES } from '../../domain/imageRules'
import { idOf } from '../../web/values'
import { addDecisionRoute, queuePages } from '../../web/reviewQueue'
import { receiveUpload, receivedId, uploadError, uploadField } from '../../web/uploadFields'
import {
  DAILY_VERIFY_ATTEMPTS,
  DECISION_LABELS,
  MESSAGES,
  REVIEW_STATUS_LABELS,
  REVIEWS_PER_CYCLE,
} from './messages'
import {
  countChecksOn,
  countReviewsBetween,
  findReview,
  lastCheck,
  pendingReview,
  QUEUE_PAGE_SIZE,
  reviewsOf,
  searchReviews,
} from './repository'
import { checkDecisionForm, checkQueueQuery, checkReviewForm, checkVerifyForm } from './schemas'
import { recordStaffView } from '../privacy/recordViews'
import { decideReview, reviewRefusal, submitReview, verifyIdentity } from './service'

// 实名核验 and 人工审核 for applicants (/identity/...), the reviewers' queue and the administrators'
// identity registry (its import/export pages: the registries module, /staff/identity-registry).

const VIEWS = 'pages/identity'
const REVIEW_FORM = 'identityReview'
const QUEUE = '/staff/identity-reviews'
const DECISION_FORM = 'identityDecision'
const PHOTO_KIND = 'identity_review_photo'

const docTypeLabel = (t: string) => DOC_TYPE_LABELS[t as DocType] ?? t

/** "2026-09-01至2026-12-31" for the cycle containing `now`. */
function cycleText(now: Date): string {
  const c = halfYearCycle(now)
  return `${shanghaiDate(c.start)}至${shanghaiDate(new Date(c.end.getTime() - 1))}`
}

export function identityRoutes(services: Services): Router {
  const router = Router()
  const { db, clock } = services
  const reviewerOnly = requireStaff(...rolesFor('identity.review'))

  // ---------------------------------------------------------------------------------------------
  // 实名核验 (manual 000 §2.2.2, 001 §2.1)

  router.get(
    '/identity/verify',
    requireApplicant,
    handler(async (req, res) => {
      const applicant = req.applicant!
      const now = clock.now()
      const [used, last, pending] = await Promise.all([
        countChecksOn(db, applicant.id, shanghaiDate(now)),
        lastCheck(db, applicant.id),
        pendingReview(db, applicant.id),
      ])
      res.render(`${VIEWS}/verify.njk`, {
        ...takeForm(req, 'identityVerify', { name: applicant.name }),
        docTypeLabel: docTypeLabel(applicant.doc_type),
        attemptsLeft: Math.max(0, DAILY_VERIFY_ATTEMPTS - used),
        pending,
        verified: isVerified(applicant.identity_status),
        lastFailed: !!last && !last.passed && !pending,
        isIdCard: applicant.doc_type === 'id_card',
      })
    }),
  )

  router.post(
    '/identity/verify',
    requireApplicant,
    handler(async (req, res) => {
      const applicant = req.applicant!
      const limited = await services.rateLimits.consume('verify', clientIp(req))
      if (!limited.ok) {
        flash(req, 'error', MESSAGES.rateLimited)
        return res.redirect(303, '/identity/verify')
      }
      const { value, errors } = checkVerifyForm(req.body)
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'identityVerify', errors, req.body ?? {})

      const outcome = await verifyIdentity(services, applicant.id, value.name, req.actor)
      switch (outcome.kind) {
        case 'passed':
          flash(req, 'success', outcome.nameChanged ? MESSAGES.verifiedNameChanged : MESSAGES.verified)
          break
        case 'failed':
          flash(
            req,
            'error',
            !outcome.nameChanged
              ? MESSAGES.failed
              : outcome.wasVerified
                ? MESSAGES.failedNameChange
                : MESSAGES.failedNameChangeUnverified,
          )
          break
        case 'limit':
          flash(req, 'error', MESSAGES.dailyLimit)
          break
        case 'pending':
          flash(req, 'error', MESSAGES.pending)
          break
        case 'unavailable':
          flash(req, 'error', MESSAGES.unavailable)
          break
      }
      res.redirect(303, '/identity/verify')
    }),
  )

  router.get('/identity/ctid-guide', requireApplicant, (_req, res) => res.render(`${VIEWS}/ctid-guide.njk`))

  // ---------------------------------------------------------------------------------------------
  // 人工审核

  router.get(
    '/identity/review',
    requireApplicant,
    handler(async (req, res) => {
      const applicant = req.applicant!
      const now = clock.now()
      const cycle = halfYearCycle(now)
      const [reviews, refusal, used] = await Promise.all([
        reviewsOf(db, applicant.id),
        reviewRefusal(db, identityOf(applicant), now),
        countReviewsBetween(db, applicant.id, cycle.start, cycle.end),
      ])
      const listed = reviews.map((r) => ({ ...r, statusText: REVIEW_STATUS_LABELS[r.status] }))
      const latest = listed[0]
      const form = takeForm(req, REVIEW_FORM, {
        name: latest?.status === 'rejected' ? latest.name : applicant.name,
        details: latest?.status === 'rejected' ? latest.details : '',
      })
      const photo = await uploadField(db, {
        field: 'photo',
        kind: PHOTO_KIND,
        owner: { kind: 'applicant', id: applicant.id },
        values: form.values,
      })
      res.render(`${VIEWS}/review.njk`, {
        ...form,
        docTypeLabel: docTypeLabel(applicant.doc_type),
        reviews: listed,
        latest,
        refusal,
        verifyFirst: refusal === MESSAGES.reviewVerifyFirst,
        canSubmit: !refusal,
        cycleText: cycleText(now),
        used,
        remaining: Math.max(0, REVIEWS_PER_CYCLE - used),
        photo,
      })
    }),
  )

  router.post(
    '/identity/review',
    requireApplicant,
    handler(async (req, res) => {
      const applicant = req.applicant!
      const owner = { kind: 'applicant', id: applicant.id } as const
      const now = clock.now()
      const refusal = await reviewRefusal(db, identityOf(applicant), now)
      if (refusal) {
        flash(req, 'error', refusal)
        return res.redirect(303, '/identity/review')
      }
      const body = req.body ?? {}
      const { value, errors } = checkReviewForm(body)
      const upload = await receiveUpload(db, req, { field: 'photo', kind: PHOTO_KIND, owner, now })
      const keep = (photoFileId: string) => ({ ...body, photoFileId })

      if (value.action === 'preview') {
        if (upload.status !== 'new')
          return redirectWithErrors(
            req,
            res,
            REVIEW_FORM,
            { photo: uploadError(upload) ?? IMAGE_MESSAGES.missing },
            keep(receivedId(upload)),
          )
        flash(req, 'success', MESSAGES.photoPreviewed)
        return redirectWithErrors(req, res, REVIEW_FORM, {}, keep(upload.file.id))
      }

      const photoError = uploadError(upload)
      if (photoError) errors.photo = photoError
      if (hasErrors(errors) || upload.status === 'none' || upload.status === 'refused') {
        // A good photo is kept while the other fields are corrected, so it need not be chosen again.
        if (upload.status === 'new') flash(req, 'info', MESSAGES.photoKept)
        return redirectWithErrors(req, res, REVIEW_FORM, errors, keep(receivedId(upload)))
      }

      const outcome = await submitReview(
        services,
        applicant.id,
        {
          name: value.name,
          details: value.details,
          draftId: upload.file.id,
        },
        req.actor,
      )
      if (!outcome.ok) {
        const { _form: formError, ...fieldErrors } = outcome.errors
        if (formError) flash(req, 'error', formError)
        return redirectWithErrors(req, res, REVIEW_FORM, fieldErrors, keep(upload.file.id))
      }
      flash(req, 'success', MESSAGES.reviewSubmitted)
      res.redirect(303, '/identity/review')
    }),
  )

  // ---------------------------------------------------------------------------------------------
  // 实名人工审核 queue (identity reviewers and administrators)

  router.get(
    QUEUE,
    reviewerOnly,
    handler(async (req, res) => {
      const { value: filter, errors } = checkQueueQuery(req.query)
      const { rows, total } = await searchReviews(db, filter, filter.page)
      const today = shanghaiDate(clock.now())
      res.render(`${VIEWS}/staff-reviews.njk`, {
        filter,
        // the reviewers' scope is the whole instance
        docViewer: 'scopedStaff' satisfies DocNumberViewer,
        errors,
        errorList: Object.entries(errors).map(([field, text]) => ({ field, text })),
        rows: rows.map((r) => ({
          ...r,
          docTypeText: docTypeLabel(r.doc_type),
          statusText: REVIEW_STATUS_LABELS[r.status],
          overdue: r.status === 'pending' && r.deadline < today,
        })),
        ...queuePages(QUEUE, {
          page: filter.page,
          total,
          pageSize: QUEUE_PAGE_SIZE,
          filter: { status: filter.status, from: filter.from, to: filter.to, q: filter.q },
        }),
        statusOptions: [
          { value: 'pending', text: '审核中' },
          { value: 'approved', text: '审核通过' },
          { value: 'rejected', text: '审核不通过' },
          { value: 'all', text: '全部' },
        ],
      })
    }),
  )

  router.get(
    `${QUEUE}/:id`,
    reviewerOnly,
    handler(async (req, res, next) => {
      const id = idOf(req.params.id)
      const review = id === null ? undefined : await findReview(db, id)
      if (!review) return next()
      await recordStaffView(services, req, { applicantId: review.applicant_id, what: 'identity_review' })
      const history = (await reviewsOf(db, review.applicant_id)).filter((r) => r.id !== review.id)
      res.render(`${VIEWS}/staff-review.njk`, {
        ...takeForm(req, DECISION_FORM, { version: review.version }),
        docViewer: 'scopedStaff' satisfies DocNumberViewer,
        review: {
          ...review,
          docTypeText: docTypeLabel(review.doc_type),
          statusText: REVIEW_STATUS_LABELS[review.status],
          overdue: review.status === 'pending' && review.deadline < shanghaiDate(clock.now()),
        },
        history: history.map((r) => ({ ...r, statusText: REVIEW_STATUS_LABELS[r.status] })),
        decisionOptions: Object.entries(DECISION_LABELS).map(([value, text]) => ({ value, text })),
      })
    }),
  )

  addDecisionRoute(router, {
    base: QUEUE,
    guard: reviewerOnly,
    formKey: DECISION_FORM,
    check: checkDecisionForm,
    decide: (reviewer, id, value) => decideReview(services, reviewer, id, value),
    decided: MESSAGES.decided,
  })

  return router
}

const identityOf = (a: { id: number; identity_status: string }) => ({
  id: Number(a.id),
  identity_status: a.identity_status as IdentityStatus,
})
