import type { Request } from 'express'
import type { Services } from '../../services'
import { DOC_TYPE_LABELS, checkDocNumber, type DocNumberViewer, type DocType } from '../../domain/idNumber'
import { MANDARIN_GRADES } from '../../domain/mandarin'
import { certCoversStage } from '../../domain/registration'
import { shanghaiDate } from '../../domain/time'
import { codeName } from '../../services/reference'
import type { FieldErrors } from '../../web/forms'
import { fileStillThere, receiveUpload, receivedId, uploadError, uploadField } from '../../web/uploads'
import type { ReviewField, Step, Values } from '../../web/wizard/types'
import type { AuthorityInfo, PointInfo } from './bureau'
import * as m from './messages'
import {
  certificatesOf,
  refOptions,
  regionOptions,
  schoolNamed,
  searchSchools,
  settingLines,
  subjectNames,
  type Option,
} from './repository'
import {
  agreementSchema,
  authoritySchema,
  certificateSchema,
  conditionsSchema,
  informationSchema,
  photoSchema,
} from './schemas'
import { applicantIdentity } from '../applications/repository'
import { str } from '../../web/values'

// The registration wizard as a step table (STYLE.md "Wizards are data"). The manual's step 2
// (填写注册信息) is four pages here — certificate, information, conditions, photo — so that each
// works as a plain form without JavaScript; the step bar shows them as one stage.

export const BASE = '/registration/apply'

type Db = Services['db']

export const MANDARIN_OPTIONS: Option[] = [
  ...MANDARIN_GRADES.map((g) => ({ value: g, text: g })),
  { value: 'none', text: '无' },
]

/** Select fields of the information page and their ref_codes lists. */
export const INFO_LISTS: Record<string, string> = {
  education: 'education',
  majorCategory: 'major_category',
  major: 'major',
  degree: 'degree',
  studyForm: 'study_form',
  schoolLocation: 'school_location',
  schoolNature: 'school_nature',
  title: 'title',
  political: 'political_status',
  postNature: 'post_nature',
}

const NO_SCHOOLING = '61'

const applicantOf = (req: Request) => req.applicant!
const owner = (req: Request) => ({ kind: 'applicant' as const, id: applicantOf(req).id })

