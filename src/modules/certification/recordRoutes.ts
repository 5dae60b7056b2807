import type { Router } from 'express'
import type { Services } from '../../services'
import { hasErrors, validate, type FieldErrors } from '../../web/formValidation'
import type { Values } from '../../web/wizard/types'
import { str } from '../../web/values'
import { addEditPages } from '../applications/editPages'
import { recordPages } from '../applications/records'
import { certificationDetail } from './detail'
import { certificationForm } from './form'
import {
  certificationMessages,
  editRefusal,
  myRecords,
  recordActions,
  RECORD_BASE,
  saveApplicantEdit,
  STATUS_EXPLANATIONS,
} from './records'
import { applicationOf, refOptions } from './repository'
import { informationSchema } from './schemas'
import { INFO_LISTS, certificationSteps } from './steps'

// 教师资格认定信息 and everything reached from it: 详情, 申请表, 有留言 and 修改 as every business has
// them (src/modules/applications/records.ts, editPages.ts), 修改 offering 认定信息's fields with
// certification's checks.

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
  const { db } = services
  const informationStep = certificationSteps(services).find((s) => s.path === 'information')!
  const labels = new Map((informationStep.fields ?? []).map((f) => [f.name, f.label]))
  const { router, mine } = recordPages(services, {
    business: 'certification',
    base: RECORD_BASE,
    views: 'pages/certification',
    listTitle: '教师资格认定信息',
    detailTitle: (row) => `教师资格认定信息 - ${row.number}`,
    mine: applicationOf,
    myRecords,
    recordActions,
    explanations: STATUS_EXPLANATIONS,
    detail: (req, row) => certificationDetail(req, services, row),
    form: certificationForm,
    messages: certificationMessages,
  })

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

  addEditPages(router, services, {
    form: certificationForm,
    base: RECORD_BASE,
    business: 'certification',
    view: 'pages/certification/record-edit.njk',
    mine,
    refusal: (row, now) => editRefusal(services, row, now),
    page: async () => ({ fields: await editFields() }),
    post: async (req, row, body) => {
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
      if (hasErrors(errors)) return { errors, kept }
      const changes = Object.fromEntries(EDITABLE.map((k) => [k, value[k] ?? '']))
      return {
        kept,
        save: () =>
          saveApplicantEdit(services, {
            applicationId: Number(row.id),
            applicantId: Number(req.applicant!.id),
            version: Number(body.version),
            changes,
            actor: req.actor,
          }),
      }
    },
    saved: '报名信息已修改。请预览《教师资格认定申请表》，确认信息正确。',
  })

  return router
}
