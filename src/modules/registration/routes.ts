import { Router, type Request } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireVerified } from '../../middleware/auth'
import { registrationCycle, statusLabel } from '../../domain/registration'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate } from '../../web/formValidation'
import { receiveUpload, uploadField } from '../../web/uploadFields'
import { windowLines } from '../applications/wizardSteps'
import * as m from './messages'
import { addCertificateSchema } from './schemas'
import {
  addCertificateLists,
  activeRegistrationNow,
  certificateSubjectOffered,
  reminderView,
} from './applyService'
import { addCertificate, closedSeason } from './service'
import { BASE, STEP_BAR } from './steps'
import { CLOSED, PREFILL, RECORDS, registrationWizard } from './wizard'
import { param } from '../../web/values'
import { bookingNote } from '../booking/service'

export { RECORDS } from './wizard'
export const START = '/registration/start'
const ADD_EXPLAIN = '/registration/certificates/add'
const ADD_FORM = '/registration/certificates/new'

/** 定期注册: the wizard (/registration/apply/...), 添加证书, the reminder and the minimal record page. */
export function registrationRoutes(services: Services): Router {
  const { db, clock } = services
  const engine = registrationWizard(services)

  const router = Router()
  router.use(['/registration'], requireApplicant, requireVerified)

  // 报名: a new run unless this cycle already has an application (then its record).
  router.get(
    START,
    handler(async (req, res) => {
      const active = await activeRegistrationNow(services, req.applicant!.id)
      if (active) {
        flash(
          req,
          'info',
          m.alreadyApplied(active.number, registrationCycle(clock.now()), statusLabel(active.status)),
        )
        return res.redirect(303, `${RECORDS}/${active.id}`)
      }
      if (await closedSeason(services)) return res.redirect(303, CLOSED)
      res.redirect(303, engine.start(req, PREFILL))
    }),
  )

  router.use(engine.router)

  // Closed for the season (no authority chosen), or the chosen authority's window closed: when the
  // window was and what to do.
  router.get(
    CLOSED,
    handler(async (req, res) => {
      const now = clock.now()
      const authority = req.query.authority
        ? await services.bureau.registration.authority(db, Number(req.query.authority))
        : undefined
      if (!authority) {
        const season = await closedSeason(services)
        return res.render('pages/registration/closed.njk', {
          pageTitle: m.SEASON_TITLE,
          title: season ? m.SEASON_TITLE : m.WINDOW_CLOSED,
          lines: season?.lines ?? [],
          todo: m.SEASON_WHAT_TO_DO,
          links: [
            { text: '须知', href: '/platform/registration/notice' },
            { text: '网报时间查询', href: '/registration/schedule' },
          ],
        })
      }
      const window = await services.bureau.registration.windowFor(db, authority.id)
      const said = windowLines(window, now)
      res.render('pages/registration/closed.njk', {
        pageTitle: m.WINDOW_CLOSED,
        title: m.WINDOW_CLOSED,
        authorityLabel: '注册机构',
        authority,
        lines: [said.when],
        todo: said.todo,
        links: [{ text: '重新选择注册机构', href: `${BASE}/authority` }],
      })
    }),
  )

  // ---- 添加教师资格证书信息 --------------------------------------------------------------------------

  router.get(ADD_EXPLAIN, (_req, res) =>
    res.render('pages/registration/add-explanation.njk', {
      pageTitle: '教师资格证添加说明',
      explanation: m.ADD_EXPLANATION,
      checks: m.ADD_CHECKS,
      firstRegistration: m.ADD_FIRST_REGISTRATION,
      cancelHref: `${BASE}/certificate`,
      addHref: ADD_FORM,
    }),
  )

  const photoIdsOf = (values: Record<string, unknown>): string[] =>
    (Array.isArray(values.photoIds) ? values.photoIds : values.photoIds ? [values.photoIds] : []).filter(
      (x): x is string => typeof x === 'string' && /^[0-9a-f-]{36}$/i.test(x),
    )

  router.get(
    ADD_FORM,
    handler(async (req, res) => {
      const applicant = req.applicant!
      const form = takeForm(req, 'registration:add-certificate', {})
      const provinceCode = param(form.values.provinceCode)
      res.render('pages/registration/add-certificate.njk', {
        ...form,
        pageTitle: '教师资格证书信息',
        ...(await addCertificateLists(services, provinceCode)),
        photos: photoIdsOf(form.values),
        upload: await uploadField(db, { field: 'photo', kind: 'certificate_photo', owner: owner(req) }),
        holder: { name: applicant.name, docNumber: applicant.doc_number },
        holderHint: m.ADD_HOLDER_HINT,
        photoHint: m.ADD_PHOTO_HINT,
        bringOriginal: m.ADD_BRING_ORIGINAL,
        cancelHref: `${BASE}/certificate`,
      })
    }),
  )

  const owner = (req: Request) => ({ kind: 'applicant' as const, id: req.applicant!.id })

  router.post(
    ADD_FORM,
    handler(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>
      const action = param(body.action)
      const photos = photoIdsOf(body)
      const key = 'registration:add-certificate'
      // 上传证书照片 / 添加补充照片 (and the province → city refresh): the page again, nothing saved yet.
      if (action === 'upload' || action === 'refresh') {
        const errors: Record<string, string> = {}
        if (action === 'upload') {
          const received = await receiveUpload(db, req, {
            field: 'photo',
            kind: 'certificate_photo',
            owner: owner(req),
            now: clock.now(),
          })
          if (received.status === 'new') photos.push(received.file.id)
          else if (received.status === 'refused') errors.photo = received.error
          else errors.photo = '请选择证书照片'
        }
        return redirectWithErrors(req, res, key, errors, { ...body, photoIds: photos }, ADD_FORM)
      }
      const { value, errors } = validate(addCertificateSchema, body)
      if (!errors.subject && !(await certificateSubjectOffered(services, value.subject)))
        errors.subject = m.ADD_SUBJECT_UNKNOWN
      if (!photos.length) errors.photo = '请上传证书照片（图片大小小于190KB，格式为JPG）'
      if (hasErrors(errors))
        return redirectWithErrors(req, res, key, errors, { ...body, photoIds: photos }, ADD_FORM)
      const outcome = await addCertificate(db, services, {
        applicant: req.applicant!,
        actor: req.actor,
        values: value as Parameters<typeof addCertificate>[2]['values'],
        photoFileIds: photos,
      })
      if (!outcome.ok)
        return redirectWithErrors(
          req,
          res,
          key,
          { [outcome.field]: outcome.error },
          { ...body, photoIds: photos },
          ADD_FORM,
        )
      res.redirect(303, `${BASE}/certificate`)
    }),
  )

  // ---- the record and the 申报提醒 -------------------------------------------------------------------

  // The record itself (详情), 修改, 有留言 and the rest: recordRoutes.ts.
  router.get(
    `${RECORDS}/:id/reminder`,
    handler(async (req, res, next) => {
      const view = await reminderView(services, Number(req.params.id), req.applicant!.id)
      if (!view) return next()
      res.set('Cache-Control', 'no-store')
      res.render('pages/registration/reminder.njk', {
        ...view,
        booking: await bookingNote(db, 'registration', view.row),
        pageTitle: `申报提醒 - ${m.WIZARD_TITLE}`,
        stepBar: STEP_BAR.map((s, i) => ({
          label: s.label,
          current: i === STEP_BAR.length - 1,
          done: i < STEP_BAR.length - 1,
        })),
      })
    }),
  )

  return router
}
