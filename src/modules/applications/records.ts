import { Router, type Request, type Response } from 'express'
import type { Db } from '../../db/knex'
import type { Services } from '../../services'
import type { MessageBox } from './inbox'
import type { PrintedForm } from './printedForms'
import { requireApplicant, requireVerified } from '../../middleware/auth'
import type { DocNumberViewer } from '../../domain/idNumber'
import { shanghaiDateTime } from '../../domain/time'
import { handler } from '../../web/async'
import { flash } from '../../web/formValidation'
import { bookingNote, type BookingBusiness } from '../booking/service'

// The applicant's records of a business (我的注册, 教师资格认定信息), the same for both: the list,
// 详情, 申请表预览/下载 and 有留言, the actions of each record, the verify finder of its applications. Every
// :id is looked up with the applicant's id: another applicant's application does not exist (404).
// 修改 is editPages.ts; a business's own pages stay in its recordRoutes.ts, on the router recordPages
// returns.

export interface Link {
  text: string
  href: string
}

/** A record as the 业务平台 lists it under its business: its cells and its actions. */
export interface RecordRow {
  cells: string[]
  actions: Link[]
}

/** What the actions of a record depend on. */
export interface RecordState {
  id: number
  editable: boolean
  messages: { all: number; unread: number }
}

/** A record of the applicant's as every business lists it; each adds its own columns. */
export interface MyRecordBase<S extends string> extends RecordState {
  number: string
  status: S
  statusText: string
  explanation: string
  authorityName: string
}

/** The applicant's records of a business, newest first, with what the applicant may do on each. */
export type MyRecords<R extends RecordState> = (
  services: Pick<Services, 'db' | 'bureau'>,
  applicantId: number,
  now: Date,
) => Promise<R[]>

/** The 业务平台's rows of a business: each record's cells and actions. */
export const platformRows =
  <R extends RecordState>(myRecords: MyRecords<R>, cells: (r: R) => string[], actions: (r: R) => Link[]) =>
  async (services: Pick<Services, 'db' | 'bureau' | 'clock'>, applicantId: number): Promise<RecordRow[]> =>
    (await myRecords(services, applicantId, services.clock.now())).map((r) => ({
      cells: cells(r),
      actions: actions(r),
    }))

/**
 * The actions of one record, as links: 详情, 修改 while open, 申请表预览/下载 (the PDF inline; the
 * browser offers to save it) and 有留言 once there are any; `first` and `afterEdit` are the business's own.
 */
export function recordLinks(
  base: string,
  r: RecordState,
  own: { first?: Link[]; afterEdit?: Link[] } = {},
): Link[] {
  const here = `${base}/${r.id}`
  return [
    ...(own.first ?? []),
    { text: '详情', href: here },
    ...(r.editable ? [{ text: '修改', href: `${here}/edit` }] : []),
    ...(own.afterEdit ?? []),
    { text: '申请表预览/下载', href: `${here}/form` },
    ...(r.messages.all
      ? [
          {
            text: r.messages.unread ? `有留言（${r.messages.unread}条未读）` : '有留言',
            href: `${here}/messages`,
          },
        ]
      : []),
  ]
}

export const noStore = (res: Response) => res.set('Cache-Control', 'no-store')

/** Back to the record's 详情 with `error` shown there (修改 refused, nothing to choose again...). */
export function backToRecord(req: Request, res: Response, base: string, id: number, error: string): void {
  flash(req, 'error', error)
  res.redirect(303, `${base}/${id}`)
}

/** What every record page reads of its application: the number, and what its 现场确认预约 line needs. */
export type RecordApplication = {
  id: number
  applicant_id: number
  number: string
  point_id: number | string
  status: string
}

export interface RecordPages<Row extends RecordApplication, R extends RecordState> {
  /** the business, for the record's 现场确认预约 (src/modules/booking) */
  business: BookingBusiness
  base: string
  /** the folder of records.njk, record.njk and record-messages.njk */
  views: string
  listTitle: string
  detailTitle: (row: Row) => string
  /** the application with this id if it is the applicant's */
  mine: (db: Db, id: number, applicantId: number) => Promise<Row | undefined>
  myRecords: (services: Services, applicantId: number, now: Date) => Promise<R[]>
  recordActions: (r: R) => Link[]
  explanations: Record<string, string>
  /** the 详情 page's values besides its title and actions */
  detail: (req: Request, row: Row) => Promise<object>
  form: PrintedForm<Row>
  /** why the applicant may not have the 申请表 now (shown on the record), or null */
  formRefusal?: (row: Row, now: Date) => Promise<string | null>
  messages: MessageBox
}

/**
 * The router of a business's records: applicants only, verified; the list, 详情, 申请表 and 有留言.
 * `mine` loads the :id of a request as the applicant's (undefined: 404) for the business's own routes.
 */
export function recordPages<Row extends RecordApplication, R extends RecordState>(
  services: Services,
  p: RecordPages<Row, R>,
): { router: Router; mine: (req: Request) => Promise<Row | undefined> } {
  const { db, clock } = services
  const router = Router()
  router.use(p.base, requireApplicant, requireVerified)
  const mine = (req: Request) => p.mine(db, Number(req.params.id), Number(req.applicant!.id))

  router.get(
    p.base,
    handler(async (req, res) => {
      noStore(res)
      const records = await p.myRecords(services, Number(req.applicant!.id), clock.now())
      res.render(`${p.views}/records.njk`, {
        pageTitle: p.listTitle,
        records: records.map((r) => ({ ...r, actions: p.recordActions(r) })),
        explanations: p.explanations,
      })
    }),
  )

  router.get(
    `${p.base}/:id`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      noStore(res)
      const [record] = (await p.myRecords(services, Number(req.applicant!.id), clock.now())).filter(
        (r) => r.id === Number(row.id),
      )
      res.render(`${p.views}/record.njk`, {
        ...(await p.detail(req, row)),
        docViewer: 'holder' satisfies DocNumberViewer,
        booking: await bookingNote(db, p.business, row),
        pageTitle: p.detailTitle(row),
        actions: record ? p.recordActions(record) : [],
      })
    }),
  )

  router.get(
    `${p.base}/:id/form`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      const refusal = await p.formRefusal?.(row, clock.now())
      if (refusal) return backToRecord(req, res, p.base, row.id, refusal)
      await p.form.send(req, res, services, [row], {
        account: `applicant:${req.applicant!.id}`,
        filename: `${p.form.name}-${row.number}.pdf`,
        download: req.query.download === '1',
        back: `${p.base}/${row.id}`,
        // their own form, which they check and sign
        viewer: 'holderChecking',
      })
    }),
  )

  router.get(
    `${p.base}/:id/messages`,
    handler(async (req, res, next) => {
      const row = await mine(req)
      if (!row) return next()
      noStore(res)
      const messages = await p.messages.list(db, Number(row.id))
      await p.messages.markRead(db, Number(row.id), clock.now())
      res.render(`${p.views}/record-messages.njk`, {
        pageTitle: `留言 - ${row.number}`,
        row,
        booking: await bookingNote(db, p.business, row),
        messages: messages.map((m) => ({ ...m, at: shanghaiDateTime(m.created_at), unread: !m.read_at })),
      })
    }),
  )

  return { router, mine }
}
