import type { Request } from 'express'
import type { FieldErrors } from '../formValidation'
import type { OptionList, ReviewField, Step, Values } from './types'

type MaybePromise<T> = T | Promise<T>

/**
 * What a step does, as named functions of its module (`steps/<step>.ts` or the module's service):
 * each takes the module's context (its services) first; bindSteps gives it.
 */
export interface StepActions<C> {
  /** Extra template locals: Step.beforeRender. */
  render?: (ctx: C, req: Request, values: Values, shown: Values) => MaybePromise<Record<string, unknown>>
  /** Cross-checks after the schema passed: Step.beforeSave. */
  save?: (ctx: C, req: Request, value: Values, values: Values) => MaybePromise<FieldErrors | null | undefined>
  /** Step.redisplay. */
  redisplay?: Record<string, (ctx: C, posted: Values, req: Request) => MaybePromise<Values>>
}

/** A review field of a table row: `codes` names a code list, read when shown; `check` gets the context. */
export interface RowField<C> extends Omit<ReviewField, 'options' | 'check'> {
  options?: OptionList
  /** The code list (ref_codes kind) whose labels the answer is shown with. */
  codes?: string
  check?: (ctx: C, value: unknown, values: Values, req: Request) => MaybePromise<string | null | undefined>
}

/**
 * One row of a business's step table: path, title, schema, fields, next and conditions as data (see
 * Step), and what the step does on load and save by name (`does`).
 */
export interface StepRow<C> extends Omit<Step, 'beforeRender' | 'beforeSave' | 'redisplay' | 'fields'> {
  fields?: RowField<C>[]
  does?: StepActions<C>
}

export interface TableContext<C> {
  ctx: C
  /** A code list's options (a row field's `codes`). */
  codes?: (ctx: C, kind: string) => Promise<OptionList>
}

/** The engine's steps for a table: each row's named functions given the module's context. */
export function bindSteps<C>(rows: StepRow<C>[], { ctx, codes }: TableContext<C>): Step[] {
  // Partial application (bind), not wrappers: the engine calls the step's own function directly.
  return rows.map(({ does, fields, ...row }): Step => {
    const step: Step = { ...row }
    if (fields) step.fields = fields.map((f) => bindField(f, ctx, codes))
    if (does?.render) step.beforeRender = does.render.bind(undefined, ctx)
    if (does?.save) step.beforeSave = does.save.bind(undefined, ctx)
    if (does?.redisplay)
      step.redisplay = Object.fromEntries(
        Object.entries(does.redisplay).map(([name, fn]) => [name, fn.bind(undefined, ctx)]),
      )
    return step
  })
}

function bindField<C>(
  { codes: kind, check, ...field }: RowField<C>,
  ctx: C,
  codes: TableContext<C>['codes'],
): ReviewField {
  const out: ReviewField = { ...field }
  if (kind) {
    if (!codes) throw new Error(`review field ${field.name}: code list ${kind} without a codes reader`)
    out.options = codes.bind(undefined, ctx, kind)
  }
  if (check) out.check = check.bind(undefined, ctx)
  return out
}

/** A redisplay that shows the page again as posted (a refresh of dependent lists, a search). */
export const samePage = <C>(_ctx: C, posted: Values): Values => posted
