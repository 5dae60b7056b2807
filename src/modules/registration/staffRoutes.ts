import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import {
  REGISTRATION_STATUSES,
  transitionNamed,
  transitionsFrom,
  type Transition,
} from '../../domain/registration'
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
  type QueueFilter,
} from '../../web/staffQueue'
import { EXPORT_HEADER, exportCells, type ExportLists } from './export'
import { registrationDetail, sendRegistrationForms } from './recordRoutes'
import { messagesOf, registrationMessages } from './records'
import { refOptions, type RegistrationRow } from './repository'
import { transitionRegistration } from './service'
import { actorKindsFor, scopeOf, registrationQueue } from './staffService'
import { registrationSteps } from './steps'

// 定期注册 in the staff console, under /staff/registrations: the queue of the staff member's points
// (现场确认) and authorities (注册审批), the detail page with its decisions, 留言, export and print.
// An application outside the staff member's scope does not exist for them (404).

export const BASE = '/staff/registrations'

/** Materials most often missing at 现场确认 (the point may add its own in 其他). */
export const COMMON_MATERIALS = [
  '《教师资格定期注册申请表》一式2份',
  '《教师资格证书》原件',
  '身份证原件',
  '聘用合同或劳动合同',
  '年度考核结果证明',
  '培训学时证明（不少于360学时）',
  '师德考核证明',
]

const ID = /^\d{1,15}$/

export const STAFF_MESSAGES = {
  ...DECISION_TEXTS,
  notAllowed: '当前注册结论下不能进行该操作',
  ...MESSAGE_TEXTS,
  ...PRINT_TEXTS,
} as const

export function registrationStaffRoutes(services: Services): Router {
  const { db } = services
  const router = Router()
  router.use(requireStaff(...rolesFor('registration.approve'), ...rolesFor('confirmation.handle')))

  const steps = registrationSteps(services)
  const correctable = steps
    .filter((s) => s.fields && !s.summary)
    .flatMap((s) => s.fields!.map((f) => ({ value: f.name, text: `${s.title}：${f.label}` })))

  const lists = async (): Promise<ExportLists> => ({
    stages: new Map((await refOptions(db, 'teaching_stage')).map((o) => [o.value, o.text])),
    subjects: new Map((await refOptions(db, 'subject')).map((o) => [o.value, o.text])),
  })

  /** The filter from the query; an approver without a point starts on 待注册审批. */
  const filterOf = (req: Request): QueueFilter =>
    queueFilterOf(
      req.query as Record<string, unknown>,
      REGISTRATION_STATUSES,
      scopeOf(req.staff!).points.length ? '' : 'confirmed',
    )

  router.get(
    '/',
    handler(async (req, res) => {
      const filter = filterOf(req)
      const scope = scopeOf(req.staff!)
      const page = pageOf(req)
      const result = await registrationQueue.searchQueue(db, scope, filter, page)
      const l = await lists()
      res.set('Cache-Control', 'no-store')
      res.render('pages/registration/staff/queue.njk', {
        pageTitle: '定期注册申请',
        filter,
        statuses: Object.entries(REGISTRATION_STATUSES).map(([value, text]) => ({ value, text })),
        result: {
          ...result,
          rows: result.rows.map((r) => ({
            ...r,
            stageText: l.stages.get(r.stage) ?? r.stage,
            subjectText: l.subjects.get(r.subject) ?? r.subject,
            statusText: (REGISTRATION_STATUSES as Record<string, string>)[r.status],
            authorityName: String(r.data.authorityName ?? ''),
            pointName: String(r.data.pointName ?? ''),
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
    name: 'registrations',
    sheet: '定期注册',
    header: EXPORT_HEADER,
    audit: { action: 'registration.export', targetType: 'registration' },
    filterOf,
    rows: async (req, filter) => {
      const l = await lists()
      return (await registrationQueue.allInQueue(db, scopeOf(req.staff!), filter)).map((r) =>
        exportCells(r, l),
      )
    },
  })

  const stamp = () => fileStamp(services.clock.now())

  const printForms = (req: Request, res: Response, rows: RegistrationRow[], filename: string) =>
    sendRegistrationForms(req, res, services, rows, {
      account: `staff:${req.staff!.id}`,
      filename,
      download: false,
      back: BASE,
    })

  // 打印申请表: the selected applications as one PDF.
  router.post(
    '/print',
    staffPrintHandler<RegistrationRow>(services, {
      base: BASE,
      queueTitle: '定期注册申请',
      table: 'registrations',
      audit: { action: 'registration.print', targetType: 'registration' },
      scopedIds: (req, ids) => registrationQueue.scopedIds(db, scopeOf(req.staff!), ids),
      send: (req, res, rows) =>
        printForms(req, res, rows, `教师资格定期注册申请表-${stamp()}-${rows.length}份.pdf`),
    }),
  )

  // ---- one application --------------------------------------------------------------------------

  const load = async (req: Request) =>
    ID.test(String(req.params.id))
      ? registrationQueue.scopedApplication(db, scopeOf(req.staff!), Number(req.params.id))
      : undefined

  router.get(
    '/:id/form',
    handler(async (req, res, next) => {
      const row = await load(req)
      if (!row) return next()
      await printForms(req, res, [row], `教师资格定期注册申请表-${row.number}.pdf`)
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
      res.render('pages/registration/staff/detail.njk', {
        ...(await registrationDetail(req, services, row)),
        pageTitle: `定期注册申请 ${row.number}`,
        actions: [...actions.values()],
        materials: COMMON_MATERIALS,
        correctable,
        messages: (await messagesOf(db, Number(row.id))).map((m) => ({
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
      correctable,
      notAllowed: STAFF_MESSAGES.notAllowed,
      decide: async (req, row, d) => {
        const outcome = await transitionRegistration(db, services, {
          registrationId: Number(row.id),
          ...d,
          actor: { kind: d.kind, id: Number(req.staff!.id), audit: staffActor(req) },
        })
        return outcome.ok ? { ok: true } : outcome
      },
    }),
  )

  router.post('/:id/messages', staffMessageHandler(services, registrationMessages, { base: BASE, load }))

  return router
}