export function registrationSteps(services: Services): Step[] {
  const { db, clock } = services
  const lists = async () =>
    Object.fromEntries(
      await Promise.all(Object.entries(INFO_LISTS).map(async ([f, kind]) => [f, await refOptions(db, kind)])),
    ) as Record<string, Option[]>
  const ref = (kind: string) => () => refOptions(db, kind)

  return [
    {
      path: 'agreement',
      title: m.STEP_BAR_LABELS[0],
      schema: agreementSchema,
      beforeRender: () => ({ clauses: m.AGREEMENT_CLAUSES }),
      next: 'certificate',
    },
    {
      path: 'certificate',
      title: '选择本次注册的教师资格证',
      schema: certificateSchema,
      invalidates: ['authority'],
      beforeRender: async (req) => {
        const subject = await subjectNames(db)
        return {
          identity: await identityOf(db, req),
          certificates: (await certificatesOf(db, applicantOf(req))).map((c) => ({
            ...c,
            subject: subject(c.subject),
          })),
          types: Object.fromEntries(
            (await refOptions(db, 'qualification_type')).map((o) => [o.value, o.text]),
          ),
        }
      },
      beforeSave: async (req, value) => {
        const mine = await certificatesOf(db, applicantOf(req))
        return mine.some((c) => c.certNumber === value.certNumber)
          ? null
          : { certNumber: m.CERTIFICATE_REQUIRED }
      },
      next: 'information',
      fields: [
        {
          name: 'certNumber',
          label: '本次注册的教师资格证',
          format: (v) => str(v),
        },
      ],
    },
    {
      path: 'information',
      title: '填写注册信息',
      schema: informationSchema,
      beforeRender: async (_req, _values, shown) => {
        const query = str(shown.schoolQuery).trim()
        return {
          lists: await lists(),
          mandarin: MANDARIN_OPTIONS,
          schoolTypes: await refOptions(db, 'school_type'),
          schoolQuery: query,
          schoolResults: query ? await searchSchools(db, query) : null,
        }
      },
      redisplay: {
        // 查询: the page again with the search results (the other fields kept as typed)
        searchSchool: (posted) => posted,
        // 新增确认: the school typed in becomes the answer, with its 办学类型
        addSchool: (posted) => {
          const name = str(posted.newSchoolName).trim()
          if (!name || !str(posted.newSchoolType)) return { ...posted, schoolQuery: name }
          return {
            ...posted,
            graduationSchool: name,
            graduationSchoolType: str(posted.newSchoolType),
            graduationSchoolNew: 'yes',
            schoolQuery: '',
          }
        },
      },
      beforeSave: async (_req, value) => informationErrors(db, clock.now(), value),
      next: 'conditions',
      fields: [
        { name: 'mandarin', label: '普通话证书信息', options: MANDARIN_OPTIONS },
        { name: 'education', label: '最高学历信息', options: ref('education') },
        { name: 'majorCategory', label: '最高学历专业类别', options: ref('major_category') },
        { name: 'major', label: '所学专业', options: ref('major') },
        { name: 'degree', label: '最高学位信息', options: ref('degree') },
        { name: 'graduatedOn', label: '毕业时间', kind: 'date' },
        { name: 'graduationSchool', label: '毕业学校' },
        { name: 'studyForm', label: '学习形式', options: ref('study_form') },
        { name: 'currentSchool', label: '现任教学校' },
        { name: 'schoolLocation', label: '任教学校所在地', options: ref('school_location') },
        { name: 'schoolNature', label: '任教学校性质', options: ref('school_nature') },
        { name: 'title', label: '教师职务（职称）', options: ref('title') },
        { name: 'workStartedOn', label: '开始参加工作时间', kind: 'date' },
        { name: 'household', label: '户籍所在地' },
        { name: 'employedFrom', label: '本单位聘用起始日期', kind: 'date' },
        { name: 'political', label: '政治面貌', options: ref('political_status') },
        { name: 'postNature', label: '岗位性质', options: ref('post_nature') },
        { name: 'address', label: '通讯地址' },
        { name: 'postcode', label: '通讯邮编' },
      ],
    },
    {
      path: 'conditions',
      title: '注册条件',
      schema: conditionsSchema,
      beforeRender: () => ({ conditions: m.CONDITIONS }),
      beforeSave: (_req, value) => {
        const errors: FieldErrors = {}
        for (const c of m.CONDITIONS)
          if (value[c.name] === 'no') errors[c.name] = m.CONDITION_REFUSALS[c.name]
        return errors
      },
      next: 'photo',
      fields: m.CONDITIONS.map((c): ReviewField => ({
        name: c.name,
        label: c.label,
        options: { yes: '是', no: '否' },
      })),
    },
    {
      path: 'photo',
      title: '上传照片',
      schema: photoSchema,
      beforeRender: async (req, values, shown) => ({
        clarity: m.PHOTO_CLARITY,
        multipart: true,
        upload: await uploadField(db, {
          field: 'photo',
          kind: 'id_photo',
          owner: owner(req),
          values: { ...shown, photoFileId: shown.photoFileId ?? values.photoFileId },
        }),
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
      beforeSave: async (req, value) => {
        const received = await receiveUpload(db, req, {
          field: 'photo',
          kind: 'id_photo',
          owner: owner(req),
          now: clock.now(),
        })
        const error = uploadError(received)
        if (error) return { photo: error }
        value.photoFileId = receivedId(received)
        return null
      },
      next: 'authority',
      fields: [
        {
          name: 'photoFileId',
          label: '证件照',
          format: (v) => (v ? '已上传' : ''),
          check: fileStillThere(db, 'id_photo', owner),
        },
      ],
    },
    {
      path: 'authority',
      title: m.STEP_BAR_LABELS[2],
      schema: authoritySchema,
      beforeRender: async (req, values, shown) => authorityLists(services, req, values, shown),
      redisplay: { refresh: (posted) => posted },
      beforeSave: async (req, value, values) => authorityErrors(services, req, value, values),
      next: 'review',
      fields: [
        { name: 'provinceCode', label: '省', format: (_v, v) => str(v.provinceName) },
        { name: 'cityCode', label: '市', format: (_v, v) => str(v.cityName) },
        { name: 'stage', label: '现任教学段', options: ref('teaching_stage') },
        { name: 'subject', label: '现任教学科', options: ref('subject') },
        { name: 'authorityId', label: '注册机构', format: (_v, v) => str(v.authorityName) },
        { name: 'pointId', label: '确认点', format: (_v, v) => str(v.pointName) },
      ],
    },
    {
      path: 'review',
      title: m.STEP_BAR_LABELS[3],
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
      title: m.STEP_BAR_LABELS[4],
      beforeRender: async () => ({
        notices: (await settingLines(db, 'registration_notices')) ?? m.NOTICES_DEFAULT,
      }),
      next: 'commitment',
    },
    {
      path: 'commitment',
      title: m.STEP_BAR_LABELS[5],
      abandon: { required: m.COMMITMENT_REQUIRED, abandoned: m.COMMITMENT_ABANDONED },
      submitLabel: '提交',
      beforeRender: () => ({ text: m.COMMITMENT_TEXT, hint: m.COMMITMENT_HINT }),
    },
  ]
}

export const STEP_BAR = [
  { label: m.STEP_BAR_LABELS[0], steps: ['agreement'] },
  { label: m.STEP_BAR_LABELS[1], steps: ['certificate', 'information', 'conditions', 'photo'] },
  { label: m.STEP_BAR_LABELS[2], steps: ['authority'] },
  { label: m.STEP_BAR_LABELS[3], steps: ['review'] },
  { label: m.STEP_BAR_LABELS[4], steps: ['notices'] },
  { label: m.STEP_BAR_LABELS[5], steps: ['commitment'] },
  { label: m.STEP_BAR_LABELS[6], steps: [] as string[] },
]

/** 填写身份信息 (read-only): as the account holds it. */
export async function identityOf(db: Db, req: Request) {
  const a = await applicantIdentity(db, applicantOf(req).id)
  const ethnicity = a?.ethnicity ? await codeName(db, 'ethnicity', a.ethnicity) : ''
  // An identity card says the sex and the birth date itself when the account does not hold them.
  // (A far 'today': the number is only read here, not judged.)
  const fromNumber =
    a?.doc_type === 'id_card' && a.doc_number ? checkDocNumber('id_card', a.doc_number, '9999-12-31') : null
  const derived = fromNumber?.ok ? fromNumber : { sex: undefined, birthDate: undefined }
  const birth = a?.birth_date
    ? a.birth_date instanceof Date
      ? shanghaiDate(a.birth_date)
      : String(a.birth_date)
    : (derived.birthDate ?? '')
  return {
    name: a?.name ?? '',
    docType: DOC_TYPE_LABELS[a?.doc_type as DocType] ?? '',
    docNumber: a?.doc_number ?? '',
    ethnicity,
    sex: (a?.sex ?? derived.sex) === 'M' ? '男' : (a?.sex ?? derived.sex) === 'F' ? '女' : '',
    birth: birth.slice(0, 7),
  }
}

async function informationErrors(db: Db, now: Date, value: Values): Promise<FieldErrors> {
  const errors: FieldErrors = {}
  if (!MANDARIN_OPTIONS.some((o) => o.value === value.mandarin)) errors.mandarin = '请选择普通话证书信息'
  const options: Record<string, Option[]> = {}
  for (const [field, kind] of Object.entries(INFO_LISTS)) {
    options[field] = await refOptions(db, kind)
    if (!options[field].some((o) => o.value === value[field])) errors[field] = '请从列表中选择'
  }
  if (value.education === NO_SCHOOLING && value.major !== 'none') errors.major = m.MAJOR_NONE_ONLY
  const nature = options.schoolNature.find((o) => o.value === value.schoolNature)
  const post = options.postNature.find((o) => o.value === value.postNature)
  if (nature && post && nature.group !== post.group) errors.postNature = m.POST_NATURE_MISMATCH
  const today = shanghaiDate(now)
  for (const f of ['graduatedOn', 'workStartedOn', 'employedFrom'])
    if (!errors[f] && str(value[f]) > today) errors[f] = m.DATE_ORDER.future
  if (!errors.employedFrom && str(value.employedFrom) < str(value.workStartedOn))
    errors.employedFrom = m.DATE_ORDER.employedBeforeWork
  if (value.graduationSchoolNew === 'yes') {
    const types = await refOptions(db, 'school_type')
    if (!types.some((t) => t.value === value.graduationSchoolType)) errors.graduationSchool = '请选择办学类型'
  } else if (!(await schoolNamed(db, str(value.graduationSchool)))) {
    errors.graduationSchool = m.SCHOOL_NOT_FOUND
  }
  return errors
}

async function authorityLists(services: Services, req: Request, values: Values, shown: Values) {
  const { db, clock } = services
  const bureau = services.bureau.registration
  const provinceCode = str(shown.provinceCode)
  const provinces = await regionOptions(db, null)
  const cities = provinces.some((p) => p.value === provinceCode) ? await regionOptions(db, provinceCode) : []
  const cityCode = cities.some((c) => c.value === str(shown.cityCode)) ? str(shown.cityCode) : ''
  const stages = await refOptions(db, 'teaching_stage')
  const stage = stages.some((s) => s.value === str(shown.stage)) ? str(shown.stage) : ''
  const authorities: AuthorityInfo[] =
    cityCode && stage ? await bureau.openAuthorities(db, { cityCode, stage, now: clock.now() }) : []
  let authorityId = str(shown.authorityId)
  // A sole authority is preselected.
  if (!authorities.some((a) => String(a.id) === authorityId))
    authorityId = authorities.length === 1 ? String(authorities[0].id) : ''
  const points: PointInfo[] = authorityId ? await bureau.pointsFor(db, Number(authorityId)) : []
  const suggested = authorityId
    ? await bureau.suggestPoint(db, Number(authorityId), str(values.currentSchool))
    : undefined
  let pointId = str(shown.pointId)
  if (!points.some((p) => String(p.id) === pointId))
    pointId = suggested && points.some((p) => p.id === suggested.id) ? String(suggested.id) : ''
  const window = authorityId ? await bureau.windowFor(db, Number(authorityId)) : undefined
  return {
    provinces,
    cities,
    stages,
    subjects: await refOptions(db, 'subject'),
    authorities: authorities.map((a) => ({ value: String(a.id), text: a.name })),
    points,
    suggestedPointId: suggested ? String(suggested.id) : '',
    window,
    chosen: { provinceCode, cityCode, stage, authorityId, pointId },
    searched: !!(cityCode && stage),
    applicantName: req.applicant?.name,
  }
}

async function authorityErrors(
  services: Services,
  req: Request,
  value: Values,
  values: Values,
): Promise<FieldErrors> {
  const { db, clock } = services
  const bureau = services.bureau.registration
  const errors: FieldErrors = {}
  const cities = await regionOptions(db, str(value.provinceCode))
  const city = cities.find((c) => c.value === value.cityCode)
  if (!city) errors.cityCode = '请选择市'
  const subjects = await refOptions(db, 'subject')
  if (!subjects.some((s) => s.value === value.subject)) errors.subject = '请选择现任教学科'
  const stages = await refOptions(db, 'teaching_stage')
  if (!stages.some((s) => s.value === value.stage)) errors.stage = '请选择现任教学段'
  if (hasAny(errors)) return errors
  const open = await bureau.openAuthorities(db, {
    cityCode: str(value.cityCode),
    stage: str(value.stage),
    now: clock.now(),
  })
  const authority = open.find((a) => a.id === Number(value.authorityId))
  if (!authority) return { authorityId: open.length ? m.WINDOW_CLOSED : m.NO_AUTHORITY }
  const points = await bureau.pointsFor(db, authority.id)
  if (!points.length) return { pointId: m.NO_POINT }
  const point = points.find((p) => p.id === Number(value.pointId))
  if (!point) return { pointId: '请选择确认点' }
  const certType = await certificateType(services, req, str(values.certNumber))
  if (certType && !certCoversStage(certType, str(value.stage))) return { stage: m.STAGE_CERT_MISMATCH }
  // Names kept with the answers for the review page and the record.
  Object.assign(value, {
    provinceName: (await regionOptions(db, null)).find((p) => p.value === value.provinceCode)?.text ?? '',
    cityName: city!.text,
    authorityName: authority.name,
    pointName: point.name,
  })
  return errors
}

const hasAny = (e: FieldErrors) => Object.keys(e).length > 0

async function certificateType(services: Services, req: Request, certNumber: string) {
  const mine = await certificatesOf(services.db, applicantOf(req))
  return mine.find((c) => c.certNumber === certNumber)?.qualificationType
}
