import type { Request, RequestHandler, Response, Router } from 'express'
import { shanghaiDateTime } from '../../domain/time'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, type FieldErrors } from '../../web/formValidation'
import type { PointRow } from './pointRepository'
import { authorityById, type AuthorityRow, type Conn } from './repository'
import type { Outcome } from './service'

// What the bureau's pages share: a point as the look-ups and the administrator show it, the id in a
// path, and the administrator's forms — each resource (authority, point, window) has one form that
// serves both 新增 and 编辑 through one GET and one POST handler (addAdminForm).

export const idParam = (v: unknown): number | null => (/^\d{1,15}$/.test(String(v)) ? Number(v) : null)

export const pointView = (p: PointRow) => ({
  ...p,
  confirmTime:
    p.confirm_start && p.confirm_end
      ? `${shanghaiDateTime(p.confirm_start)} 至 ${shanghaiDateTime(p.confirm_end)}`
      : '请留意确认点通知',
})

/** The errors in the order the fields appear, so the summary at the top reads like the form. */
export function inOrder(errors: FieldErrors, order: string[]): FieldErrors {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length)
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)))
}

export type FormMode = 'create' | 'edit'

/** What the form of an authority's point or window loads: the authority (create) or the row and its authority (edit). */
export async function rowUnderAuthority<Row extends { authority_id: number }>(
  db: Conn,
  id: number | null,
  mode: FormMode,
  rowById: (db: Conn, id: number) => Promise<Row | undefined>,
): Promise<{ authority: AuthorityRow; row?: Row } | undefined> {
  if (id === null) return undefined
  if (mode === 'create') {
    const authority = await authorityById(db, id)
    return authority && { authority }
  }
  const row = await rowById(db, id)
  const authority = row && (await authorityById(db, row.authority_id))
  return row && authority && { authority, row }
}

/**
 * One resource's form. `paths.create` and `paths.edit` each have a :id naming what `load` reads (the
 * parent for create, the row itself for edit; nothing found is 404). GET shows the form; POST checks
 * it, saves and goes on — a refusal goes back to the form with the errors beside the fields and
 * everything typed.
 */
export interface AdminForm<Ctx, Fields> {
  paths: Record<FormMode, string>
  load: (req: Request, mode: FormMode) => Promise<Ctx | undefined>
  formKey: (ctx: Ctx, mode: FormMode) => string
  show: (req: Request, res: Response, ctx: Ctx, mode: FormMode, formKey: string) => Promise<void>
  check: (req: Request, ctx: Ctx, mode: FormMode) => Promise<{ errors: FieldErrors; fields?: Fields }>
  save: (req: Request, ctx: Ctx, mode: FormMode, fields: Fields) => Promise<Outcome>
  /** The flash after saving and where to go. */
  saved: (ctx: Ctx, mode: FormMode, fields: Fields, id: number) => { message: string; to: string }
}

export function addAdminForm<Ctx, Fields>(
  router: Router,
  guard: RequestHandler,
  form: AdminForm<Ctx, Fields>,
): void {
  for (const mode of ['create', 'edit'] as const) {
    router.get(
      form.paths[mode],
      guard,
      handler(async (req, res, next) => {
        const ctx = await form.load(req, mode)
        if (!ctx) return next()
        await form.show(req, res, ctx, mode, form.formKey(ctx, mode))
      }),
    )
    router.post(
      form.paths[mode],
      guard,
      handler(async (req, res, next) => {
        const ctx = await form.load(req, mode)
        if (!ctx) return next()
        const formKey = form.formKey(ctx, mode)
        const { errors, fields } = await form.check(req, ctx, mode)
        if (hasErrors(errors) || !fields) return redirectWithErrors(req, res, formKey, errors, req.body)
        const outcome = await form.save(req, ctx, mode, fields)
        if (!outcome.ok)
          return redirectWithErrors(req, res, formKey, { [outcome.field]: outcome.message }, req.body)
        const { message, to } = form.saved(ctx, mode, fields, outcome.id)
        flash(req, 'success', message)
        res.redirect(303, to)
      }),
    )
  }
}
