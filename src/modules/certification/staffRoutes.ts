import { Router } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import {
  CERTIFICATION_STATUSES,
  qualificationTypeLabel,
  certificationTransitions,
} from '../../domain/certification'
import { rolesFor } from '../../domain/roles'
import { trimmed } from '../../web/values'
import { DECISION_TEXTS, PRINT_TEXTS, MESSAGE_TEXTS } from '../applications/staffHandlers'
import { addStaffPages } from '../applications/staffPages'
import { certificationDetail } from './detail'
import { transitionCertification } from './issue'
import { certificationForm } from './form'
import { STATUS_TABLES } from './repository'
import { certificationMessages } from './records'
import { certificationExport } from './export'
import { certificationQueue, scopeOf } from './staffService'

// 教师资格认定 in the staff console, under /staff/certifications: the queue of the staff member's
// points (现场确认) and authorities (认定审批), the detail page with its decisions, 留言, export and
// print (src/modules/applications/staffPages.ts), with certification's columns, words and decisions.

export const BASE = '/staff/certifications'

/** Materials most often missing at 现场确认 (the point may add its own in 其他). */
const COMMON_MATERIALS = [
  '《教师资格认定申请表》',
  '身份证原件',
  '学历证书原件',
  '普通话水平测试等级证书原件',
  '体检合格证明',
  '考试合格证明',
  '近期免冠正面白底证件照',
  '个人承诺书',
]

/** 退回修改 names what to change: 认定信息's fields (修改 offers them). */
const CORRECTABLE = [
  ['ethnicity', '民族'],
  ['political', '政治面貌'],
  ['majorCategory', '专业类别'],
  ['studyForm', '学习形式'],
  ['employer', '工作单位'],
  ['occupation', '现从事职业'],
  ['technicalTitle', '专业技术职务'],
  ['household', '户籍所在地'],
  ['birthplace', '出生地'],
  ['address', '通讯地址'],
  ['postcode', '邮编'],
  ['telephone', '联系电话'],
  ['mobile', '手机'],
].map(([value, text]) => ({ value, text: `认定信息：${text}` }))

export const STAFF_MESSAGES = {
  ...DECISION_TEXTS,
  notAllowed: '当前认定状态下不能进行该操作',
  noBureauCode: '该认定机构尚未设置证书编号机构代码，不能生成证书号码，请联系管理员在认定机构设置中填写。',
  ...MESSAGE_TEXTS,
  ...PRINT_TEXTS,
} as const

export function certificationStaffRoutes(services: Services): Router {
  const router = Router()
  router.use(requireStaff(...rolesFor('certification.approve'), ...rolesFor('confirmation.handle')))

  addStaffPages(router, services, {
    base: BASE,
    title: '教师资格认定申请',
    views: 'pages/certification/staff',
    statuses: CERTIFICATION_STATUSES,
    // an approver without a point starts on 待审核
    approverStatus: 'awaiting_review',
    scopeOf,
    queue: certificationQueue,
    queueColumns: async () => (r) => ({
      typeText: qualificationTypeLabel(r.qualification_type),
      pointName: trimmed(r.data.pointName),
    }),
    tables: STATUS_TABLES,
    exportFile: certificationExport,
    form: certificationForm,
    detail: (req, row) => certificationDetail(req, services, row),
    transitions: certificationTransitions,
    materials: async () => COMMON_MATERIALS,
    correctable: CORRECTABLE,
    notAllowed: STAFF_MESSAGES.notAllowed,
    refusalText: (reason) => (reason === 'no_bureau_code' ? STAFF_MESSAGES.noBureauCode : undefined),
    decide: async (req, row, d) => {
      const outcome = await transitionCertification(services, {
        applicationId: Number(row.id),
        ...d,
        actor: { kind: d.kind, id: Number(req.staff!.id), audit: req.actor },
      })
      return outcome.ok
        ? { ok: true, done: outcome.certificateNumber && `证书号码 ${outcome.certificateNumber}` }
        : outcome
    },
    messages: certificationMessages,
  })

  return router
}
