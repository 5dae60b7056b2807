import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { sendPdfForms } from '../../services/forms'
import { requireApplicant, requireVerified } from '../../middleware/auth'
import { certificationStatusLabel } from '../../domain/certification'
import { maskDocNumber } from '../../domain/idNumber'
import { shanghaiDateTime } from '../../domain/time'
import { clientIp, handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate, type FieldErrors } from '../../web/forms'
import type { Values } from '../../web/wizard/types'
import { registerApplicationFinder } from '../verify/finders'
import { certificationDetail } from './detail'
import { certificationFormsPdf } from './form'
import {
  certificationMessages,
  editRefusal,
  myRecords,
  recordActions,
  RECORD_BASE,
  saveApplicantEdit,
  STATUS_EXPLANATIONS,
} from './records'
import { applicationOf, refOptions, type ApplicationRow } from './repository'
import { informationSchema } from './schemas'
import { INFO_LISTS, certificationSteps } from './steps'

// 教师资格认定信息 and everything reached from it: 详情, 修改 (认定信息, only while 网报待确认), 申请表
// and 有留言. Every :id is looked up with the applicant's id: another applicant's application does
// not exist.

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v))

// The printed form's QR code opens /verify?no=<报名号>: number, masked name and 认定状态.
registerApplicationFinder('certification', async (db, number) => {
  const row = await db('certification_applications').where({ number }).first('status', 'data')
  if (!row) return null
  const identity = (row.data?.identity ?? {}) as Record<string, unknown>
  return { business: '教师资格认定', name: str(identity.name), status: certificationStatusLabel(row.status) }
})

/** One or many applications' 申请表 as one PDF (inline to preview, or as a download). */
export function sendCertificationForms(
  req: Request,
  res: Response,
  services: Services,
  rows: ApplicationRow[],
  opts: { account: string; filename: string; download: boolean; back: string },
): Promise<void> {
  return sendPdfForms(res, services, {
    ...opts,
    render: () => certificationFormsPdf(req, services, rows),
  })
}

const actorOf = (req: Request): Actor => ({
  kind: 'applicant',
  id: Number(req.applicant!.id),
  label: maskDocNumber(req.applicant!.doc_number),
  ip: clientIp(req),
  userAgent: req.get('user-agent'),
})

/** Fields 修改 offers: 认定信息's answers (the photo and the rest stay as submitted). */
const EDITABLE = [
  'ethnicity',
  'political',
  'majorCategory',
  'studyForm',
  'employer',
  'occupation',
  'technicalTitle',
  'household',
  'birthplace',
  'address',
  'postcode',
  'telephone',
  'mobile',
]

