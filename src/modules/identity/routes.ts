import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { requireApplicant, requireStaff } from '../../middleware/auth'
import { DOC_TYPE_LABELS, type DocType } from '../../domain/idNumber'
import { isVerified, type IdentityStatus } from '../../domain/identity'
import { formatBytes, IMAGE_MESSAGES, IMAGE_RULES } from '../../domain/imageRules'
import { rolesFor } from '../../domain/roles'
import { halfYearCycle, shanghaiDate } from '../../domain/time'
import { clientIp, handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, type FieldErrors } from '../../web/forms'
import {
  fileForViewer,
  findDraft,
  prepareImage,
  storeImage,
  type Prepared,
  type StoredFileInfo,
} from '../../services/uploads'
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
import { decideReview, reviewRefusal, submitReview, verifyIdentity, type RequestContext } from './service'
import {
  decodeCsv,
  exportRegistry,
  importRegistry,
  parseRegistryCsv,
  REGISTRY_HEADER,
  REGISTRY_TEMPLATE,
  registryStats,
} from './registry'

// 实名核验 and 人工审核 for applicants (/identity/...), the reviewers' queue and the administrators'
// identity registry (/staff/identity-...), and GET /files/:id, which serves stored uploads to
// their owner and to staff whose role covers the file's kind.

const VIEWS = 'pages/identity'
const REVIEW_FORM = 'identityReview'
const DECISION_FORM = 'identityDecision'
const REGISTRY_FORM = 'identityRegistry'
const PHOTO_KIND = 'identity_review_photo'
const SHOWN_PROBLEMS = 200

const context = (req: Request): RequestContext => ({ ip: clientIp(req), userAgent: req.get('user-agent') })

const staffActor = (req: Request): Actor => ({
  kind: 'staff',
  id: Number(req.staff!.id),
  label: req.staff!.username,
  ip: clientIp(req),
  userAgent: req.get('user-agent') ?? null,
})

const idParam = (req: Request): number | null =>
  /^\d{1,15}$/.test(String(req.params.id)) ? Number(req.params.id) : null

