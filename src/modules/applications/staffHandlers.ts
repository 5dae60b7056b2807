import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Services } from '../../services'
import type { TransitionActor, TransitionRule } from '../../domain/transitions'
import { handler } from '../../web/async'
import { flash } from '../../web/formValidation'
import type { MessageBox } from './inbox'
import { actorKindsFor, list, type StaffScope } from './queue'
import { trimmed } from '../../web/values'
import { applicationsByIds } from './queueRepository'

// The POST handlers every business's staff pages share (src/modules/applications/staffPages.ts):
// 留言 to the applicant, a decision on the application, the bulk print.

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
    const text = trimmed((req.body as Record<string, unknown>)?.body)
    if (!text || text.length > 500) flash(req, 'error', MESSAGE_TEXTS.messageRequired)
    else {
      await box.send(services, {
        applicationId: Number(row.id),
        staffId: Number(req.staff!.id),
        body: text,
        actor: req.actor,
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
    const t = o.transitionNamed(trimmed(body.name))
    const kinds = actorKindsFor(o.scope(req), row)
    const kind = t?.by.find((k) => (k === 'point' || k === 'authority') && kinds.includes(k))
    if (!t || !kind) {
      flash(req, 'error', o.notAllowed)
      return res.redirect(303, here)
    }
    // The page was out of date: someone else decided first (reported as such, whatever they decided).
    const version = Number.parseInt(trimmed(body.version), 10) || 0
    if (version !== Number(row.version)) {
      flash(req, 'error', DECISION_TEXTS.changedFirst)
      return res.redirect(303, here)
    }
    const note = trimmed(body.reason).slice(0, 500)
    const outcome = await o.decide(req, row, {
      name: t.name,
      kind,
      version,
      ...(t.name === 'fail_confirmation'
        ? { missingMaterials: [...list(body.missing), ...list(trimmed(body.missingOther).slice(0, 200))] }
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
const PRINT_MAX = 50

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
    await services.audit.record(services.db, req.actor, {
      action: o.audit.action,
      targetType: o.audit.targetType,
      detail: { numbers: rows.map((r) => r.number) },
    })
    await o.send(req, res, rows)
  })
}
