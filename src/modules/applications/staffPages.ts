import type { Request, Response, Router } from 'express'
import type { Services } from '../../services'
import type { MessageBox } from './inbox'
import type { DocNumberViewer } from '../../domain/idNumber'
import type { RoleGrant } from '../../domain/roles'
import { shanghaiDateTime } from '../../domain/time'
import type { TransitionRule, TransitionTable } from '../../domain/transitions'
import { handler } from '../../web/async'
import { signedIn } from '../../middleware/actor'
import { fileStamp, sendExport } from './exportFiles'
import { actorKindsFor, pageOf, queueFilterOf, queueLinks, type QueueFilter, type StaffScope } from './queue'
import {
  staffDecisionHandler,
  staffMessageHandler,
  staffPrintHandler,
  type Decision,
  type DecisionOutcome,
} from './staffHandlers'
import { startQueueExport, type QueueExport } from '../queueExports/service'
import type { ApplicationQueue, QueueRowBase } from './queueRepository'
import type { PrintedForm } from './printedForms'
import type { SubmissionTables } from './repository'
import type { StatusTables } from './transitions'
import { recordStaffView } from '../privacy/recordViews'
import type { RecordView } from '../privacy/messages'

// A business's applications in the staff console (/staff/registrations, /staff/certifications), the
// same for both: the queue of the staff member's points (现场确认) and authorities (审批) with its
// filter, export and bulk print; one application's detail page with its decisions, 申请表 and 留言.
// An application outside the staff member's scope does not exist for them (404); opening one in scope
// is audited for the applicant's 查阅记录. The business says what its rows show, how it decides, and
// its words.

const ID = /^\d{1,15}$/

interface StaffRow<S extends string> {
  id: number
  applicant_id: number
  number: string
  status: S
  version: number
  point_id: number
  authority_id: number
}

export interface StaffPages<
  S extends string,
  N extends string,
  Row extends StaffRow<S>,
  QueueRow extends QueueRowBase<S>,
> {
  base: string
  /** the queue's title (定期注册申请); a detail page is titled `${title} ${number}` */
  title: string
  /** the folder of queue.njk and detail.njk */
  views: string
  statuses: Record<string, string>
  /** the queue's first filter for an approver without a point */
  approverStatus: string
  scopeOf: (staff: { roles: RoleGrant[] }) => StaffScope
  queue: ApplicationQueue<Row, QueueRow>
  /** the business's columns of a queue row on the page, besides 状态 and 提交时间 */
  queueColumns: () => Promise<(r: QueueRow) => Record<string, unknown>>
  /**
   * the business as the applicant's 查阅记录 names its detail page (and `${business}_form` its form);
   * audit entries are `${audit.prefix}.export` and `.print` on `audit.targetType`
   */
  tables: Pick<StatusTables, 'audit'> & Pick<SubmissionTables, 'business'>
  exportFile: QueueExport<QueueRow>
  form: PrintedForm<Row>
  /** the detail page's values besides its title, decisions, materials and messages */
  detail: (req: Request, row: Row) => Promise<object>
  transitions: Pick<TransitionTable<S, N>, 'transitionNamed' | 'transitionsFrom'>
  /** the checklist of materials 确认未通过 offers (the point may add its own in 其他) */
  materials: () => Promise<readonly string[]>
  /** the fields 退回修改 may name */
  correctable: readonly { value: string; text: string }[]
  notAllowed: string
  refusalText?: (reason: string) => string | undefined
  decide: (req: Request, row: Row, d: Decision<N>) => Promise<DecisionOutcome>
  messages: MessageBox
}

export function addStaffPages<
  S extends string,
  N extends string,
  Row extends StaffRow<S>,
  QueueRow extends QueueRowBase<S>,
