import type { Services } from '../../services'
import { bindSteps, samePage, type RowField, type StepRow } from '../../web/wizard/table'
import type { Step } from '../../web/wizard/types'
import { ID_PHOTO_FIELD, previewIdPhoto, reviewPage } from '../applications/wizardSteps'
import { str } from '../../web/values'
import * as m from './messages'
import { refOptions } from './repository'
import {
  agreementSchema,
  authoritySchema,
  certificateSchema,
  conditionsSchema,
  informationSchema,
  photoSchema,
} from './schemas'
import { authorityErrors, authorityPage } from './steps/authority'
import { certificateChosen, certificatePage } from './steps/certificate'
import { conditionsErrors, conditionsPage } from './steps/conditions'
import { MANDARIN_OPTIONS, addSchool, informationErrors, informationPage } from './steps/information'
import { photoPage, savePhoto } from './steps/photo'
import { agreementPage, commitmentPage, noticesPage } from './steps/texts'

export { INFO_LISTS, MANDARIN_OPTIONS } from './steps/information'

// The registration wizard as a step table (STYLE.md "Wizards are data"): each row says its path,
// title, schema, next step and review fields; what it does on load and save is named in `does`
// (steps/<step>.ts). The manual's step 2 (填写注册信息) is four pages here — certificate,
// information, conditions, photo — so that each works as a plain form without JavaScript; the step
// bar shows them as one stage.

export const BASE = '/registration/apply'

const REGISTRATION_STEPS: StepRow<Services>[] = [
  {
    path: 'agreement',
    title: m.STEP_BAR_LABELS[0],
    schema: agreementSchema,
    next: 'certificate',
    does: { render: agreementPage },
  },
  {
    path: 'certificate',
    title: '选择本次注册的教师资格证',
    schema: certificateSchema,
    invalidates: ['authority'],
    next: 'information',
    fields: [{ name: 'certNumber', label: '本次注册的教师资格证', format: (v) => str(v) }],
    does: { render: certificatePage, save: certificateChosen },
  },
  {
    path: 'information',
    title: '填写注册信息',
    schema: informationSchema,
    next: 'conditions',
    fields: [
      { name: 'mandarin', label: '普通话证书信息', options: MANDARIN_OPTIONS },
      { name: 'education', label: '最高学历信息', codes: 'education' },
      { name: 'majorCategory', label: '最高学历专业类别', codes: 'major_category' },
      { name: 'major', label: '所学专业', codes: 'major' },
      { name: 'degree', label: '最高学位信息', codes: 'degree' },
      { name: 'graduatedOn', label: '毕业时间', kind: 'date' },
      { name: 'graduationSchool', label: '毕业学校' },
      { name: 'studyForm', label: '学习形式', codes: 'study_form' },
      { name: 'currentSchool', label: '现任教学校' },
      { name: 'schoolLocation', label: '任教学校所在地', codes: 'school_location' },
      { name: 'schoolNature', label: '任教学校性质', codes: 'school_nature' },
      { name: 'title', label: '教师职务（职称）', codes: 'title' },
      { name: 'workStartedOn', label: '开始参加工作时间', kind: 'date' },
      { name: 'household', label: '户籍所在地' },
      { name: 'employedFrom', label: '本单位聘用起始日期', kind: 'date' },
      { name: 'political', label: '政治面貌', codes: 'political_status' },
      { name: 'postNature', label: '岗位性质', codes: 'post_nature' },
      { name: 'address', label: '通讯地址' },
      { name: 'postcode', label: '通讯邮编' },
    ],
    // 查询: the page again with the search results (the other fields kept as typed)
    does: {
      render: informationPage,
      redisplay: { searchSchool: samePage, addSchool },
      save: informationErrors,
    },
  },
  {
    path: 'conditions',
    title: '注册条件',
    schema: conditionsSchema,
    next: 'photo',
    fields: m.CONDITIONS.map((c): RowField<Services> => ({
      name: c.name,
      label: c.label,
      options: { yes: '是', no: '否' },
    })),
    does: { render: conditionsPage, save: conditionsErrors },
  },
  {
    path: 'photo',
    title: '上传照片',
    schema: photoSchema,
    next: 'authority',
    fields: [ID_PHOTO_FIELD],
    does: { render: photoPage, redisplay: { preview: previewIdPhoto }, save: savePhoto },
  },
  {
    path: 'authority',
    title: m.STEP_BAR_LABELS[2],
    schema: authoritySchema,
    next: 'review',
    fields: [
      { name: 'provinceCode', label: '省', format: (_v, v) => str(v.provinceName) },
      { name: 'cityCode', label: '市', format: (_v, v) => str(v.cityName) },
      { name: 'stage', label: '现任教学段', codes: 'teaching_stage' },
      { name: 'subject', label: '现任教学科', codes: 'subject' },
      { name: 'authorityId', label: '注册机构', format: (_v, v) => str(v.authorityName) },
      { name: 'pointId', label: '确认点', format: (_v, v) => str(v.pointName) },
    ],
    does: { render: authorityPage, redisplay: { refresh: samePage }, save: authorityErrors },
  },
  {
    path: 'review',
    title: m.STEP_BAR_LABELS[3],
    summary: true,
    next: 'notices',
    does: { render: reviewPage },
  },
  { path: 'notices', title: m.STEP_BAR_LABELS[4], next: 'commitment', does: { render: noticesPage } },
  {
    path: 'commitment',
    title: m.STEP_BAR_LABELS[5],
    abandon: { required: m.COMMITMENT_REQUIRED, abandoned: m.COMMITMENT_ABANDONED },
    submitLabel: '提交',
    does: { render: commitmentPage },
  },
]

/** A review field's code list (`codes`). */
const codeList = (s: Services, kind: string) => refOptions(s.db, kind)

export const registrationSteps = (services: Services): Step[] =>
  bindSteps(REGISTRATION_STEPS, { ctx: services, codes: codeList })

export const STEP_BAR = [
  { label: m.STEP_BAR_LABELS[0], steps: ['agreement'] },
  { label: m.STEP_BAR_LABELS[1], steps: ['certificate', 'information', 'conditions', 'photo'] },
  { label: m.STEP_BAR_LABELS[2], steps: ['authority'] },
  { label: m.STEP_BAR_LABELS[3], steps: ['review'] },
  { label: m.STEP_BAR_LABELS[4], steps: ['notices'] },
  { label: m.STEP_BAR_LABELS[5], steps: ['commitment'] },
  { label: m.STEP_BAR_LABELS[6], steps: [] as string[] },
]
