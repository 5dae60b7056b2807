import type { Request } from 'express'
import type { Services } from '../../services'
import { DOC_TYPE_LABELS, checkDocNumber, type DocNumberViewer, type DocType } from '../../domain/idNumber'
import {
  QUALIFICATION_TYPES,
  isQualificationType,
  qualificationTypeLabel,
  typeHasSubject,
} from '../../domain/certification'
import { shanghaiDate } from '../../domain/time'
import { cropActionOf, cropErrors, cropField, cropRedisplay, type CropOptions } from '../../web/crop'
import type { FieldErrors } from '../../web/forms'
import { fileStillThere, receiveUpload, receivedId, uploadError, uploadField } from '../../web/uploads'
import type { Step, Values } from '../../web/wizard/types'
import { addPath, addedItem, type ReturnKey } from '../info/returns'
import { syncStudentStatus } from '../info/service'
import { getSettings, textOf } from '../staff/settings'
import * as m from './messages'
import * as repo from './repository'
import {
  agreementSchema,
  authoritySchema,
  collectionSchema,
  commitmentScanSchema,
  conditionsSchema,
  informationSchema,
  resumeSchema,
} from './schemas'
import { authorityProblem, checkConditions, type Applicant } from './service'
import { applicantIdentity } from '../applications/repository'
import { str } from '../../web/values'

// The certification wizard as a step table (STYLE.md "Wizards are data"), in manual 000 §3.2's
// order and with its labels: ten steps, then the 申报提醒 page (routes.ts).

export const BASE = '/certification/apply'

type Db = Services['db']

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : v === undefined ? [] : [str(v)])
export const applicantOf = (req: Request): Applicant => {
  const a = req.applicant!
  return { id: Number(a.id), name: a.name, doc_type: a.doc_type, doc_number: a.doc_number }
}
const owner = (req: Request) => ({ kind: 'applicant' as const, id: Number(req.applicant!.id) })
const cropOptions = (req: Request): CropOptions => ({
  sourceField: 'commitmentFileId',
  sourceKind: 'commitment_scan',
  kind: 'commitment_crop',
  owner: owner(req),
})

/** Select fields of 认定信息 and their ref_codes lists. */
export const INFO_LISTS: Record<string, string> = {
  ethnicity: 'ethnicity',
  political: 'political_status',
  majorCategory: 'major_category',
  studyForm: 'study_form',
}

export const RESUME_COLUMNS = [
  { name: 'rowStart', label: '开始时间' },
  { name: 'rowEnd', label: '结束时间' },
  { name: 'rowUnit', label: '单位' },
  { name: 'rowPost', label: '职务' },
  { name: 'rowReferee', label: '证明人' },
] as const

export interface ResumeRow {
  start: string
  end: string
  unit: string
  post: string
  referee: string
}

