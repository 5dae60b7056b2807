import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { requireApplicant, requireVerified } from '../../middleware/auth'
import { DOC_TYPE_LABELS, maskDocNumber, type DocType } from '../../domain/idNumber'
import { statusLabel } from '../../domain/registration'
import { shanghaiDateTime } from '../../domain/time'
import { clientIp, handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate, type FieldErrors } from '../../web/forms'
import { answerSections } from '../../web/wizard/review'
import { draftField, receiveUpload, receivedId, uploadField } from '../../web/uploads'
import type { FileOwner } from '../../services/uploads'
import { sendPdfForms } from '../../services/forms'
import type { Step, Values } from '../../web/wizard/types'
import { bureau } from './bureau'
import {
  changeAuthority,
  editRefusal,
  authorityChangeOpen,
  markMessagesRead,
  messagesOf,
  myRecords,
  recordActions,
  RECORD_BASE,
  saveApplicantEdit,
  STATUS_EXPLANATIONS,
} from './records'
import { registerApplicationFinder } from '../verify/finders'
import { registrationFormsPdf } from './form'
import { refOptions, registrationOf, subjectNames, type RegistrationRow } from './repository'
import { authoritySchema, informationSchema } from './schemas'
import { INFO_LISTS, MANDARIN_OPTIONS, registrationSteps } from './steps'

// 我的注册 and everything reached from it: 详情, 修改, 重新选择注册机构 (选错注册机构), 申请表 and 有留言.
// Every :id is looked up with the applicant's id: another applicant's application does not exist.

// The printed form's QR code opens /verify?no=<注册报名号>: number, masked name and 注册结论.
registerApplicationFinder('registration', async (db, number) => {
  const row = await db('registrations').where({ number }).first('status', 'data')
  if (!row) return null
  const identity = (row.data?.identity ?? {}) as Record<string, unknown>
  return { business: '教师资格定期注册', name: str(identity.name), status: statusLabel(row.status) }
})

/**
 * Sends one or many registrations' 申请表 as one PDF (inline to preview, or as a download), after
 * the per-account limit; a render failure answers 503 with a page, never a broken file.
 */
export async function sendRegistrationForms(
  req: Request,
  res: Response,
  services: Services,
  rows: RegistrationRow[],
  opts: { account: string; filename: string; download: boolean; back: string },
): Promise<void> {
  await sendPdfForms(res, services, {
    ...opts,
    render: () => registrationFormsPdf(req, services, rows),
  })
}

const actorOf = (req: Request): Actor => ({
  kind: 'applicant',
  id: req.applicant!.id,
  label: maskDocNumber(req.applicant!.doc_number),
  ip: clientIp(req),
  userAgent: req.get('user-agent'),
})

const PHOTO = { field: 'photo', kind: 'id_photo' } as const
const ownerOf = (req: Request): FileOwner => ({ kind: 'applicant', id: req.applicant!.id })

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v))

/**
 * Everything an application holds, for the applicant's 详情 and the staff detail page: the identity
 * and certificate snapshots, every wizard answer labelled as the review page labels it (fields named
 * by a 退回修改 highlighted), the status history.
 */