>(router: Router, services: Services, p: StaffPages<S, N, Row, QueueRow>): void {
  const { db } = services
  const scopeOf = (req: Request) => p.scopeOf(req.staff!)

  const filterOf = (req: Request): QueueFilter =>
    queueFilterOf(
      req.query as Record<string, unknown>,
      p.statuses,
      scopeOf(req).points.length ? '' : p.approverStatus,
    )

  router.get(
    '/',
    handler(async (req, res) => {
      const filter = filterOf(req)
      const scope = scopeOf(req)
      const result = await p.queue.searchQueue(db, scope, filter, pageOf(req))
      const columns = await p.queueColumns()
      res.set('Cache-Control', 'no-store')
      res.render(`${p.views}/queue.njk`, {
        pageTitle: p.title,
        filter,
        statuses: Object.entries(p.statuses).map(([value, text]) => ({ value, text })),
        result: {
          ...result,
          rows: result.rows.map((r) => ({
            ...r,
            ...columns(r),
            statusText: p.statuses[r.status] ?? r.status,
            submittedAt: shanghaiDateTime(r.submitted_at),
          })),
        },
        ...queueLinks(p.base, filter, result),
        // every row is in the staff member's scope (searchQueue)
        docViewer: 'scopedStaff' satisfies DocNumberViewer,
        isApprover: scope.authorities.length > 0,
        isClerk: scope.points.length > 0,
      })
    }),
  )

  // 导出 (CSV, XLSX): every row of the filter; a large export goes to the job queue and its progress page.
  for (const format of ['csv', 'xlsx'] as const)
    router.get(
      `/export.${format}`,
      handler(async (req, res) => {
        const name = `${p.exportFile.name}-${fileStamp(services.clock.now())}`
        const started = await startQueueExport(services, {
          def: p.exportFile,
          format,
          scope: scopeOf(req),
          filter: filterOf(req),
          fileName: `${name}.${format}`,
          actor: signedIn(req),
          audit: { action: `${p.tables.audit.prefix}.export`, targetType: p.tables.audit.targetType },
        })
        if (started.inline) return sendExport(res, format, name, started.body)
        res.redirect(303, `/staff/exports/${started.id}`)
      }),
    )

  const printForms = (req: Request, res: Response, rows: Row[], filename: string) =>
    p.form.send(req, res, services, rows, {
      account: `staff:${req.staff!.id}`,
      filename,
      download: false,
      back: p.base,
      // rows come from the scoped queue (scopedIds, scopedApplication)
      viewer: 'scopedStaff',
    })

  // 打印申请表: the selected applications as one PDF.
  router.post(
    '/print',
    staffPrintHandler<Row>(services, {
      base: p.base,
      queueTitle: p.title,
      table: p.queue.table,
      audit: { action: `${p.tables.audit.prefix}.print`, targetType: p.tables.audit.targetType },
      scopedIds: (req, ids) => p.queue.scopedIds(db, scopeOf(req), ids),
      send: (req, res, rows) =>
        printForms(req, res, rows, `${p.form.name}-${fileStamp(services.clock.now())}-${rows.length}份.pdf`),
    }),
  )

  // ---- one application --------------------------------------------------------------------------

  const load = async (req: Request) =>
    ID.test(String(req.params.id))
      ? p.queue.scopedApplication(db, scopeOf(req), Number(req.params.id))
      : undefined

  /** The application in scope, its opening audited for the applicant's 查阅记录 (`what` was opened). */
  const open = async (req: Request, what: RecordView) => {
    const row = await load(req)
    if (row) await recordStaffView(services, req, { applicantId: row.applicant_id, what, record: row.number })
    return row
  }

  router.get(
    '/:id/form',
    handler(async (req, res, next) => {
      const row = await open(req, `${p.tables.business}_form`)
      if (!row) return next()
      await printForms(req, res, [row], `${p.form.name}-${row.number}.pdf`)
    }),
  )

  router.get(
    '/:id',
    handler(async (req, res, next) => {
      const row = await open(req, p.tables.business)
      if (!row) return next()
      const actions = new Map<string, TransitionRule<S, N>>()
      for (const k of actorKindsFor(scopeOf(req), row))
        for (const t of p.transitions.transitionsFrom(row.status, k)) actions.set(t.name, t)
      res.set('Cache-Control', 'no-store')
      res.render(`${p.views}/detail.njk`, {
        ...(await p.detail(req, row)),
        docViewer: 'scopedStaff' satisfies DocNumberViewer,
        pageTitle: `${p.title} ${row.number}`,
        actions: [...actions.values()],
        materials: await p.materials(),
        correctable: p.correctable,
        messages: (await p.messages.list(db, Number(row.id))).map((m) => ({
          ...m,
          at: shanghaiDateTime(m.created_at),
        })),
      })
    }),
  )

  router.post(
    '/:id/transition',
    staffDecisionHandler({
      base: p.base,
      load,
      scope: scopeOf,
      transitionNamed: p.transitions.transitionNamed,
      correctable: p.correctable,
      notAllowed: p.notAllowed,
      refusalText: p.refusalText,
      decide: p.decide,
    }),
  )

  router.post('/:id/messages', staffMessageHandler(services, p.messages, { base: p.base, load }))
}
