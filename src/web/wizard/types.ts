import type { Request } from 'express'
import type Joi from 'joi'
import type { Knex } from 'knex'
import type { FieldErrors } from '../formValidation'

/** The answers of one step, or all answers merged in the order of the steps. */
export type Values = Record<string, unknown>

type MaybePromise<T> = T | Promise<T>

/** Where a step goes next: a step path, or the first rule whose `when` holds (a bare string always holds). */
export type NextRule = string | { when(values: Values, req: Request): boolean; to: string }

export type OptionList = Record<string, string> | { value: unknown; text: string }[]

/** How one answer reads on the review page. */
export interface ReviewField {
  /** The answer's name in the step's values. */
  name: string
  label: string
  /** Codes → labels; a function may load them (from the database, say). */
  options?: OptionList | ((values: Values, req: Request) => MaybePromise<OptionList>)
  /** 'date' shows 年-月-日; 'boolean' shows 是/否. */
  kind?: 'text' | 'date' | 'boolean'
  /** Full control over the text shown (escaped by the template like everything else). */
  format?: (value: unknown, values: Values) => string
  /** Leave the row out when this says so (e.g. postal fields when collecting on site). */
  showIf?: (values: Values) => boolean
  /**
   * What the review page finds wrong with the answer now, though it was accepted when given (a
   * previewed photo purged since): shown beside the row with a link to the step, and the review
   * step cannot be passed while it stands.
   */
  check?: (value: unknown, values: Values, req: Request) => MaybePromise<string | null | undefined>
}

export interface Step {
  /** The URL segment under the wizard's basePath, and the template name pages/<key>/<path>.njk. */
  path: string
  title: string
  /** The step's joi object schema, or one built from the answers so far. Steps without one save nothing. */
  schema?: Joi.ObjectSchema | ((values: Values, req: Request) => Joi.ObjectSchema)
  /** Omitted on the last step: its POST completes the wizard (definition.onComplete). */
  next?: NextRule | NextRule[]
  template?: string
  /** The review page: its sections are generated from the other steps' `fields`. */
  summary?: true
  /** What the review page shows of this step; steps without fields have no section there. */
  fields?: ReviewField[]
  /** An extra precondition: a path to send the applicant to instead of this step, or null. */
  prereq?: (values: Values, req: Request) => string | null
  /** A step that does not apply: passed over, and its answers dropped. */
  skipIf?: (values: Values, req: Request) => boolean
  /**
   * Extra template locals, e.g. option lists from the database. `shown` is what the page will show
   * (the saved answers, or what was posted back by a redisplay or a refused POST), so that lists
   * depending on an earlier choice on the same page (cascading selects, a search) follow it.
   */
  beforeRender?: (req: Request, values: Values, shown: Values) => MaybePromise<Record<string, unknown>>
  /**
   * Cross-checks after the schema passed (against the database, say). May also complete `value`
   * in place (e.g. the id of a stored upload). Errors keep the applicant on the step.
   */
  beforeSave?: (req: Request, value: Values, values: Values) => MaybePromise<FieldErrors | null | undefined>
  /**
   * Buttons that redisplay the step without validating or saving (cascading selects without
   * JavaScript, adding/removing rows): a POST with `_action=<name>` gets what was posted back,
   * passed through the named function, on the same page.
   */
  redisplay?: Record<string, (posted: Values, req: Request) => MaybePromise<Values>>
  /**
   * The redisplay a POST without `_action` asks for, if any: a click on an `<input type="image">`
   * posts only its `name.x` / `name.y` (e.g. the 个人承诺书 crop's corner clicks, src/web/crop.ts).
   */
  redisplayAction?: (body: Values) => string | undefined
  /**
   * Buttons that leave the wizard for a page elsewhere that sends the applicant back to this step
   * (e.g. 添加普通话证书 in the personal information centre): a POST with `_action=<name>` keeps
   * what was posted as the step's draft — not validated, not an answer — shown the next time the
   * step is opened, and redirects (303) to the path the named function returns.
   */
  leave?: Record<string, (posted: Values, req: Request) => string>
  /**
   * The manuals' 个人承诺: the step asks 同意 / 不同意 (field `consent`) and has one 【提交】. 不同意
   * abandons the wizard and the page it leads to says so (`abandoned`); neither chosen is refused
   * with `required`; 同意 goes on as any other submit.
   */
  abandon?: { required: string; abandoned: string }
  /** May be opened whatever the other steps' state (e.g. a side page reached from a link). */
  entryPoint?: true
  /** Steps whose answers must be given again when this step's answers change. */
  invalidates?: string[]
  /** The button's label; the default is 下一步, or 保存并返回确认页 when editing from the review page. */
  submitLabel?: string
}

