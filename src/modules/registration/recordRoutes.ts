import type { Request, Router } from 'express'
import type { Services } from '../../services'
import { formDownloadClosed } from '../../domain/registration'
import { handler } from '../../web/async'
import {
  flash,
  hasErrors,
  redirectWithErrors,
  takeForm,
  validate,
  type FieldErrors,
} from '../../web/formValidation'
import { draftField, receiveUpload, receivedId, uploadField } from '../../web/uploadFields'
import type { FileOwner } from '../../services/imageStore'
import type { Step, Values } from '../../web/wizard/types'
import { str } from '../../web/values'
import { addEditPages } from '../applications/editPages'
import { backToRecord, noStore, recordPages } from '../applications/records'
import {
  changeAuthority,
  editRefusal,
  authorityChangeOpen,
  myRecords,
  recordActions,
  RECORD_BASE,
  registrationMessages,
  saveApplicantEdit,
  STATUS_EXPLANATIONS,
} from './records'
import { registrationForm } from './form'
import { registrationDetail } from './detail'
import { DOWNLOAD_ENDS, downloadUntil } from './messages'
import { refOptions, registrationOf } from './repository'
import { authoritySchema, informationSchema } from './schemas'
import { INFO_LISTS, MANDARIN_OPTIONS, registrationSteps } from './steps'

// 我的注册 and everything reached from it: 详情, 申请表, 有留言 and 修改 as every business has them
// (src/modules/applications/records.ts, editPages.ts) with registration's fields, photo and checks;
// 重新选择注册机构 (选错注册机构) here.

const PHOTO = { field: 'photo', kind: 'id_photo' } as const
const ownerOf = (req: Request): FileOwner => ({ kind: 'applicant', id: req.applicant!.id })

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
  const steps = registrationSteps(services)
  const informationStep = steps.find((s) => s.path === 'information')!
  const authorityStep = steps.find((s) => s.path === 'authority')!
  const { router, mine } = recordPages(services, {
    business: 'registration',
    base: RECORD_BASE,
    views: 'pages/registration',
    listTitle: '我的注册',
    detailTitle: (row) => `注册报名号 ${row.number}`,
    mine: registrationOf,
    myRecords,
    recordActions,
    explanations: STATUS_EXPLANATIONS,
    detail: async (req, row) => {
      const authority = await services.bureau.registration.authority(db, Number(row.authority_id))
      const lastDay = authority?.formDownloadEnd ?? null
      return {
        ...(await registrationDetail(req, services, row)),
        authorityChange: await authorityChangeOpen(services, row, clock.now()),
        formDownload: lastDay && {
          closed: formDownloadClosed(lastDay, clock.now()),
          text: formDownloadClosed(lastDay, clock.now()) ? DOWNLOAD_ENDS : downloadUntil(lastDay),
        },
      }
    },
    form: registrationForm,
    // after the authority's 申请表下载截止 both 申请表 links answer with the manual's sentence
    formRefusal: async (row, now) => {
      const authority = await services.bureau.registration.authority(db, Number(row.authority_id))
      return formDownloadClosed(authority?.formDownloadEnd ?? null, now) ? DOWNLOAD_ENDS : null
    },
    messages: registrationMessages,
  })

  addEditPages(router, services, {
    form: registrationForm,
    base: RECORD_BASE,
    business: 'registration',
    view: 'pages/registration/record-edit.njk',
    mine,
    refusal: (row, now) => editRefusal(services, row, now),
    page: async (req, row, values) => ({
      fields: await editFields(services, informationStep),
      upload: await uploadField(db, { ...PHOTO, owner: ownerOf(req), values }),
      photoHref: `/files/${row.photo_file_id}`,
    }),
    post: async (req, row, body) => {
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
      if (body._action === 'preview') return { errors: photoErrors, kept, anchor: `#${PHOTO.field}` }
      const { value, errors } = validate<Values>(informationSchema, posted)
      if (!hasErrors(errors))
        Object.assign(errors, (await informationStep.beforeSave?.(req, value, row.data)) ?? {})
      Object.assign(errors, photoErrors)
      if (hasErrors(errors)) return { errors, kept }
      return {
        kept,
        save: () =>
          saveApplicantEdit(services, {
            applicationId: Number(row.id),
            applicantId: req.applicant!.id,
            version: Number(body.version),
            changes: value,
            photoDraftId: received.status === 'none' ? undefined : received.file?.id,
            actor: req.actor,
          }),
      }
    },
    saved: '报名信息已修改。请检查报名信息详情，确认信息正确。',
  })

  // ---- 选错注册机构: choose the authority again -------------------------------------------------------

  router.get(
    `${RECORD_BASE}/:id/authority`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      noStore(res)
      if (!(await authorityChangeOpen(services, row, clock.now())))
        return backToRecord(
          req,
          res,
          RECORD_BASE,
          row.id,
          row.status === 'wrong_authority' ? '当前时间不在该机构的网报时间段内' : '无需重新选择注册机构。',
        )
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
        applicationId: Number(row.id),
        applicantId: req.applicant!.id,
        version: Number(body.version),
        choice: value,
        actor: req.actor,
      })
      if (!outcome.ok) return redirectWithErrors(req, res, key, { _form: outcome.error }, body, here)
      flash(req, 'success', '已重新选择注册机构，注册结论为“网报待确认”。请按新注册机构的要求进行现场确认。')
      res.redirect(303, `${RECORD_BASE}/${row.id}`)
    }),
  )

  return router
}