export async function registrationDetail(req: Request, services: Services, row: RegistrationRow) {
  const { db } = services
  const data = row.data as Values
  const identity = (data.identity ?? {}) as Record<string, unknown>
  const sections = await answerSections(req, registrationSteps(services), data, {
    highlighted: row.correction?.fields,
  })
  const types = await refOptions(db, 'qualification_type')
  const cert = row.cert as Record<string, unknown>
  const history = await db('registration_status_history')
    .where({ registration_id: row.id })
    .orderBy([
      { column: 'at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select('from_status', 'to_status', 'actor_kind', 'reason', 'at')
  const point = await bureau.port.point(db, Number(row.point_id))
  return {
    row,
    statusText: statusLabel(row.status),
    explanation: STATUS_EXPLANATIONS[row.status],
    identity: {
      name: str(identity.name),
      docType: DOC_TYPE_LABELS[identity.doc_type as DocType] ?? str(identity.doc_type),
      docNumber: str(identity.doc_number),
      sex: identity.sex === 'M' ? '男' : identity.sex === 'F' ? '女' : str(identity.sex),
      birthDate: str(identity.birth_date),
      phone: str(identity.phone),
      email: str(identity.email),
    },
    cert: {
      number: row.cert_number,
      type: types.find((t) => t.value === str(cert.qualificationType))?.text ?? str(cert.qualificationType),
      subject: (await subjectNames(db))(str(cert.subject)),
      authority: str(cert.authority),
      issuedOn: str(cert.issuedOn),
      source: row.cert_source === 'added' ? '申请人添加（待核验）' : '教师资格证书库',
    },
    sections,
    correction: row.correction
      ? {
          note: row.correction.note,
          labels: sections.flatMap((s) => s.rows.filter((r) => r.highlighted).map((r) => r.label)),
        }
      : null,
    missingMaterials: row.status === 'confirmation_failed' ? (row.missing_materials ?? []) : [],
    history: history.map((h) => ({
      at: shanghaiDateTime(h.at),
      from: h.from_status ? statusLabel(h.from_status) : '',
      to: statusLabel(h.to_status),
      by: h.actor_kind === 'applicant' ? '申请人' : h.actor_kind === 'staff' ? '工作人员' : '系统',
      reason: h.reason ?? '',
    })),
    authorityName: str(data.authorityName),
    pointName: point?.name ?? str(data.pointName),
    confirmEnd: point?.confirmEnd ? shanghaiDateTime(point.confirmEnd) : '',
    photoHref: `/files/${row.photo_file_id}`,
    certificatePhotos: (row.certificate_photo_file_ids ?? []).map((id) => `/files/${id}`),
    submittedAt: shanghaiDateTime(row.submitted_at),
    updatedAt: shanghaiDateTime(row.updated_at),
  }
}

/** The 修改 form's fields: the information page's answers, as the wizard lists and checks them. */
async function editFields(services: Services, informationStep: Step) {
  const out: { name: string; label: string; kind: 'select' | 'date' | 'text'; options?: unknown[] }[] = []
  for (const f of informationStep.fields ?? []) {
    if (f.name === 'mandarin')
      out.push({ name: f.name, label: f.label, kind: 'select', options: MANDARIN_OPTIONS })
    else if (INFO_LISTS[f.name])
      out.push({
        name: f.name,
        label: f.label,
        kind: 'select',
        options: await refOptions(services.db, INFO_LISTS[f.name]),
      })
    else out.push({ name: f.name, label: f.label, kind: f.kind === 'date' ? 'date' : 'text' })
  }
  return out
}

export function registrationRecordRoutes(services: Services): Router {
  const { db, clock } = services
  const router = Router()
  const steps = registrationSteps(services)
  const informationStep = steps.find((s) => s.path === 'information')!
  const authorityStep = steps.find((s) => s.path === 'authority')!
  router.use(RECORD_BASE, requireApplicant, requireVerified)

  const mine = (req: Request) => registrationOf(db, Number(req.params.id), req.applicant!.id)
  const noStore = (res: import('express').Response) => res.set('Cache-Control', 'no-store')

  router.get(
    RECORD_BASE,
    handler(async (req, res) => {
      noStore(res)
      const records = await myRecords(db, req.applicant!.id, clock.now())
      res.render('pages/registration/records.njk', {
        pageTitle: '我的注册',
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
      const view = await registrationDetail(req, services, row)
      const [record] = (await myRecords(db, req.applicant!.id, clock.now())).filter(
        (r) => r.id === Number(row.id),
      )
      res.render('pages/registration/record.njk', {
        ...view,
        pageTitle: `注册报名号 ${row.number}`,
        actions: record ? recordActions(record) : [],
        authorityChange: await authorityChangeOpen(db, row, clock.now()),
      })
    }),
  )

  // ---- 修改 -------------------------------------------------------------------------------------------

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
      const form = takeForm(req, `registration:edit:${row.id}`, { ...row.data, version: row.version })
      const fields = await editFields(services, informationStep)
      res.render('pages/registration/record-edit.njk', {
        ...form,
        pageTitle: `修改报名信息 - ${row.number}`,
        row,
        fields,
        upload: await uploadField(db, { ...PHOTO, owner: ownerOf(req), values: form.values }),
        photoHref: `/files/${row.photo_file_id}`,
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
      const key = `registration:edit:${row.id}`
      const here = `${RECORD_BASE}/${row.id}/edit`
      const refusal = await editRefusal(db, row, clock.now())
      if (refusal) {
        flash(req, 'error', refusal)
        return res.redirect(303, `${RECORD_BASE}/${row.id}`)
      }
      // A school added in the wizard stays added: its 办学类型 comes from the snapshot.
      const posted = {
        ...body,
        graduationSchoolType: row.data.graduationSchoolType ?? '',
        graduationSchoolNew:
          str(body.graduationSchool).trim() === str(row.data.graduationSchool)
            ? (row.data.graduationSchoolNew ?? '')
            : '',
      }
      // A new ID photo is optional: 上传并预览 shows it first; 提交 uses it (or the one already sent).
      const received = await receiveUpload(db, req, { ...PHOTO, owner: ownerOf(req), now: clock.now() })
      const kept = { ...body, [draftField(PHOTO.field)]: receivedId(received) }
      const photoErrors: FieldErrors = received.status === 'refused' ? { [PHOTO.field]: received.error } : {}
      if (body._action === 'preview')
        return redirectWithErrors(req, res, key, photoErrors, kept, `${here}#${PHOTO.field}`)
      const { value, errors } = validate<Values>(informationSchema, posted)
      if (!hasErrors(errors))
        Object.assign(errors, (await informationStep.beforeSave?.(req, value, row.data)) ?? {})
      Object.assign(errors, photoErrors)
      if (hasErrors(errors)) return redirectWithErrors(req, res, key, errors, kept, here)
      const outcome = await saveApplicantEdit(services, {
        registrationId: Number(row.id),
        applicantId: req.applicant!.id,
        version: Number(body.version),
        changes: value,
        photoDraftId: received.status === 'none' ? undefined : received.file?.id,
        actor: actorOf(req),
      })
      if (!outcome.ok) return redirectWithErrors(req, res, key, { _form: outcome.error }, kept, here)
      flash(req, 'success', '报名信息已修改。请检查报名信息详情，确认信息正确。')
      res.redirect(303, `${RECORD_BASE}/${row.id}`)
    }),
  )

  // ---- 选错注册机构: choose the authority again -------------------------------------------------------

  router.get(
    `${RECORD_BASE}/:id/authority`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      noStore(res)
      if (!(await authorityChangeOpen(db, row, clock.now()))) {
        flash(
          req,
          'error',
          row.status === 'wrong_authority' ? '当前时间不在该机构的网报时间段内' : '无需重新选择注册机构。',
        )
        return res.redirect(303, `${RECORD_BASE}/${row.id}`)
      }
      const form = takeForm(req, `registration:authority:${row.id}`, {
        provinceCode: row.data.provinceCode,
        cityCode: row.data.cityCode,
        stage: row.stage,
        subject: row.subject,
        version: row.version,
      })
      const lists = (await authorityStep.beforeRender?.(req, row.data, form.values)) ?? {}
      res.render('pages/registration/record-authority.njk', {
        ...form,
        ...lists,
        pageTitle: `重新选择注册机构 - ${row.number}`,
        row,
        reason: row.reason ?? '',
        currentAuthority: str(row.data.authorityName),
      })
    }),
  )

  router.post(
    `${RECORD_BASE}/:id/authority`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      const body = (req.body ?? {}) as Record<string, unknown>
      const key = `registration:authority:${row.id}`
      const here = `${RECORD_BASE}/${row.id}/authority`
      if (body._action === 'refresh') return redirectWithErrors(req, res, key, {}, body, here)
      const { value, errors } = validate<Values>(authoritySchema, body)
      if (!hasErrors(errors))
        Object.assign(errors, (await authorityStep.beforeSave?.(req, value, row.data)) ?? {})
      if (hasErrors(errors)) return redirectWithErrors(req, res, key, errors, body, here)
      const outcome = await changeAuthority(services, {
        registrationId: Number(row.id),
        applicantId: req.applicant!.id,
        version: Number(body.version),
        choice: value,
        actor: actorOf(req),
      })
      if (!outcome.ok) return redirectWithErrors(req, res, key, { _form: outcome.error }, body, here)
      flash(req, 'success', '已重新选择注册机构，注册结论为“网报待确认”。请按新注册机构的要求进行现场确认。')
      res.redirect(303, `${RECORD_BASE}/${row.id}`)
    }),
  )

  // ---- 申请表预览/下载 and 有留言 ---------------------------------------------------------------------

  router.get(
    `${RECORD_BASE}/:id/form`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      await sendRegistrationForms(req, res, services, [row], {
        account: `applicant:${req.applicant!.id}`,
        filename: `教师资格定期注册申请表-${row.number}.pdf`,
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
      const messages = await messagesOf(db, Number(row.id))
      await markMessagesRead(db, Number(row.id), clock.now())
      res.render('pages/registration/record-messages.njk', {
        pageTitle: `留言 - ${row.number}`,
        row,
        messages: messages.map((m) => ({ ...m, at: shanghaiDateTime(m.created_at), unread: !m.read_at })),
      })
    }),
  )

  return router
}
