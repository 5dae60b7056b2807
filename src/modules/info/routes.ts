import { Router } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireVerified } from '../../middleware/auth'
import { DOC_TYPE_LABELS, type DocType } from '../../domain/idNumber'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm } from '../../web/formValidation'
import {
  CERTIFICATE_NOTE,
  DEGREE_NOTE,
  EXAM_MISSING_NOTE,
  EXAM_NOTE,
  MESSAGES,
  NO_DEGREE_NOTE,
} from './messages'
import {
  certificatesOf,
  countItems,
  examPassesOf,
  findItem,
  itemsOf,
  lastSync,
  lockedIds,
  refNames,
  studentStatusOf,
} from './repository'
import { checkVerify } from './schemas'
import {
  deleteInfoItem,
  refreshCertificates,
  syncCertificates,
  syncStudentStatus,
  verifyByNumber,
} from './service'
import { returnKeyOf } from './returns'

import { infoItemFormRoutes } from './itemFormRoutes'
import { infoReviewRoutes } from './reviewRoutes'
import { afterAdd, body, itemRows, PATHS, person, returnLocals, statusTag, TITLES, VIEWS } from './pages'
import { idOf } from '../../web/values'

// 个人信息中心 (/info/...) for verified applicants: the home page, the read-only modules (考试,
// 证书), the lists of 普通话 / 学历 / 学位 and 核验 by number; the hand-entered items' forms
// (itemFormRoutes.ts) and the staff's 信息核验 queue (reviewRoutes.ts) are mounted here too. Item pages
// look items up by id AND the signed-in applicant, so another account's ids answer 404.

