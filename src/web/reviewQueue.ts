import type { RequestHandler, Router } from 'express'
import { signedIn } from '../middleware/actor'
import type { SignedInActor } from '../services/audit'
import { handler } from './async'
import { flash, hasErrors, redirectWithErrors, type FieldErrors } from './formValidation'
import { idOf } from './values'

// What the staff review queues share (实名人工审核 at /staff/identity-reviews, 信息核验 at
// /staff/info-reviews): the list's page links under its filter, and the decision posted on an item —
// checked, decided by the signed-in reviewer (a guarded update: two at once get one decision and one
// "already handled"), and back to the queue.

/** Page number, count of pages and the links to the pages before and after, keeping the filter. */
export function queuePages(
  base: string,
  o: { page: number; total: number; pageSize: number; filter: Record<string, string> },
) {
  const pages = Math.max(1, Math.ceil(o.total / o.pageSize))
  const href = (page: number) => `${base}?${new URLSearchParams({ ...o.filter, page: String(page) })}`
  return {
    total: o.total,
    page: o.page,
    pages,
    prevHref: o.page > 1 ? href(o.page - 1) : null,
    nextHref: o.page < pages ? href(o.page + 1) : null,
  }
}

export interface DecisionRoute<D> {
  /** the queue's path; items are `${base}/:id` */
  base: string
  guard: RequestHandler
  formKey: string
  /** Whether this reviewer may decide the item (404 otherwise); every id when absent. */
  inScope?: (req: Parameters<RequestHandler>[0], id: number) => Promise<boolean>
  check: (body: Record<string, unknown>) => { value: D; errors: FieldErrors }
  decide: (
    reviewer: SignedInActor,
    id: number,
    value: D,
  ) => Promise<{ ok: true } | { ok: false; error: string }>
  /** the flash after a decision */
  decided: string
}

/** POST `${base}/:id`: the reviewer's decision on an item. */
export function addDecisionRoute<D>(router: Router, o: DecisionRoute<D>): void {
  router.post(
    `${o.base}/:id`,
    o.guard,
    handler(async (req, res, next) => {
      const id = idOf(req.params.id)
      if (id === null || (o.inScope && !(await o.inScope(req, id)))) return next()
      const back = `${o.base}/${id}`
      const body = req.body ?? {}
      const { value, errors } = o.check(body)
      if (hasErrors(errors)) return redirectWithErrors(req, res, o.formKey, errors, body, back)
      const outcome = await o.decide(signedIn(req), id, value)
      if (!outcome.ok) {
        flash(req, 'error', outcome.error)
        return res.redirect(303, back)
      }
      flash(req, 'success', o.decided)
      res.redirect(303, o.base)
    }),
  )
}