/** The file a multipart form sent in `field`, if any (multer has parsed every multipart body). */
function uploadedFile(req: Request, field: string): Express.Multer.File | undefined {
  const files = Array.isArray(req.files) ? req.files : []
  return files.find((f) => f.fieldname === field && f.size > 0)
}

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
  const adminOnly = requireStaff(...rolesFor('identity.registry'))

  // ---------------------------------------------------------------------------------------------
  // Stored files. Anyone who may not open a file is told it does not exist.

  router.get(
    '/files/:id',
    handler(async (req, res, next) => {
      const file = await fileForViewer(db, String(req.params.id), {
        applicant: req.applicant,
        staff: req.staff,
      })
      if (!file) return next()
      res.set({
        'Content-Type': file.mime,
        'Content-Length': String(file.content.length),
        'Content-Disposition': `inline; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      })
      res.send(file.content)
    }),
  )

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

      const outcome = await verifyIdentity(services, applicant.id, value.name, context(req))
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
      const draft = await findDraft(
        db,
        form.values.photoFileId,
        { kind: 'applicant', id: applicant.id },
        PHOTO_KIND,
      )
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
        draft: draft && describeDraft(draft),
        photoRule: { maxBytes: formatBytes(IMAGE_RULES[PHOTO_KIND].maxBytes) },
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
      const file = uploadedFile(req, 'photo')
      let prepared: Prepared | undefined
      if (res.locals.uploadError) errors.photo = res.locals.uploadError as string
      else if (file) {
        prepared = await prepareImage(PHOTO_KIND, file.buffer)
        if (!prepared.ok) errors.photo = prepared.error
      }
      const keep = (photoFileId: string) => ({ ...body, photoFileId })

      if (value.action === 'preview') {
        if (!prepared?.ok)
          return redirectWithErrors(
            req,
            res,
            REVIEW_FORM,
            { photo: errors.photo ?? IMAGE_MESSAGES.missing },
            body,
          )
        const stored = await storeImage(db, prepared.image, owner, { now, draft: true })
        flash(req, 'success', MESSAGES.photoPreviewed)
        return redirectWithErrors(req, res, REVIEW_FORM, {}, keep(stored.id))
      }

      const draft = prepared ? undefined : await findDraft(db, value.photoFileId, owner, PHOTO_KIND)
      if (!prepared && !draft && !errors.photo) errors.photo = IMAGE_MESSAGES.missing
      if (hasErrors(errors)) {
        // A good photo is kept while the other fields are corrected, so it need not be chosen again.
        if (prepared?.ok) {
          const stored = await storeImage(db, prepared.image, owner, { now, draft: true })
          flash(req, 'info', MESSAGES.photoKept)
          return redirectWithErrors(req, res, REVIEW_FORM, errors, keep(stored.id))
        }
        return redirectWithErrors(req, res, REVIEW_FORM, errors, keep(value.photoFileId))
      }

      const outcome = await submitReview(
        services,
        applicant.id,
        {
          name: value.name,
          details: value.details,
          photo: prepared?.ok ? prepared.image : undefined,
          draftId: draft?.id,
        },
        context(req),
      )
      if (!outcome.ok) {
        const { _form: formError, ...fieldErrors } = outcome.errors
        if (formError) flash(req, 'error', formError)
        return redirectWithErrors(req, res, REVIEW_FORM, fieldErrors, keep(''))
      }
      flash(req, 'success', MESSAGES.reviewSubmitted)
      res.redirect(303, '/identity/review')
    }),
  )

  // ---------------------------------------------------------------------------------------------
  // 实名人工审核 queue (identity reviewers and administrators)

  router.get(
    '/staff/identity-reviews',
    reviewerOnly,
    handler(async (req, res) => {
      const { value: filter, errors } = checkQueueQuery(req.query)
      const { rows, total } = await searchReviews(db, filter, filter.page)
      const today = shanghaiDate(clock.now())
      const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE))
      const query = (page: number) =>
        new URLSearchParams({
          status: filter.status,
          from: filter.from,
          to: filter.to,
          q: filter.q,
          page: String(page),
        })
      res.render(`${VIEWS}/staff-reviews.njk`, {
        filter,
        errors,
        errorList: Object.entries(errors).map(([field, text]) => ({ field, text })),
        rows: rows.map((r) => ({
          ...r,
          docTypeText: docTypeLabel(r.doc_type),
          statusText: REVIEW_STATUS_LABELS[r.status],
          overdue: r.status === 'pending' && r.deadline < today,
        })),
        total,
        page: filter.page,
        pages,
        prevHref: filter.page > 1 ? `/staff/identity-reviews?${query(filter.page - 1)}` : null,
        nextHref: filter.page < pages ? `/staff/identity-reviews?${query(filter.page + 1)}` : null,
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
    '/staff/identity-reviews/:id',
    reviewerOnly,
    handler(async (req, res, next) => {
      const id = idParam(req)
      const review = id === null ? undefined : await findReview(db, id)
      if (!review) return next()
      const history = (await reviewsOf(db, review.applicant_id)).filter((r) => r.id !== review.id)
      res.render(`${VIEWS}/staff-review.njk`, {
        ...takeForm(req, DECISION_FORM, { version: review.version }),
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

  router.post(
    '/staff/identity-reviews/:id',
    reviewerOnly,
    handler(async (req, res, next) => {
      const id = idParam(req)
      if (id === null) return next()
      const back = `/staff/identity-reviews/${id}`
      const { value, errors } = checkDecisionForm(req.body)
      if (hasErrors(errors)) return redirectWithErrors(req, res, DECISION_FORM, errors, req.body ?? {}, back)
      const staff = { id: Number(req.staff!.id), username: req.staff!.username }
      const outcome = await decideReview(services, staff, id, value, context(req))
      if (!outcome.ok) {
        flash(req, 'error', outcome.error)
        return res.redirect(303, back)
      }
      flash(req, 'success', MESSAGES.decided)
      res.redirect(303, '/staff/identity-reviews')
    }),
  )

  // ---------------------------------------------------------------------------------------------
  // 身份信息库 import and export (administrators)

  router.get(
    '/staff/identity-registry',
    adminOnly,
    handler(async (req, res) => {
      res.render(`${VIEWS}/registry.njk`, {
        ...takeForm(req, REGISTRY_FORM),
        stats: await registryStats(db),
        header: REGISTRY_HEADER.join(','),
        docTypes: Object.values(DOC_TYPE_LABELS),
      })
    }),
  )

  router.get('/staff/identity-registry/template.csv', adminOnly, (_req, res) => {
    csvResponse(res, 'identity-registry-template.csv', REGISTRY_TEMPLATE)
  })

  router.get(
    '/staff/identity-registry/export.csv',
    adminOnly,
    handler(async (req, res) => {
      const { csv } = await exportRegistry(services, staffActor(req))
      csvResponse(res, `identity-registry-${shanghaiDate(clock.now())}.csv`, csv)
    }),
  )

  router.post(
    '/staff/identity-registry',
    adminOnly,
    handler(async (req, res) => {
      const fail = (errors: FieldErrors, problems: string[] = [], problemCount = 0) =>
        redirectWithErrors(req, res, REGISTRY_FORM, errors, { problems, problemCount })
      if (res.locals.uploadError) return fail({ file: '文件过大，请上传不超过10MB的CSV文件' })
      const file = uploadedFile(req, 'file')
      if (!file) return fail({ file: '请选择要导入的CSV文件' })
      const text = decodeCsv(file.buffer)
      if (text === null)
        return fail({
          file: '文件不是UTF-8编码。请在Excel中选择“另存为”，保存类型选“CSV UTF-8（逗号分隔）”后重新上传',
        })
      const { rows, problems } = parseRegistryCsv(text, clock.now())
      if (problems.length)
        return fail(
          { file: MESSAGES.registryHasErrors(problems.length) },
          problems.slice(0, SHOWN_PROBLEMS).map((p) => p.message),
          problems.length,
        )
      const { inserted, updated } = await importRegistry(services, rows, staffActor(req), file.originalname)
      flash(req, 'success', MESSAGES.registryImported(rows.length, inserted, updated))
      res.redirect(303, '/staff/identity-registry')
    }),
  )

  return router
}

const identityOf = (a: { id: number; identity_status: string }) => ({
  id: Number(a.id),
  identity_status: a.identity_status as IdentityStatus,
})

function describeDraft(d: StoredFileInfo) {
  return { id: d.id, size: formatBytes(d.size), width: d.width, height: d.height }
}

function csvResponse(res: Response, filename: string, csv: string): void {
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
  })
  res.send(csv)
}