export function infoRoutes(services: Services): Router {
  const router = Router()
  const { db } = services
  const applicantOnly = [requireApplicant, requireVerified]
  router.use('/info', ...applicantOnly)

  // ---------------------------------------------------------------------------------------------
  // Home and the read-only modules

  router.get(
    '/info',
    handler(async (req, res) => {
      const a = req.applicant!
      await refreshCertificates(services, person(req))
      const [counts, exams, certificates] = await Promise.all([
        countItems(db, a.id),
        examPassesOf(db, person(req)),
        certificatesOf(db, a.id),
      ])
      res.render(`${VIEWS}/home.njk`, {
        docTypeLabel: DOC_TYPE_LABELS[a.doc_type as DocType] ?? a.doc_type,
        modules: [
          { href: '/info/exams', title: '教师资格考试信息', count: exams.length },
          { href: '/info/mandarin', title: '普通话证书信息', count: counts.mandarin ?? 0 },
          { href: '/info/education', title: '学历学籍信息', count: counts.education ?? 0 },
          { href: '/info/degrees', title: '学位证书信息', count: counts.degree ?? 0 },
          { href: '/info/certificates', title: '教师资格证书信息', count: certificates.length },
        ],
      })
    }),
  )

  router.get(
    '/info/exams',
    handler(async (req, res) => {
      const [passes, types, subjects] = await Promise.all([
        examPassesOf(db, person(req)),
        refNames(db, 'qualification_type'),
        refNames(db, 'subject'),
      ])
      res.render(`${VIEWS}/exams.njk`, {
        passes: passes.map((p) => ({
          ...p,
          typeText: types.get(p.qualification_type) ?? p.qualification_type,
          subjectText: subjects.get(p.subject) ?? p.subject,
        })),
        note: EXAM_NOTE,
        missingNote: EXAM_MISSING_NOTE,
      })
    }),
  )

  router.get(
    '/info/certificates',
    handler(async (req, res) => {
      const who = person(req)
      await refreshCertificates(services, who)
      const [certs, syncedAt, types, subjects] = await Promise.all([
        certificatesOf(db, who.id),
        lastSync(db, who.id, 'certificates'),
        refNames(db, 'qualification_type'),
        refNames(db, 'subject_code'),
      ])
      res.render(`${VIEWS}/certificates.njk`, {
        certs: certs.map((c) => ({
          ...c,
          typeText: types.get(c.qualification_type) ?? c.qualification_type,
          subjectText: subjects.get(c.subject) ?? c.subject,
        })),
        syncedAt,
        note: CERTIFICATE_NOTE,
      })
    }),
  )

  router.post(
    '/info/certificates/sync',
    handler(async (req, res) => {
      await syncCertificates(services, person(req), req.actor)
      flash(req, 'success', MESSAGES.certificatesSynced)
      res.redirect(303, '/info/certificates')
    }),
  )

  router.post(
    '/info/education/student-status/sync',
    handler(async (req, res) => {
      const n = await syncStudentStatus(services, person(req), req.actor)
      flash(req, n ? 'success' : 'info', n ? MESSAGES.studentStatusSynced : MESSAGES.studentStatusNone)
      res.redirect(303, '/info/education')
    }),
  )

  // ---------------------------------------------------------------------------------------------
  // Lists of 普通话 / 学历 / 学位

  for (const kind of ['mandarin', 'education', 'degree'] as const) {
    const base = `/info/${PATHS[kind]}`

    router.get(
      base,
      handler(async (req, res) => {
        const who = person(req)
        const [items, locked] = await Promise.all([itemsOf(db, who.id, kind), lockedIds(db, who.id)])
        const studentStatus = kind === 'education' ? await studentStatusOf(db, who.id) : []
        res.render(`${VIEWS}/list.njk`, {
          kind,
          base,
          title: TITLES[kind],
          items: items.map((i) => ({
            ...i,
            rows: itemRows(i),
            status: statusTag(i.status),
            locked: locked.has(`${kind}:${i.id}`),
          })),
          studentStatus,
          studentSyncedAt: kind === 'education' ? await lastSync(db, who.id, 'student_status') : undefined,
          degreeNote: DEGREE_NOTE,
          noDegreeNote: NO_DEGREE_NOTE,
        })
      }),
    )

    router.get(
      `${base}/:id`,
      handler(async (req, res, next) => {
        const id = idOf(req.params.id)
        const item = id === null ? undefined : await findItem(db, person(req).id, kind, id)
        if (!item) return next()
        const locked = (await lockedIds(db, item.applicant_id)).has(`${kind}:${item.id}`)
        res.render(`${VIEWS}/item.njk`, {
          kind,
          base,
          title: TITLES[kind],
          item,
          rows: itemRows(item),
          status: statusTag(item.status),
          locked,
          editable: !locked && item.source === 'manual',
        })
      }),
    )

    router.post(
      `${base}/:id/delete`,
      handler(async (req, res, next) => {
        const id = idOf(req.params.id)
        if (id === null) return next()
        const outcome = await deleteInfoItem(services, person(req), kind, id, req.actor)
        if (!outcome.ok) {
          if (outcome.error === 'not_found') return next()
          flash(req, 'error', outcome.error)
          return res.redirect(303, `${base}/${id}`)
        }
        flash(req, 'success', MESSAGES.deleted)
        res.redirect(303, base)
      }),
    )
  }

  // ---------------------------------------------------------------------------------------------
  // 核验证书 / 核验学历 by number

  for (const kind of ['mandarin', 'education'] as const) {
    const base = `/info/${PATHS[kind]}`
    const formKey = `info-${kind}-verify`
    const label = kind === 'mandarin' ? '证书编号' : '学历证书编号'

    router.get(`${base}/verify`, (req, res) => {
      res.render(`${VIEWS}/verify.njk`, {
        ...takeForm(req, formKey),
        ...returnLocals(returnKeyOf(req.query.return), base),
        kind,
        base,
        title: TITLES[kind],
        label,
      })
    })

    router.post(
      `${base}/verify`,
      handler(async (req, res) => {
        const { value, errors } = checkVerify(body(req), label)
        if (hasErrors(errors)) return redirectWithErrors(req, res, formKey, errors, body(req))
        const outcome = await verifyByNumber(services, person(req), kind, value.certNumber, req.actor)
        if (!outcome.ok)
          return redirectWithErrors(req, res, formKey, { certNumber: outcome.error }, body(req))
        flash(req, 'success', kind === 'mandarin' ? MESSAGES.mandarinVerified : MESSAGES.educationVerified)
        afterAdd(req, res, returnKeyOf(req.query.return), base, { kind, id: outcome.id })
      }),
    )
  }

  router.use(infoItemFormRoutes(services))
  router.use(infoReviewRoutes(services))
  return router
}