export function certificationRecordRoutes(services: Services): Router {
  const { db, clock } = services
  const router = Router()
  const informationStep = certificationSteps(services).find((s) => s.path === 'information')!
  const labels = new Map((informationStep.fields ?? []).map((f) => [f.name, f.label]))
  router.use(RECORD_BASE, requireApplicant, requireVerified)

  const mine = (req: Request) => applicationOf(db, Number(req.params.id), Number(req.applicant!.id))
  const noStore = (res: Response) => res.set('Cache-Control', 'no-store')

  router.get(
    RECORD_BASE,
    handler(async (req, res) => {
      noStore(res)
      const records = await myRecords(db, Number(req.applicant!.id), clock.now())
      res.render('pages/certification/records.njk', {
        pageTitle: '教师资格认定信息',
        records: records.map((r) => ({ ...r, actions: recordActions(r) })),
        explanations: STATUS_EXPLANATIONS,
      })
    }),
  )

  router.get(
    `${RECORD_BASE}/:id`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      noStore(res)
      const [record] = (await myRecords(db, Number(req.applicant!.id), clock.now())).filter(
        (r) => r.id === Number(row.id),
      )
      res.render('pages/certification/record.njk', {
        ...(await certificationDetail(req, services, row)),
        pageTitle: `教师资格认定信息 - ${row.number}`,
        actions: record ? recordActions(record) : [],
      })
    }),
  )

  // ---- 修改 -------------------------------------------------------------------------------------------

  const editFields = async () =>
    Promise.all(
      EDITABLE.map(async (name) => ({
        name,
        label: labels.get(name) ?? name,
        kind: INFO_LISTS[name] ? ('select' as const) : ('text' as const),
        options: INFO_LISTS[name] ? await refOptions(db, INFO_LISTS[name]) : [],
        required: name !== 'telephone',
      })),
    )

  router.get(
    `${RECORD_BASE}/:id/edit`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      noStore(res)
      const refusal = await editRefusal(db, row, clock.now())
      if (refusal) {
        flash(req, 'error', refusal)
        return res.redirect(303, `${RECORD_BASE}/${row.id}`)
      }
      const form = takeForm(req, `certification:edit:${row.id}`, { ...row.data, version: row.version })
      res.render('pages/certification/record-edit.njk', {
        ...form,
        pageTitle: `修改报名信息 - ${row.number}`,
        row,
        fields: await editFields(),
        highlighted: row.correction?.fields ?? [],
        note: row.correction?.note ?? '',
      })
    }),
  )

  router.post(
    `${RECORD_BASE}/:id/edit`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      const body = (req.body ?? {}) as Record<string, unknown>
      const key = `certification:edit:${row.id}`
      const here = `${RECORD_BASE}/${row.id}/edit`
      const refusal = await editRefusal(db, row, clock.now())
      if (refusal) {
        flash(req, 'error', refusal)
        return res.redirect(303, `${RECORD_BASE}/${row.id}`)
      }
      const posted = Object.fromEntries(EDITABLE.map((k) => [k, str(body[k])]))
      const { value, errors } = validate<Values>(informationSchema, posted)
      const more: FieldErrors = {}
      for (const [field, kind] of Object.entries(INFO_LISTS))
        if (!errors[field] && !(await refOptions(db, kind)).some((o) => o.value === value[field]))
          more[field] = '请从列表中选择'
      if (!errors.technicalTitle && row.qualification_type === '6' && str(value.technicalTitle) === '无')
        more.technicalTitle =
          '申请中等职业学校实习指导教师资格，还应当具有相当助理工程师以上专业技术职务或者中级以上工人技术等级。'
      Object.assign(errors, more)
      const kept = { ...posted, version: str(body.version) }
      if (hasErrors(errors)) return redirectWithErrors(req, res, key, errors, kept, here)
      const changes = Object.fromEntries(EDITABLE.map((k) => [k, value[k] ?? '']))
      const outcome = await saveApplicantEdit(services, {
        applicationId: Number(row.id),
        applicantId: Number(req.applicant!.id),
        version: Number(body.version),
        changes,
        actor: actorOf(req),
      })
      if (!outcome.ok) return redirectWithErrors(req, res, key, { _form: outcome.error }, kept, here)
      flash(req, 'success', '报名信息已修改。请预览《教师资格认定申请表》，确认信息正确。')
      res.redirect(303, `${RECORD_BASE}/${row.id}`)
    }),
  )

  // ---- 申请表预览/下载 and 有留言 ---------------------------------------------------------------------

  router.get(
    `${RECORD_BASE}/:id/form`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      await sendCertificationForms(req, res, services, [row], {
        account: `applicant:${req.applicant!.id}`,
        filename: `教师资格认定申请表-${row.number}.pdf`,
        download: req.query.download === '1',
        back: `${RECORD_BASE}/${row.id}`,
      })
    }),
  )

  router.get(
    `${RECORD_BASE}/:id/messages`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      noStore(res)
      const messages = await certificationMessages.list(db, Number(row.id))
      await certificationMessages.markRead(db, Number(row.id), clock.now())
      res.render('pages/certification/record-messages.njk', {
        pageTitle: `留言 - ${row.number}`,
        row,
        messages: messages.map((m) => ({ ...m, at: shanghaiDateTime(m.created_at), unread: !m.read_at })),
      })
    }),
  )

  return router
}