/** The CV rows as posted (parallel columns), dropping rows left wholly empty. */
export function resumeRows(v: Values): ResumeRow[] {
  const cols = RESUME_COLUMNS.map((c) => list(v[c.name]).map((s) => s.trim()))
  const n = Math.max(0, ...cols.map((c) => c.length))
  const rows: ResumeRow[] = []
  for (let i = 0; i < n; i++) {
    const [start, end, unit, post, referee] = cols.map((c) => c[i] ?? '')
    rows.push({ start, end, unit, post, referee })
  }
  return rows
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/

/** Errors per cell (`rowStart.2`), in order, without overlap, not after this month. */
export function resumeErrors(rows: ResumeRow[], today: string): FieldErrors {
  const errors: FieldErrors = {}
  const filled = rows.filter((r) => Object.values(r).some(Boolean))
  if (!filled.length) return { rowStart: m.RESUME_ERRORS.empty }
  const thisMonth = today.slice(0, 7)
  let previousEnd = ''
  rows.forEach((r, i) => {
    if (!Object.values(r).some(Boolean)) return
    for (const c of RESUME_COLUMNS) {
      const key = c.name.slice(3).toLowerCase() as keyof ResumeRow
      if (!r[key]) errors[`${c.name}.${i}`] = m.RESUME_ERRORS.required(c.label)
    }
    for (const [field, value] of [
      ['rowStart', r.start],
      ['rowEnd', r.end],
    ] as const) {
      if (value && !MONTH.test(value)) errors[`${field}.${i}`] = m.RESUME_ERRORS.month
      else if (value > thisMonth) errors[`${field}.${i}`] = m.RESUME_ERRORS.future
    }
    if (errors[`rowStart.${i}`] || errors[`rowEnd.${i}`]) return
    if (r.end < r.start) errors[`rowEnd.${i}`] = m.RESUME_ERRORS.order
    else if (previousEnd && r.start < previousEnd) errors[`rowStart.${i}`] = m.RESUME_ERRORS.overlap
    previousEnd = r.end
  })
  return errors
}

const removeActions = Object.fromEntries(
  Array.from({ length: m.RESUME_MAX_ROWS }, (_, i) => [
    `removeRow${i}`,
    (posted: Values) => {
      const out: Values = { ...posted }
      for (const c of RESUME_COLUMNS) out[c.name] = list(posted[c.name]).filter((_v, j) => j !== i)
      return out
    },
  ]),
)

export function certificationSteps(services: Services): Step[] {
  const { db, clock, bureau } = services
  const ref = (kind: string) => () => repo.refOptions(db, kind)

  return [
    {
      path: 'agreement',
      title: m.STEP_TITLES.agreement,
      schema: agreementSchema,
      beforeRender: () => ({ clauses: m.AGREEMENT_CLAUSES, agreementTitle: m.AGREEMENT_TITLE }),
      next: 'conditions',
    },
    {
      path: 'conditions',
      title: m.STEP_TITLES.conditions,
      schema: conditionsSchema,
      invalidates: ['authority', 'information'],
      beforeRender: async (req, _values, shown) => conditionLists(services, req, shown),
      // 添加普通话证书 / 添加学历 / 添加学位: what was chosen here is kept while the applicant adds the
      // item in the information centre, which then comes back here (src/modules/info/returns.ts).
      leave: {
        addMandarin: (_posted, req) => addPath('mandarin', returnKey(req)),
        addEducation: (_posted, req) => addPath('education', returnKey(req)),
        addDegree: (_posted, req) => addPath('degree', returnKey(req)),
      },
      redisplay: {
        refresh: (posted) => posted,
        // 同步学籍: the registry's rows for the applicant's number, then the page again
        syncStudent: async (posted, req) => {
          const a = applicantOf(req)
          const n = await syncStudentStatus(
            services,
            { id: a.id, name: a.name, doc_number: a.doc_number },
            req.actor,
          )
          return { ...posted, freshGraduate: 'yes', syncMessage: n ? m.STUDENT_SYNCED : m.STUDENT_NONE }
        },
      },
      beforeSave: async (req, value) => {
        const { errors, conditions } = await checkConditions(db, applicantOf(req), value, clock.now())
        if (!conditions) return errors
        Object.assign(value, {
          qualificationType: conditions.type,
          subject: conditions.subject,
          ...Object.fromEntries(Object.entries(conditions.texts).map(([k, t]) => [`${k}Text`, t])),
        })
        if (value.examRoute === 'non_national') value.examPass = ''
        if (value.freshGraduate === 'yes') Object.assign(value, { education: '', degree: '' })
        else value.studentStatus = ''
        return null
      },
      next: 'authority',
      fields: [
        { name: 'examRoute', label: '考试形式', options: m.EXAM_ROUTES },
        { name: 'examPass', label: '考试合格证明', format: (_v, v) => str(v.examPassText) },
        { name: 'qualificationType', label: '申请资格种类', format: (t) => qualificationTypeLabel(str(t)) },
        { name: 'subject', label: '任教学科' },
        { name: 'mandarin', label: '普通话证书', format: (_v, v) => str(v.mandarinText) },
        { name: 'freshGraduate', label: '是否应届毕业生', options: { yes: '是', no: '否' } },
        {
          name: 'education',
          label: '学历',
          format: (_v, v) => str(v.educationText),
          showIf: (v) => v.freshGraduate === 'no',
        },
        {
          name: 'degree',
          label: '学位',
          format: (_v, v) => str(v.degreeText),
          showIf: (v) => v.freshGraduate === 'no',
        },
        {
          name: 'studentStatus',
          label: '学籍',
          format: (_v, v) => str(v.studentStatusText),
          showIf: (v) => v.freshGraduate === 'yes',
        },
      ],
    },
    {
      path: 'authority',
      title: m.STEP_TITLES.authority,
      schema: authoritySchema,
      invalidates: ['collection'],
      beforeRender: async (_req, values, shown) => authorityLists(services, values, shown),
      redisplay: { refresh: (posted) => posted },
      beforeSave: async (_req, value, values) => authorityErrors(services, value, values),
      next: 'information',
      fields: [
        {
          name: 'provinceCode',
          label: '认定所在地',
          format: (_v, v) => `${str(v.provinceName)} ${str(v.cityName)}`,
        },
        { name: 'authorityId', label: '认定机构', format: (_v, v) => str(v.authorityName) },
        { name: 'pointId', label: '确认点', format: (_v, v) => str(v.pointName) },
      ],
    },
    {
      path: 'information',
      title: m.STEP_TITLES.information,
      schema: informationSchema,
      beforeRender: async (req, values, shown) => ({
        multipart: true,
        photoHint: m.PHOTO_HINT,
        clarity: m.CLARITY_WARNING,
        identity: await identityOf(db, req),
        known: {
          type: qualificationTypeLabel(str(values.qualificationType)),
          subject: str(values.subject),
          examPass: str(values.examPassText),
          mandarin: str(values.mandarinText),
          education: str(values.educationLevel ?? values.educationText),
        },
        lists: Object.fromEntries(
          await Promise.all(
            Object.entries(INFO_LISTS).map(async ([f, kind]) => [f, await repo.refOptions(db, kind)]),
          ),
        ),
        upload: await uploadField(db, {
          field: 'photo',
          kind: 'id_photo',
          owner: owner(req),
          values: { ...shown, photoFileId: shown.photoFileId ?? values.photoFileId },
        }),
        technicalTitleNeeded: values.qualificationType === '6',
      }),
      redisplay: {
        preview: async (posted, req) => {
          const received = await receiveUpload(db, req, {
            field: 'photo',
            kind: 'id_photo',
            owner: owner(req),
            now: clock.now(),
          })
          return { ...posted, photoFileId: receivedId(received), photoError: uploadError(received) ?? '' }
        },
      },
      beforeSave: async (req, value, values) => {
        const errors: FieldErrors = {}
        for (const [field, kind] of Object.entries(INFO_LISTS))
          if (!(await repo.refOptions(db, kind)).some((o) => o.value === value[field]))
            errors[field] = '请从列表中选择'
        if (
          values.qualificationType === '6' &&
          [m.TECHNICAL_TITLE_NONE, '无'].includes(str(value.technicalTitle))
        )
          errors.technicalTitle =
            '申请中等职业学校实习指导教师资格，还应当具有相当助理工程师以上专业技术职务或者中级以上工人技术等级。'
        const received = await receiveUpload(db, req, {
          field: 'photo',
          kind: 'id_photo',
          owner: owner(req),
          now: clock.now(),
        })
        const photoError = uploadError(received)
        if (photoError) errors.photo = photoError
        else value.photoFileId = receivedId(received)
        return Object.keys(errors).length ? errors : null
      },
      next: 'commitment-scan',
      fields: [
        { name: 'ethnicity', label: '民族', options: ref('ethnicity') },
        { name: 'political', label: '政治面貌', options: ref('political_status') },
        { name: 'majorCategory', label: '专业类别', options: ref('major_category') },
        { name: 'studyForm', label: '学习形式', options: ref('study_form') },
        { name: 'employer', label: '工作单位' },
        { name: 'occupation', label: '现从事职业' },
        { name: 'technicalTitle', label: '专业技术职务' },
        { name: 'household', label: '户籍所在地' },
        { name: 'birthplace', label: '出生地' },
        { name: 'address', label: '通讯地址' },
        { name: 'postcode', label: '邮编' },
        { name: 'telephone', label: '联系电话' },
        { name: 'mobile', label: '手机' },
        {
          name: 'photoFileId',
          label: '证件照',
          format: (v) => (v ? '已上传' : ''),
          check: fileStillThere(db, 'id_photo', owner),
        },
      ],
    },
    {
      path: 'commitment-scan',
      title: m.STEP_TITLES.commitmentScan,
      schema: commitmentScanSchema,
      beforeRender: async (req, values, shown) => {
        const posted = { ...shown, commitmentFileId: shown.commitmentFileId ?? values.commitmentFileId }
        const crop = await cropField(db, { ...cropOptions(req), values: posted })
        return {
          multipart: true,
          intro: m.COMMITMENT_SCAN_INTRO,
          upload: await uploadField(db, {
            field: 'commitment',
            kind: 'commitment_scan',
            owner: owner(req),
            values: posted,
          }),
          crop,
        }
      },
      redisplay: {
        preview: async (posted, req) => {
          const received = await receiveUpload(db, req, {
            field: 'commitment',
            kind: 'commitment_scan',
            owner: owner(req),
            now: clock.now(),
          })
          return {
            ...posted,
            commitmentFileId: receivedId(received),
            commitmentError: uploadError(received) ?? '',
          }
        },
        ...cropRedisplay(db, (req) => ({ ...cropOptions(req), now: clock.now() })),
      },
      // A click on the scan (an <input type="image">) posts corner.x / corner.y and no _action.
      redisplayAction: (body) => cropActionOf(body),
      beforeSave: async (req, value) => {
        const received = await receiveUpload(db, req, {
          field: 'commitment',
          kind: 'commitment_scan',
          owner: owner(req),
          now: clock.now(),
        })
        if (received.status === 'refused') return { commitment: received.error }
        if (received.status === 'new' || received.status === 'kept') value.commitmentFileId = received.file.id
        const errors = await cropErrors(db, value, cropOptions(req))
        if (errors)
          return received.status === 'none' && !value.commitmentFileId
            ? { commitment: m.SCAN_MISSING }
            : errors
        value.commitmentCropFileId = value.cropFileId
        return null
      },
      next: 'collection',
      fields: [
        {
          name: 'commitmentFileId',
          label: '个人承诺书',
          format: (v) => (v ? '已上传' : ''),
          check: fileStillThere(db, 'commitment_scan', owner),
        },
        {
          name: 'cropFileId',
          check: fileStillThere(db, 'commitment_crop', owner),
          label: '个人承诺书（裁剪）',
          format: (_v, v) =>
            v.cropFileId
              ? `左${str(v.cropLeft)}、上${str(v.cropTop)}、宽${str(v.cropWidth)}、高${str(v.cropHeight)}像素`
              : '',
        },
      ],
    },
    {
      path: 'collection',
      title: m.STEP_TITLES.collection,
      schema: collectionSchema,
      beforeRender: async (_req, values) => {
        const authority = await bureau.authorityById(db, Number(values.authorityId))
        return { postOffered: !!authority?.posts_certificates, hint: m.COLLECTION_HINT }
      },
      redisplay: { refresh: (posted) => posted },
      beforeSave: async (_req, value, values) => {
        if (value.collection !== 'post') return null
        const authority = await bureau.authorityById(db, Number(values.authorityId))
        return authority?.posts_certificates ? null : { collection: m.POST_NOT_OFFERED }
      },
      next: 'resume',
      fields: [
        { name: 'collection', label: '证书领取方式', options: m.COLLECTION },
        { name: 'recipient', label: '收件人', showIf: (v) => v.collection === 'post' },
        { name: 'recipientPhone', label: '收件人手机', showIf: (v) => v.collection === 'post' },
        { name: 'postAddress', label: '邮寄地址', showIf: (v) => v.collection === 'post' },
        { name: 'postPostcode', label: '邮编', showIf: (v) => v.collection === 'post' },
      ],
    },
    {
      path: 'resume',
      title: m.STEP_TITLES.resume,
      schema: resumeSchema,
      beforeRender: (_req, _values, shown) => {
        const rows = resumeRows(shown)
        return {
          rows: rows.length ? rows : [{ start: '', end: '', unit: '', post: '', referee: '' }],
          intro: m.RESUME_INTRO,
          maxRows: m.RESUME_MAX_ROWS,
        }
      },
      redisplay: {
        addRow: (posted) => {
          const out: Values = { ...posted }
          for (const c of RESUME_COLUMNS)
            out[c.name] = [...list(posted[c.name]), ''].slice(0, m.RESUME_MAX_ROWS)
          return out
        },
        ...removeActions,
      },
      beforeSave: (_req, value) => {
        const rows = resumeRows(value)
        const errors = resumeErrors(rows, shanghaiDate(clock.now()))
        if (Object.keys(errors).length) return errors
        const kept = rows.filter((r) => Object.values(r).some(Boolean))
        value.rowStart = kept.map((r) => r.start)
        value.rowEnd = kept.map((r) => r.end)
        value.rowUnit = kept.map((r) => r.unit)
        value.rowPost = kept.map((r) => r.post)
        value.rowReferee = kept.map((r) => r.referee)
        return null
      },
      next: 'review',
      fields: [
        {
          name: 'rowStart',
          label: '个人简历',
          format: (_v, v) =>
            resumeRows(v)
              .map((r) => `${r.start} 至 ${r.end} ${r.unit} ${r.post}（证明人：${r.referee}）`)
              .join('；'),
        },
      ],
    },
    {
      path: 'review',
      title: m.STEP_TITLES.review,
      summary: true,
      next: 'notices',
      // The one page before submitting where the holder checks the 证件号码 the form will print.
      beforeRender: async (req) => ({
        identity: await identityOf(db, req),
        docViewer: 'holderChecking' satisfies DocNumberViewer,
      }),
    },
    {
      path: 'notices',
      title: m.STEP_TITLES.notices,
      beforeRender: async () => ({
        notices: (await repo.settingLines(db, 'certification_notices')) ?? m.NOTICES_DEFAULT,
      }),
      next: 'commitment',
    },
    {
      path: 'commitment',
      title: m.STEP_TITLES.commitment,
      abandon: { required: m.COMMITMENT_REQUIRED, abandoned: m.COMMITMENT_ABANDONED },
      submitLabel: '提交',
      beforeRender: () => ({ text: m.COMMITMENT_TEXT, hint: m.COMMITMENT_HINT }),
    },
  ]
}

/** The account's identity as the form prints it (read only here). */
export async function identityOf(db: Db, req: Request) {
  const a = await applicantIdentity(db, owner(req).id)
  const fromNumber =
    a?.doc_type === 'id_card' && a.doc_number ? checkDocNumber('id_card', a.doc_number, '9999-12-31') : null
  const derived = fromNumber?.ok ? fromNumber : { sex: undefined, birthDate: undefined }
  const sex = a?.sex ?? derived.sex
  return {
    name: a?.name ?? '',
    docType: DOC_TYPE_LABELS[a?.doc_type as DocType] ?? '',
    docNumber: a?.doc_number ?? '',
    sex: sex === 'M' ? '男' : sex === 'F' ? '女' : '',
    birth: a?.birth_date ? shanghaiDate(new Date(a.birth_date)) : (derived.birthDate ?? ''),
    phone: a?.phone ?? '',
  }
}

/** Back to this step from the information centre, or to it opened with 修改 from the review page. */
const returnKey = (req: Request): ReturnKey =>
  req.query.edit === 'review' ? 'certification-review' : 'certification'

async function conditionLists(services: Services, req: Request, shown: Values) {
  const { db, clock } = services
  const a = applicantOf(req)
  const today = shanghaiDate(clock.now())
  const held = await repo.infoItemsOf(db, a.id)
  const items = {
    mandarin: held.mandarin.filter((i) => i.status !== 'rejected'),
    education: held.education.filter((i) => i.status !== 'rejected'),
    degree: held.degree,
  }
  // Back from the information centre with a new item (?added=mandarin-12): it is chosen.
  const added = addedItem(req.query)
  const picked =
    added && items[added.kind].some((i) => i.id === added.id)
      ? { [added.kind]: String(added.id), ...(added.kind === 'mandarin' ? {} : { freshGraduate: 'no' }) }
      : null
  const passes = (await repo.examPassesOf(db, a)).map((p) => ({
    ...p,
    typeText: qualificationTypeLabel(p.type),
    expired: p.validUntil < today,
  }))
  const rule = (await repo.certificationRules(db)).mandarin
  return {
    passes,
    types: Object.entries(QUALIFICATION_TYPES).map(([value, text]) => ({ value, text })),
    // 任教学科 follows the chosen 资格种类 (ref_codes.scope); without JavaScript the choice of type is
    // posted with 【更新任教学科】 and the page comes back with that type's subjects.
    subjects: isQualificationType(shown.qualificationType)
      ? (await repo.refOptionsUnder(db, 'subject', shown.qualificationType)).map((o) => ({
          value: o.text,
          text: o.text,
        }))
      : [],
    typeChosen: isQualificationType(shown.qualificationType),
    typeHasSubject: isQualificationType(shown.qualificationType) && typeHasSubject(shown.qualificationType),
    mandarins: items.mandarin,
    exemptionAllowed: rule.exemptionAllowed,
    exemptionNote: rule.exemptionAllowed
      ? textOf(await getSettings(db), 'mandarinExemptionNote').join('')
      : '',
    educations: items.education,
    degrees: items.degree,
    students: await repo.studentStatusOf(db, a.id),
    statusLabels: { verified: '核验通过', pending: '待核验', rejected: '核验不通过' },
    routes: m.EXAM_ROUTES,
    hints: { exam: m.EXAM_ROUTE_HINT, mandarin: m.MANDARIN_HINT, fresh: m.FRESH_HINT, degree: m.DEGREE_HINT },
    // Overrides the page's values (the draft or saved answers) with the choice of the new item.
    ...(picked ? { values: { ...shown, ...picked } } : {}),
  }
}

async function authorityLists(services: Services, values: Values, shown: Values) {
  const { db, clock, bureau } = services
  const now = clock.now()
  const type = str(values.qualificationType)
  const provinces = await repo.regionOptions(db, null)
  const provinceCode = provinces.some((p) => p.value === str(shown.provinceCode))
    ? str(shown.provinceCode)
    : ''
  const cities = provinceCode ? await repo.regionOptions(db, provinceCode) : []
  const cityCode = cities.some((c) => c.value === str(shown.cityCode)) ? str(shown.cityCode) : ''
  const all = cityCode
    ? await bureau.certification.authoritiesFor(db, { cityCode, qualificationType: type })
    : []
  const open = cityCode
    ? await bureau.certification.openAuthorities(db, { cityCode, qualificationType: type, at: now })
    : []
  let authorityId = str(shown.authorityId)
  // A sole authority is preselected.
  if (!all.some((a) => String(a.id) === authorityId)) authorityId = all.length === 1 ? String(all[0].id) : ''
  const window = authorityId ? await bureau.certification.windowFor(db, Number(authorityId), now) : undefined
  const isOpen = open.some((a) => String(a.id) === authorityId)
  const points =
    authorityId && isOpen ? await bureau.certification.pointsFor(db, Number(authorityId), now) : []
  const pointId = points.some((p) => String(p.id) === str(shown.pointId))
    ? str(shown.pointId)
    : points.length === 1
      ? String(points[0].id)
      : ''
  const message = !authorityId
    ? ''
    : !window
      ? m.NO_PLAN
      : !isOpen
        ? m.WINDOW_CLOSED
        : !points.length
          ? m.NO_POINT
          : ''
  return {
    typeText: qualificationTypeLabel(type),
    provinces,
    cities,
    authorities: all.map((a) => ({ value: String(a.id), text: a.name })),
    points,
    window,
    message,
    chosen: { provinceCode, cityCode, authorityId, pointId },
    searched: !!cityCode,
    intro: m.AUTHORITY_INTRO,
    noAuthority: m.NO_AUTHORITY,
  }
}

async function authorityErrors(
  services: Services,
  value: Values,
  values: Values,
): Promise<FieldErrors | null> {
  const { db, clock, bureau } = services
  const now = clock.now()
  const provinces = await repo.regionOptions(db, null)
  const province = provinces.find((p) => p.value === value.provinceCode)
  const city =
    province && (await repo.regionOptions(db, province.value)).find((c) => c.value === value.cityCode)
  if (!city) return { cityCode: '请选择认定所在地（市）' }
  const type = str(values.qualificationType)
  if (!isQualificationType(type)) return { authorityId: m.CONDITION_ERRORS.type }
  const authorityId = Number(value.authorityId)
  const here = await bureau.certification.authoritiesFor(db, { cityCode: city.value, qualificationType: '' })
  const authority = here.find((a) => a.id === authorityId)
  if (!authority) return { authorityId: m.NO_AUTHORITY }
  const problem = await authorityProblem(services, authorityId, type, now)
  if (problem) return { authorityId: problem }
  const points = await bureau.certification.pointsFor(db, authorityId, now)
  if (!points.length) return { pointId: m.NO_POINT }
  const point = points.find((p) => p.id === Number(value.pointId))
  if (!point) return { pointId: '请选择确认点' }
  // Names kept with the answers for the review page and the record.
  Object.assign(value, {
    provinceName: province.text,
    cityName: city.text,
    authorityName: authority.name,
    pointName: point.name,
  })
  return null
}
