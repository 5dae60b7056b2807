import type { NextFunction, Request, RequestHandler, Response } from 'express'
import ExcelJS from 'exceljs'
import type { Knex } from 'knex'
import type { Services } from '../services'
import type { MessageBox } from '../services/applicationMessages'
import type { Actor } from '../services/audit'
import { shanghaiDateTime } from '../domain/time'
import type { TransitionActor, TransitionRule } from '../domain/transitions'
import { clientIp, handler } from './async'
import { flash } from './forms'
import { applicationsByIds } from './staffQueueRepository'

// What every business's staff queue shares (定期注册 and 教师资格认定): reading the filter from the
// query and writing it back into links, the request's staff actor, the export files (CSV with a BOM
// so Excel reads the Chinese, XLSX with text cells) and their download headers.

export interface QueueFilter {
  status?: string
  from?: string
  to?: string
  q?: string
}

/** The points (现场确认) and authorities (审批) a staff member acts for in one business. */
export interface StaffScope {
  points: number[]
  authorities: number[]
}

/** The capacities in which the staff member acts on this application (none: it is not theirs). */
export function actorKindsFor(
  scope: StaffScope,
  row: { point_id: number | string; authority_id: number | string },
): TransitionActor[] {
  const kinds: TransitionActor[] = []
  if (scope.points.includes(Number(row.point_id))) kinds.push('point')
  if (scope.authorities.includes(Number(row.authority_id))) kinds.push('authority')
  return kinds
}

/** The WHERE of a scoped queue: the application's point or authority is one of the staff's. */
export const inScope =
  (scope: StaffScope, alias: string) =>
  (w: Knex.QueryBuilder): void => {
    w.whereIn(`${alias}.point_id`, scope.points.length ? scope.points : [-1]).orWhereIn(
      `${alias}.authority_id`,
      scope.authorities.length ? scope.authorities : [-1],
    )
  }

const DATE = /^\d{4}-\d{2}-\d{2}$/

export const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

/** A form value that may come once, many times or not at all, as trimmed non-empty strings. */
export const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v])
    .filter((x): x is string => typeof x === 'string')
    .map((s) => s.trim())
    .filter(Boolean)

/** `%`, `_` and `\` taken literally in an ILIKE pattern. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * The queue filter in the query: a status among `statuses` (else all), dates as YYYY-MM-DD, the
 * search term (50 characters). With no status in the query at all, `defaultStatus` applies.
 */
export function queueFilterOf(
  query: Record<string, unknown>,
  statuses: Record<string, string>,
  defaultStatus = '',
): QueueFilter {
  const status =
    query.status === undefined
      ? defaultStatus
      : Object.prototype.hasOwnProperty.call(statuses, str(query.status))
        ? str(query.status)
        : ''
  return {
    status,
    from: DATE.test(str(query.from)) ? str(query.from) : '',
    to: DATE.test(str(query.to)) ? str(query.to) : '',
    q: str(query.q).slice(0, 50),
  }
}

export const queueQueryString = (f: QueueFilter, extra: Record<string, string> = {}) =>
  new URLSearchParams({
    status: f.status ?? '',
    from: f.from ?? '',
    to: f.to ?? '',
    q: f.q ?? '',
    ...extra,
  }).toString()

export interface QueuePage<T> {
  rows: T[]
  total: number
  page: number
  pages: number
}

/**
 * One page of a queue: `make` builds the filtered, scoped query afresh (once to count, once for the
 * rows); the page number is clamped to the pages there are.
 */
export async function queuePage<T>(
  make: () => Knex.QueryBuilder,
  o: { page: number; size: number; order: { column: string; order: 'asc' | 'desc' }[]; columns: string[] },
): Promise<QueuePage<T>> {
  const [{ count }] = await make().count<{ count: string }[]>('* as count')
  const total = Number(count)
  const pages = Math.max(1, Math.ceil(total / o.size))
  const page = Math.min(Math.max(1, o.page), pages)
  const rows = (await make()
    .orderBy(o.order)
    .limit(o.size)
    .offset((page - 1) * o.size)
    .select(o.columns)) as T[]
  return { rows, total, page, pages }
}

/** The page number in the query (1 when absent or nonsense). */
export const pageOf = (req: Request) => Math.max(1, Number.parseInt(str(req.query.page), 10) || 1)

/** Links of the queue page: previous and next page, the two exports, all under the same filter. */
export function queueLinks(base: string, f: QueueFilter, result: { page: number; pages: number }) {
  return {
    prevHref: result.page > 1 ? `${base}?${queueQueryString(f, { page: String(result.page - 1) })}` : '',
    nextHref:
      result.page < result.pages ? `${base}?${queueQueryString(f, { page: String(result.page + 1) })}` : '',
    csvHref: `${base}/export.csv?${queueQueryString(f)}`,
    xlsxHref: `${base}/export.xlsx?${queueQueryString(f)}`,
  }
}

