import type { Request, Router } from 'express'
import type { Services } from '../../services'
import { handler } from '../../web/async'
import { flash, redirectWithErrors, takeForm, type FieldErrors } from '../../web/formValidation'
import type { EditOutcome } from './edit'
import { backToRecord, noStore } from './records'
import type { PrintedForm } from './printedForms'

// 修改, the applicant's change of a submitted application, as pages: GET /:id/edit shows the form
// (refused, back on the record, when the business says so), POST checks and saves it (edit.ts),
// the same for every business. The business says which fields the form shows and how a post is
// read, checked and saved; a post that does not pass comes back with its errors and what was typed.

interface EditedRow {
  id: number
  applicant_id: number
  number: string
  version: number
  data: Record<string, unknown>
  correction: { fields: string[]; note: string } | null
}

/** A post read by the business: back to the form with errors (and an anchor), or ready to save. */
export type EditPost =
  | { errors: FieldErrors; kept: Record<string, unknown>; anchor?: string }
  | { kept: Record<string, unknown>; save: () => Promise<EditOutcome> }

export interface EditPages<Row extends EditedRow> {
  /** the records' base (/registration/records) */
  base: string
  /** names the form kept in the session (`${business}:edit:<id>`) */
  business: string
  view: string
  /** the application with the request's :id if it is the applicant's */
  mine: (req: Request) => Promise<Row | undefined>
  /** why the applicant may not change the application now, or null */
  refusal: (row: Row, now: Date) => Promise<string | null>
  /** the page's own values (its fields, an upload...) */
  page: (req: Request, row: Row, values: Record<string, unknown>) => Promise<object>
  post: (req: Request, row: Row, body: Record<string, unknown>) => Promise<EditPost>
  /** what the record's page says once the change is saved */
  saved: string
  /** the business's 申请表, rendered and stored again once a change is saved (storedForms.ts) */
  form: PrintedForm<Row>
}

export function addEditPages<Row extends EditedRow>(
  router: Router,
  services: Services,
  p: EditPages<Row>,
): void {
  const { clock } = services
  const keyOf = (row: Row) => `${p.business}:edit:${row.id}`

  router.get(
    `${p.base}/:id/edit`,
    handler(async (req, res, next) => {
      const row = await p.mine(req)
      if (!row) return next()
      noStore(res)
      const refusal = await p.refusal(row, clock.now())
      if (refusal) return backToRecord(req, res, p.base, row.id, refusal)
      const form = takeForm(req, keyOf(row), { ...row.data, version: row.version })
      res.render(p.view, {
        ...form,
        pageTitle: `修改报名信息 - ${row.number}`,
        row,
        ...(await p.page(req, row, form.values)),
        highlighted: row.correction?.fields ?? [],
        note: row.correction?.note ?? '',
      })
    }),
  )

  router.post(
    `${p.base}/:id/edit`,
    handler(async (req, res, next) => {
      const row = await p.mine(req)
      if (!row) return next()
      const body = (req.body ?? {}) as Record<string, unknown>
      const here = `${p.base}/${row.id}/edit`
      const refusal = await p.refusal(row, clock.now())
      if (refusal) return backToRecord(req, res, p.base, row.id, refusal)
      const post = await p.post(req, row, body)
      if ('errors' in post)
        return redirectWithErrors(req, res, keyOf(row), post.errors, post.kept, `${here}${post.anchor ?? ''}`)
      const outcome = await post.save()
      if (!outcome.ok)
        return redirectWithErrors(req, res, keyOf(row), { _form: outcome.error }, post.kept, here)
      p.form.prepare(req, services, () => p.mine(req))
      flash(req, 'success', p.saved)
      res.redirect(303, `${p.base}/${row.id}`)
    }),
  )
}
