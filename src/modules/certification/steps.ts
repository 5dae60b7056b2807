import type { Services } from '../../services'
import { qualificationTypeLabel } from '../../domain/certification'
import { cropActionOf } from '../../web/crop'
import { bindSteps, samePage, type StepRow } from '../../web/wizard/table'
import type { Step, Values } from '../../web/wizard/types'
import { ID_PHOTO_FIELD, previewIdPhoto, reviewPage, stillThere } from '../applications/wizardSteps'
import { str } from '../../web/values'
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
import { authorityErrors, authorityPage } from './steps/authority'
import { collectionErrors, collectionPage } from './steps/collection'
import { commitmentScanPage, cropActions, previewScan, saveCommitmentScan } from './steps/commitmentScan'
import { conditionsPage, leaveToAdd, saveConditions, syncStudent } from './steps/conditions'
import { informationErrors, informationPage } from './steps/information'
import { addRow, removeRows, resumePage, resumeText, saveResume } from './steps/resume'
import { agreementPage, commitmentPage, noticesPage } from './steps/texts'

export { applicantOf } from './steps/applicant'
export { INFO_LISTS } from './steps/information'
export { RESUME_COLUMNS, resumeRows } from './steps/resume'

// The certification wizard as a step table (STYLE.md "Wizards are data"), in manual 000 §3.2's
// order and with its labels: ten steps, then the 申报提醒 page (routes.ts). Each row says its path,
// title, schema, next step and review fields; what it does on load and save is named in `does`
// (steps/<step>.ts).

export const BASE = '/certification/apply'

const whenFresh = (fresh: 'yes' | 'no') => (v: Values) => v.freshGraduate === fresh
const byPost = (v: Values) => v.collection === 'post'
const textOf = (field: string) => (_v: unknown, v: Values) => str(v[field])

const CERTIFICATION_STEPS: StepRow<Services>[] = [
  {
    path: 'agreement',
    title: m.STEP_TITLES.agreement,
    schema: agreementSchema,
    next: 'conditions',
    does: { render: agreementPage },
  },
  {
    path: 'conditions',
    title: m.STEP_TITLES.conditions,
    schema: conditionsSchema,
    invalidates: ['authority', 'information'],
    next: 'authority',
    leave: leaveToAdd,
    fields: [
      { name: 'examRoute', label: '考试形式', options: m.EXAM_ROUTES },
      { name: 'examPass', label: '考试合格证明', format: textOf('examPassText') },
      { name: 'qualificationType', label: '申请资格种类', format: (t) => qualificationTypeLabel(str(t)) },
      { name: 'subject', label: '任教学科' },
      { name: 'mandarin', label: '普通话证书', format: textOf('mandarinText') },
      { name: 'freshGraduate', label: '是否应届毕业生', options: { yes: '是', no: '否' } },
      { name: 'education', label: '学历', format: textOf('educationText'), showIf: whenFresh('no') },
      { name: 'degree', label: '学位', format: textOf('degreeText'), showIf: whenFresh('no') },
      { name: 'studentStatus', label: '学籍', format: textOf('studentStatusText'), showIf: whenFresh('yes') },
    ],
    does: {
      render: conditionsPage,
      redisplay: { refresh: samePage, syncStudent },
      save: saveConditions,
    },
  },
  {
    path: 'authority',
    title: m.STEP_TITLES.authority,
    schema: authoritySchema,
    invalidates: ['collection'],
    next: 'information',
    fields: [
      {
        name: 'provinceCode',
        label: '认定所在地',
        format: (_v, v) => `${str(v.provinceName)} ${str(v.cityName)}`,
      },
      { name: 'authorityId', label: '认定机构', format: textOf('authorityName') },
      { name: 'pointId', label: '确认点', format: textOf('pointName') },
    ],
    does: { render: authorityPage, redisplay: { refresh: samePage }, save: authorityErrors },
  },
  {
    path: 'information',
    title: m.STEP_TITLES.information,
    schema: informationSchema,
    next: 'commitment-scan',
    fields: [
      { name: 'ethnicity', label: '民族', codes: 'ethnicity' },
      { name: 'political', label: '政治面貌', codes: 'political_status' },
      { name: 'majorCategory', label: '专业类别', codes: 'major_category' },
      { name: 'studyForm', label: '学习形式', codes: 'study_form' },
      { name: 'employer', label: '工作单位' },
      { name: 'occupation', label: '现从事职业' },
      { name: 'technicalTitle', label: '专业技术职务' },
      { name: 'household', label: '户籍所在地' },
      { name: 'birthplace', label: '出生地' },
      { name: 'address', label: '通讯地址' },
      { name: 'postcode', label: '邮编' },
      { name: 'telephone', label: '联系电话' },
      { name: 'mobile', label: '手机' },
      ID_PHOTO_FIELD,
    ],
    does: { render: informationPage, redisplay: { preview: previewIdPhoto }, save: informationErrors },
  },
  {
    path: 'commitment-scan',
    title: m.STEP_TITLES.commitmentScan,
    schema: commitmentScanSchema,
    next: 'collection',
    // A click on the scan (an <input type="image">) posts corner.x / corner.y and no _action.
    redisplayAction: cropActionOf,
    fields: [
      {
        name: 'commitmentFileId',
        label: '个人承诺书',
        format: (v) => (v ? '已上传' : ''),
        check: stillThere('commitment_scan'),
      },
      {
        name: 'cropFileId',
        check: stillThere('commitment_crop'),
        label: '个人承诺书（裁剪）',
        format: (_v, v) =>
          v.cropFileId
            ? `左${str(v.cropLeft)}、上${str(v.cropTop)}、宽${str(v.cropWidth)}、高${str(v.cropHeight)}像素`
            : '',
      },
    ],
    does: {
      render: commitmentScanPage,
      redisplay: { preview: previewScan, ...cropActions },
      save: saveCommitmentScan,
    },
  },
  {
    path: 'collection',
    title: m.STEP_TITLES.collection,
    schema: collectionSchema,
    next: 'resume',
    fields: [
      { name: 'collection', label: '证书领取方式', options: m.COLLECTION },
      { name: 'recipient', label: '收件人', showIf: byPost },
      { name: 'recipientPhone', label: '收件人手机', showIf: byPost },
      { name: 'postAddress', label: '邮寄地址', showIf: byPost },
      { name: 'postPostcode', label: '邮编', showIf: byPost },
    ],
    does: { render: collectionPage, redisplay: { refresh: samePage }, save: collectionErrors },
  },
  {
    path: 'resume',
    title: m.STEP_TITLES.resume,
    schema: resumeSchema,
    next: 'review',
    fields: [{ name: 'rowStart', label: '个人简历', format: resumeText }],
    does: { render: resumePage, redisplay: { addRow, ...removeRows }, save: saveResume },
  },
  {
    path: 'review',
    title: m.STEP_TITLES.review,
    summary: true,
    next: 'notices',
    does: { render: reviewPage },
  },
  { path: 'notices', title: m.STEP_TITLES.notices, next: 'commitment', does: { render: noticesPage } },
  {
    path: 'commitment',
    title: m.STEP_TITLES.commitment,
    abandon: { required: m.COMMITMENT_REQUIRED, abandoned: m.COMMITMENT_ABANDONED },
    submitLabel: '提交',
    does: { render: commitmentPage },
  },
]

/** A review field's code list (`codes`). */
const codeList = (s: Services, kind: string) => repo.refOptions(s.db, kind)

export const certificationSteps = (services: Services): Step[] =>
  bindSteps(CERTIFICATION_STEPS, { ctx: services, codes: codeList })