export function staffActor(req: Request): Actor {
  return {
    kind: 'staff',
    id: Number(req.staff!.id),
    label: req.staff!.username,
    ip: clientIp(req),
    userAgent: req.get('user-agent') ?? null,
  }
}

/** 202611151030: a file name's time stamp (Asia/Shanghai). */
export const fileStamp = (now: Date) => shanghaiDateTime(now).replace(/\D/g, '').slice(0, 12)

export const attachment = (res: Response, name: string) =>
  res.set(
    'Content-Disposition',
    `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  )

// Spreadsheet programs run cells starting with these as formulas; a leading apostrophe defuses them.
export function csvCell(v: string): string {
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(header: readonly string[], rows: string[][]): string {
  const lines = [header, ...rows]
  return `\uFEFF${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`
}

export async function toXlsx(
  sheetName: string,
  header: readonly string[],
  rows: string[][],
): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet(sheetName)
  sheet.addRow([...header])
  sheet.getRow(1).font = { bold: true }
  // Numbers stay text: 报名号 and 证件号码 are longer than a spreadsheet's digits.
  for (const r of rows) sheet.addRow(r)
  sheet.columns.forEach((c) => {
    c.width = 20
    c.numFmt = '@'
  })
  return Buffer.from(await book.xlsx.writeBuffer())
}

/** Sends a written export (toCsv, toXlsx) as `<name>.<format>`. */
export function sendExport(res: Response, format: 'csv' | 'xlsx', name: string, body: Buffer | string): void {
  attachment(res, `${name}.${format}`)
  res.set('Cache-Control', 'no-store')
  res.set(
    'Content-Type',
    format === 'csv'
      ? 'text/csv; charset=utf-8'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  )
  res.send(body)
}

export const MESSAGE_TEXTS = {
  messageRequired: '请填写留言内容（不超过500字）',
  messageSent: '留言已发送',
} as const

/**
 * POST /:id/messages of a staff queue: 留言 to the applicant of an application the staff member may
 * open (`load` answers undefined otherwise: 404), back to the detail page's 留言.
 */
export function staffMessageHandler(
  services: Pick<Services, 'db' | 'clock' | 'audit'>,
  box: MessageBox,
  o: { base: string; load: (req: Request) => Promise<{ id: number | string } | undefined> },
): RequestHandler {
  return handler(async (req: Request, res: Response, next: NextFunction) => {
    const row = await o.load(req)
    if (!row) return next()
    const text = str((req.body as Record<string, unknown>)?.body)
    if (!text || text.length > 500) flash(req, 'error', MESSAGE_TEXTS.messageRequired)
    else {
      await box.send(services, {
        applicationId: Number(row.id),
        staffId: Number(req.staff!.id),
        body: text,
        actor: staffActor(req),
      })
      flash(req, 'success', MESSAGE_TEXTS.messageSent)
    }
    res.redirect(303, `${o.base}/${row.id}#messages`)
  })
}

export const DECISION_TEXTS = {
  changedFirst: '该申请已被他人处理，请刷新后重试',
  reasonRequired: '请填写理由',
  materialsRequired: '请选择或填写缺少的材料',
  fieldsRequired: '请填写退回说明',
} as const

/** A staff decision as posted from the detail page, checked against the staff member's capacity. */
export interface Decision<N extends string> {
  name: N
  kind: TransitionActor
  /** the version the page showed */
  version: number
  /** the note typed (理由, 退回说明); 确认未通过 gives missingMaterials instead */
  reason?: string
  missingMaterials?: string[]
  correction?: { fields: string[]; note: string }
}

/** A refusal may carry its own sentence (e.g. 现场确认尚未开始 with the point's start time). */
export type DecisionOutcome = { ok: true; done?: string } | { ok: false; reason: string; message?: string }

interface DecidedRow {
  id: number | string
  version: number | string
  point_id: number | string
  authority_id: number | string
}

/**
 * POST /:id/transition of a staff queue. The business says how to load the application in scope
 * (undefined: 404), the staff member's scope, its transitions table, the fields 退回修改 may name and
 * how to decide; the posted form is read the same way for every business (确认未通过's materials,
 * 退回修改's fields and note, the version the page showed), and the outcome flashed on the detail page.
 */
