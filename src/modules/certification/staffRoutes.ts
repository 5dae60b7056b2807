import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import {
  CERTIFICATION_STATUSES,
  certificationStatusLabel,
  qualificationTypeLabel,
  transitionNamed,
  transitionsFrom,
  type Transition,
} from '../../domain/certification'
import { rolesFor } from '../../domain/roles'
import { shanghaiDateTime } from '../../domain/time'
import { handler } from '../../web/async'
import {
  addExportRoutes,
  DECISION_TEXTS,
  fileStamp,
  PRINT_TEXTS,
  pageOf,
  queueFilterOf,
  queueLinks,
  MESSAGE_TEXTS,
  staffActor,
  staffDecisionHandler,
  staffMessageHandler,
  staffPrintHandler,
  str,
  type QueueFilter,
} from '../../web/staffQueue'
import { certificationDetail } from './detail'
import { transitionCertification } from './issue'
import { sendCertificationForms } from './recordRoutes'
import { certificationMessages } from './records'
import type { ApplicationRow } from './repository'
import { actorKindsFor, scopeOf, type QueueRow, certificationQueue } from './staffService'

// 教师资格认定 in the staff console, under /staff/certifications: the queue of the staff member's
// points (现场确认) and authorities (认定审批), the detail page with its decisions, 留言, export and
// print. An application outside the staff member's scope does not exist for them (404).

export const BASE = '/staff/certifications'

/** Materials most often missing at 现场确认 (the point may add its own in 其他). */
export const COMMON_MATERIALS = [
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

const ID = /^\d{1,15}$/

export const STAFF_MESSAGES = {
  ...DECISION_TEXTS,
  notAllowed: '当前认定状态下不能进行该操作',
  noBureauCode: '该认定机构尚未设置证书编号机构代码，不能生成证书号码，请联系管理员在认定机构设置中填写。',
  ...MESSAGE_TEXTS,
  ...PRINT_TEXTS,
} as const

export const EXPORT_HEADER = [
  '报名号',
  '姓名',
  '证件号码',
  '申请资格种类',
  '任教学科',
  '认定状态',
  '认定机构',
  '确认点',
  '证书号码',
  '提交时间',
] as const

const exportCells = (r: QueueRow): string[] => [
  r.number,
  r.name,
  r.doc_number,
  qualificationTypeLabel(r.qualification_type),
  r.subject,
  certificationStatusLabel(r.status),
  str(r.data?.authorityName),
  str(r.data?.pointName),
  r.certificate_number ?? '',
  shanghaiDateTime(r.submitted_at),
]

export function certificationStaffRoutes(services: Services): Router {
  const { db } = services
  const router = Router()
  router.use(requireStaff(...rolesFor('certification.approve'), ...rolesFor('confirmation.handle')))

  /** The filter from the query; an approver without a point starts on 待审核. */
  const filterOf = (req: Request): QueueFilter =>
    queueFilterOf(
      req.query as Record<string, unknown>,
      CERTIFICATION_STATUSES,
      scopeOf(req.staff!).points.length ? '' : 'awaiting_review',
    )

  router.get(
    '/',
    handler(async (req, res) => {
      const filter = filterOf(req)
      const scope = scopeOf(req.staff!)
      const result = await certificationQueue.searchQueue(db, scope, filter, pageOf(req))
      res.set('Cache-Control', 'no-store')
      res.render('pages/certification/staff/queue.njk', {
        pageTitle: '教师资格认定申请',
        filter,
        statuses: Object.entries(CERTIFICATION_STATUSES).map(([value, text]) => ({ value, text })),
        result: {
          ...result,
          rows: result.rows.map((r) => ({
            ...r,
            typeText: qualificationTypeLabel(r.qualification_type),
            statusText: certificationStatusLabel(r.status),
            pointName: str(r.data.pointName),
            submittedAt: shanghaiDateTime(r.submitted_at),
          })),
        },
        ...queueLinks(BASE, filter, result),
        isApprover: scope.authorities.length > 0,
        isClerk: scope.points.length > 0,
      })
    }),
  )

  addExportRoutes(router, services, {
    name: 'certifications',
    sheet: '教师资格认定',
    header: EXPORT_HEADER,
    audit: { action: 'certification.export', targetType: 'certification_application' },
    filterOf,
    rows: async (req, filter) =>
      (await certificationQueue.allInQueue(db, scopeOf(req.staff!), filter)).map(exportCells),
  })

  const stamp = () => fileStamp(services.clock.now())

  const printForms = (req: Request, res: Response, rows: ApplicationRow[], filename: string) =>
    sendCertificationForms(req, res, services, rows, {
      account: `staff:${req.staff!.id}`,
      filename,
      download: false,
      back: BASE,
    })

  // 打印申请表: the selected applications as one PDF.
  router.post(
    '/print',
    staffPrintHandler<ApplicationRow>(services, {
      base: BASE,
      queueTitle: '教师资格认定申请',
      table: 'certification_applications',
      audit: { action: 'certification.print', targetType: 'certification_application' },
      scopedIds: (req, ids) => certificationQueue.scopedIds(db, scopeOf(req.staff!), ids),
      send: (req, res, rows) =>
        printForms(req, res, rows, `教师资格认定申请表-${stamp()}-${rows.length}份.pdf`),
    }),
  )

  // ---- one application --------------------------------------------------------------------------

  const load = async (req: Request) =>
    ID.test(String(req.params.id))
      ? certificationQueue.scopedApplication(db, scopeOf(req.staff!), Number(req.params.id))
      : undefined

  router.get(
    '/:id/form',
    handler(async (req, res, next) => {
      const row = await load(req)
      if (!row) return next()
      await printForms(req, res, [row], `教师资格认定申请表-${row.number}.pdf`)
    }),
  )

  router.get(
    '/:id',
    handler(async (req, res, next) => {
      const row = await load(req)
      if (!row) return next()
      const kinds = actorKindsFor(scopeOf(req.staff!), row)
      const actions = new Map<string, Transition>()
      for (const k of kinds) for (const t of transitionsFrom(row.status, k)) actions.set(t.name, t)
      res.set('Cache-Control', 'no-store')
      res.render('pages/certification/staff/detail.njk', {
        ...(await certificationDetail(req, services, row)),
        pageTitle: `教师资格认定申请 ${row.number}`,
        actions: [...actions.values()],
        materials: COMMON_MATERIALS,
        correctable: CORRECTABLE,
        messages: (await certificationMessages.list(db, Number(row.id))).map((m) => ({
          ...m,
          at: shanghaiDateTime(m.created_at),
        })),
      })
    }),
  )

  router.post(
    '/:id/transition',
    staffDecisionHandler({
      base: BASE,
      load,
      scope: (req) => scopeOf(req.staff!),
      transitionNamed,
      correctable: CORRECTABLE,
      notAllowed: STAFF_MESSAGES.notAllowed,
      refusalText: (reason) => (reason === 'no_bureau_code' ? STAFF_MESSAGES.noBureauCode : undefined),
      decide: async (req, row, d) => {
        const outcome = await transitionCertification(services, {
          applicationId: Number(row.id),
          ...d,
          actor: { kind: d.kind, id: Number(req.staff!.id), audit: staffActor(req) },
        })
        return outcome.ok
          ? { ok: true, done: outcome.certificateNumber && `证书号码 ${outcome.certificateNumber}` }
          : outcome
      },
    }),
  )

  router.post('/:id/messages', staffMessageHandler(services, certificationMessages, { base: BASE, load }))

  return router
}