/** What a submit returns: where to go (the record), or errors that keep the applicant on the page. */
export type CompleteResult = string | { errors: FieldErrors } | void

export interface CompleteContext {
  /**
   * The transaction holding the lock on this run: write the application with it, so the record,
   * the end of the run and the lock commit or roll back together.
   */
  trx: Knex.Transaction
  /** The answers per step. */
  byStep: Record<string, Values>
  runId: string
}

export interface WizardDefinition {
  /** Session key, progress-table key and template folder (pages/<key>/). */
  key: string
  basePath: string
  title: string
  steps: Step[]
  /** Labelled stages for the step bar; by default one stage per step. */
  stepBar?: { label: string; steps: string[] }[]
  /** A line shown on every page of the wizard. */
  notice?: string
  /** Answers for a new run (e.g. an application being changed). */
  load?: (req: Request) => MaybePromise<{ values?: Record<string, Values>; completed?: string[] } | null>
  /**
   * A choice the request carries from elsewhere (the public 网报时间查询's query parameters), per
   * step: kept as those steps' drafts of the run, new or in progress, and saved at once, so it is
   * there when the applicant reaches the step however many pages later. Never overrides an answer.
   */
  prefill?: (req: Request) => Record<string, Values> | null
  /**
   * Runs before every GET and POST, given the run loaded for the request: a path to send the
   * applicant to instead, or null.
   */
  guard?: (req: Request, run: GuardedRun) => MaybePromise<string | null>
  /**
   * What the guard needs to know, as one SQL expression read in the same statement as the run's
   * progress (one round trip per request instead of one per fact). It may use `p.data`, the run's
   * progress JSON (see progressSql), null when there is none. The guard is given its value.
   */
  facts?: (req: Request) => Knex.Raw
  /** The submit; called once per run, inside the transaction that ends the run. */
  onComplete: (req: Request, values: Values, ctx: CompleteContext) => MaybePromise<CompleteResult>
  /** Where every page of a finished run leads (the record); also where losing parallel submits land. */
  doneRedirect: (req: Request) => MaybePromise<string>
  /** Where abandoning leads; default /platform. */
  abandonRedirect?: string
  /** Whose progress this is; default the signed-in applicant. Without one, progress lives in the session only. */
  owner?: (req: Request) => number | undefined
}

/** What a guard is given: the run in progress (null once finished) and the value of the definition's `facts`. */
export interface GuardedRun {
  progress: Progress | null
  facts: unknown
}

/** One run of a wizard as the session and the progress table keep it. */
export interface Progress {
  runId: string
  /** Answers per step path. */
  values: Record<string, Values>
  completed: string[]
  /** Steps posted, in order: back links come from here. */
  history: string[]
  /** What a `leave` button kept of a step's unsaved page, shown instead of its answers until it is saved. */
  drafts?: Record<string, Values>
}

/** What the session keeps per wizard: the run in progress, or the mark of a finished one. */
export type SessionWizard =
  | Progress
  | { done: { runId: string; location: string } }
  /** A signed-in owner's run: its answers live in the progress table, the session names the run. */
  | { run: string }

export interface StoredProgress {
  stored: Progress | { finished: string } | null
  facts?: unknown
}

export interface ProgressStore {
  /**
   * The run in progress, or which run finished last (its tombstone), or null; with `facts`, that SQL
   * expression's value read in the same statement.
   */
  load(ownerId: number, key: string, facts?: Knex.Raw): Promise<StoredProgress>
  save(ownerId: number, key: string, progress: Progress): Promise<void>
  clear(ownerId: number, key: string): Promise<void>
  /**
   * Locks the run's row and calls `fn` in that transaction unless the run already finished; then
   * leaves a tombstone naming the run. `fn`'s errors roll everything back.
   */
  complete<T>(
    ownerId: number,
    key: string,
    progress: Progress,
    fn: (trx: Knex.Transaction) => Promise<T>,
  ): Promise<{ ran: true; result: T } | { ran: false }>
}