export function staffDecisionHandler<N extends string, Row extends DecidedRow>(o: {
  base: string
  load: (req: Request) => Promise<Row | undefined>
  scope: (req: Request) => StaffScope
  transitionNamed: (name: string) => TransitionRule<string, N> | undefined
  correctable: readonly { value: string }[]
  /** 当前…下不能进行该操作 in the business's words */
  notAllowed: string
  decide: (req: Request, row: Row, d: Decision<N>) => Promise<DecisionOutcome>
  /** text of a business's own refusal reasons */
  refusalText?: (reason: string) => string | undefined
}): RequestHandler {
  return handler(async (req: Request, res: Response, next: NextFunction) => {
    const row = await o.load(req)
    if (!row) return next()
    const body = (req.body ?? {}) as Record<string, unknown>
    const here = `${o.base}/${row.id}`
    const t = o.transitionNamed(str(body.name))
    const kinds = actorKindsFor(o.scope(req), row)
    const kind = t?.by.find((k) => (k === 'point' || k === 'authority') && kinds.includes(k))
    if (!t || !kind) {
      flash(req, 'error', o.notAllowed)
      return res.redirect(303, here)
    }
    // The page was out of date: someone else decided first (reported as such, whatever they decided).
    const version = Number.parseInt(str(body.version), 10) || 0
    if (version !== Number(row.version)) {
      flash(req, 'error', DECISION_TEXTS.changedFirst)
      return res.redirect(303, here)
    }
    const note = str(body.reason).slice(0, 500)
    const outcome = await o.decide(req, row, {
      name: t.name,
      kind,
      version,
      ...(t.name === 'fail_confirmation'
        ? { missingMaterials: [...list(body.missing), ...list(str(body.missingOther).slice(0, 200))] }
        : t.name === 'return_for_correction'
          ? {
              reason: note,
              correction: {
                fields: list(body.fields).filter((f) => o.correctable.some((c) => c.value === f)),
                note,
              },
            }
          : { reason: note }),
    })
    if (outcome.ok) flash(req, 'success', `已处理：${t.label}${outcome.done ? `，${outcome.done}` : ''}`)
    else if (outcome.reason === 'not_found') return next()
    else if (
      outcome.reason === 'changed_first' ||
      (outcome.reason === 'not_allowed' && Number((await o.load(req))?.version) !== Number(row.version))
    )
      flash(req, 'error', DECISION_TEXTS.changedFirst)
    else if (outcome.reason === 'reason_required')
      flash(
        req,
        'error',
        t.name === 'fail_confirmation'
          ? DECISION_TEXTS.materialsRequired
          : t.name === 'return_for_correction'
            ? DECISION_TEXTS.fieldsRequired
            : DECISION_TEXTS.reasonRequired,
      )
    else flash(req, 'error', outcome.message ?? o.refusalText?.(outcome.reason) ?? o.notAllowed)
    res.redirect(303, here)
  })
}

/** Forms in one bulk print (one PDF). */
export const PRINT_MAX = 50

export const PRINT_TEXTS = {
  noneSelected: '请先选择要打印的申请',
  tooManySelected: `一次最多打印${PRINT_MAX}份申请表，请分批打印`,
} as const

/**
 * POST /print of a staff queue: the selected applications (those in the staff member's scope;
 * others are ignored as unknown) as one PDF, oldest number first, audited; none or too many answer
 * 400 with a page (views/pages/forms/print-refused.njk) leading back to the queue.
 */
export function staffPrintHandler<Row extends { number: string }>(
  services: Pick<Services, 'db' | 'audit'>,
  o: {
    base: string
    /** the queue's name for the back link */
    queueTitle: string
    table: string
    audit: { action: string; targetType: string }
    scopedIds: (req: Request, ids: number[]) => Promise<number[]>
    send: (req: Request, res: Response, rows: Row[]) => Promise<void>
  },
): RequestHandler {
  return handler(async (req: Request, res: Response) => {
    const ids = await o.scopedIds(req, list((req.body as Record<string, unknown>)?.ids).map(Number))
    if (!ids.length || ids.length > PRINT_MAX)
      return res.status(400).render('pages/forms/print-refused.njk', {
        pageTitle: '打印申请表',
        message: ids.length ? PRINT_TEXTS.tooManySelected : PRINT_TEXTS.noneSelected,
        back: o.base,
        backText: `返回${o.queueTitle}`,
      })
    const rows = await applicationsByIds<Row>(services.db, o.table, ids)
    await services.audit.record(services.db, staffActor(req), {
      action: o.audit.action,
      targetType: o.audit.targetType,
      detail: { numbers: rows.map((r) => r.number) },
    })
    await o.send(req, res, rows)
  })
}
