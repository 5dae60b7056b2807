import { Router } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { REGISTRATION_STATUSES, registrationTransitions } from '../../domain/registration'
import { rolesFor } from '../../domain/roles'
import { DECISION_TEXTS, PRINT_TEXTS, MESSAGE_TEXTS } from '../applications/staffHandlers'
import { addStaffPages } from '../applications/staffPages'
import { getSettings, textOf } from '../staff/settings'
import { exportLists, registrationExport } from './export'
import { registrationDetail } from './detail'
import { registrationForm } from './form'
import { STATUS_TABLES } from './repository'
import { registrationMessages } from './records'
import { transitionRegistration } from './service'
import { registrationQueue, scopeOf } from './staffService'
import { registrationSteps } from './steps'

// 定期注册 in the staff console, under /staff/registrations: the queue of the staff member's points
// (现场确认) and authorities (注册审批), the detail page with its decisions, 留言, export and print
// (src/modules/applications/staffPages.ts), with registration's columns, words and decisions.

export const BASE = '/staff/registrations'

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

  const correctable = registrationSteps(services)
    .filter((s) => s.fields && !s.summary)
    .flatMap((s) => s.fields!.map((f) => ({ value: f.name, text: `${s.title}：${f.label}` })))

  addStaffPages(router, services, {
    base: BASE,
    title: '定期注册申请',
    views: 'pages/registration/staff',
    statuses: REGISTRATION_STATUSES,
    // an approver without a point starts on 待注册审批
    approverStatus: 'confirmed',
    scopeOf,
    queue: registrationQueue,
    queueColumns: async () => {
      const l = await exportLists(db)
      return (r) => ({
        stageText: l.stages.get(r.stage) ?? r.stage,
        subjectText: l.subjects.get(r.subject) ?? r.subject,
        authorityName: String(r.data.authorityName ?? ''),
        pointName: String(r.data.pointName ?? ''),
      })
    },
    tables: STATUS_TABLES,
    exportFile: registrationExport,
    form: registrationForm,
    detail: (req, row) => registrationDetail(req, services, row),
    transitions: registrationTransitions,
    // what the 须知 told the applicant to bring (系统设置), so a clerk asks for nothing else
    materials: async () => textOf(await getSettings(db), 'registrationMaterials'),
    correctable,
    notAllowed: STAFF_MESSAGES.notAllowed,
    decide: async (req, row, d) => {
      const outcome = await transitionRegistration(services, {
        applicationId: Number(row.id),
        ...d,
        actor: { kind: d.kind, id: Number(req.staff!.id), audit: req.actor },
      })
      return outcome.ok ? { ok: true } : outcome
    },
    messages: registrationMessages,
  })

  return router
}
