import crypto from 'node:crypto'
import { Router, type Request, type Response } from 'express'
import type { Knex } from 'knex'
import type { Clock } from '../../services/clock'
import { shanghaiDate } from '../../domain/time'
import { handler } from '../async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate, type FieldErrors } from '../forms'
import { knexProgressStore } from './progressStore'
import { reviewErrors, reviewSections } from './review'
import type {
  CompleteContext,
  NextRule,
  Progress,
  ProgressStore,
  SessionWizard,
  Step,
  Values,
  WizardDefinition,
} from './types'

export interface WizardEngine {
  /** GET/POST `${basePath}/:step`, and GET `${basePath}` (resume where the applicant was). */
  router: Router
  /** Drops the run from the session and the progress table (不同意, or an explicit 放弃). */
  abandon(req: Request): Promise<void>
  /** Forgets the mark a finished run left in the session, so that a new run may start. */
  reset(req: Request): void
  /** The run in progress (loading it from the table or starting one if the session has none). */
  progress(req: Request): Promise<Progress | null>
  /** The value of the definition's `facts` SQL, read with the run's progress (undefined without one). */
  facts(req: Request): Promise<unknown>
  stepUrl(step: string, edit?: string): string
}

export interface WizardDeps {
  db: Knex
  clock: Clock
  /** Where progress outlives the session; default the wizard_progress table. */
  store?: ProgressStore
}

const SUMMARY_TEMPLATE = 'partials/wizard/review-page.njk'
const META_FIELDS = new Set(['_csrf', '_action', 'consent'])

/** An onComplete that answered with errors: thrown to roll the submit's transaction back. */
class Refused extends Error {
  constructor(readonly errors: FieldErrors) {
    super('submit refused')
  }
}

type Done = { done: { runId: string; location: string } }
const isDone = (s: SessionWizard | undefined): s is Done => !!s && 'done' in s
const isMarker = (s: SessionWizard | undefined): s is { run: string } => !!s && 'run' in s

// Values live in the session and the progress table as JSON: dates are kept as 年-月-日 strings.
function jsonSafe<T extends object>(values: T): T {
  return JSON.parse(
    JSON.stringify(values, function (this: Values, key, v: unknown) {
      const raw = this[key]
      return raw instanceof Date ? shanghaiDate(raw) : v
    }),
  ) as T
}

function checkDefinition(def: WizardDefinition): Map<string, Step> {
  const byPath = new Map<string, Step>()
  for (const s of def.steps) {
    if (byPath.has(s.path)) throw new Error(`wizard ${def.key}: step ${s.path} defined twice`)
    byPath.set(s.path, s)
  }
  for (const s of def.steps)
    for (const r of rules(s))
      if (!byPath.has(typeof r === 'string' ? r : r.to))
        throw new Error(`wizard ${def.key}: step ${s.path} leads to an unknown step`)
  for (const stage of def.stepBar ?? [])
    for (const p of stage.steps)
      if (!byPath.has(p)) throw new Error(`wizard ${def.key}: step bar names unknown step ${p}`)
  return byPath
}

function rules(step: Step): NextRule[] {
  if (step.next === undefined) return []
  return Array.isArray(step.next) ? step.next : [step.next]
}

/**
 * The generic wizard: one handler for every step of a step table (see src/web/wizard/types.ts and
 * the README's 向导 paragraph). Business modules give it their definition and mount the router
 * behind their own access checks (requireApplicant, requireVerified).
 */
export function createWizard(def: WizardDefinition, deps: WizardDeps): WizardEngine {
  const byPath = checkDefinition(def)
  const store = deps.store ?? knexProgressStore(deps.db, deps.clock)
  const summaries = new Set(def.steps.filter((s) => s.summary).map((s) => s.path))
  const stepUrl = (step: string, edit?: string) =>
    `${def.basePath}/${step}${edit ? `?edit=${encodeURIComponent(edit)}` : ''}`
  const formKey = (step: string) => `wizard:${def.key}:${step}`
  const ownerOf = (req: Request) => (def.owner ? def.owner(req) : req.applicant?.id)

  // ---- the session slot -------------------------------------------------------------------------

  const slot = (req: Request) => req.session.wizards?.[def.key] as SessionWizard | undefined
  const setSlot = (req: Request, value: SessionWizard | undefined) => {
    const all = { ...(req.session.wizards ?? {}) }
    if (value === undefined) delete all[def.key]
    else all[def.key] = value
    req.session.wizards = all
  }

  // For a signed-in applicant the table is the truth and the session holds no copy of the answers,
  // only the 'done' marker of a finished run: express-session writes the whole session back after
  // each request, so a request running alongside a step's POST (a favicon, a second tab) could
  // otherwise put back the progress from before that step — and a session carrying every answer
  // would be read, hashed and rewritten on every request.
  // One load per request: a business's guard (engine.progress) and the step handler share it.
  const loaded = new WeakMap<Request, Promise<Progress | Done>>()
  function current(req: Request): Promise<Progress | Done> {
    let state = loaded.get(req)
    if (!state) {
      state = load(req)
      loaded.set(req, state)
      state.catch(() => loaded.delete(req))
    }
    return state
  }

  // The definition's facts, read with the progress (one statement per request).
  const factsOf = new WeakMap<Request, unknown>()

  async function load(req: Request): Promise<Progress | Done> {
    const state = await loadRun(req)
    const prefill = isDone(state) ? null : def.prefill?.(req)
    if (!prefill) return state
    const progress = state as Progress
    progress.drafts = { ...progress.drafts }
    for (const [step, values] of Object.entries(prefill))
      if (byPath.has(step) && !progress.completed.includes(step))
        progress.drafts[step] = jsonSafe({ ...progress.values[step], ...progress.drafts[step], ...values })
    await persist(req, progress)
    return progress
  }

  async function loadRun(req: Request): Promise<Progress | Done> {
    const inSession = slot(req)
    const owner = ownerOf(req)
    const facts = def.facts?.(req)
    if (owner === undefined) {
      // progress in the session only: the facts read it as p.data all the same
      if (facts) {
        const data =
          inSession && !isMarker(inSession) && !isDone(inSession) ? JSON.stringify(inSession) : null
        const { rows } = await deps.db.raw('SELECT (?) AS facts FROM (SELECT ?::jsonb AS data) p', [
          facts,
          data,
        ])
        factsOf.set(req, rows[0]?.facts)
      }
      if (inSession && !isMarker(inSession)) return inSession
    }
    const { stored, facts: read } =
      owner === undefined ? { stored: null, facts: undefined } : await store.load(owner, def.key, facts)
    if (owner !== undefined) factsOf.set(req, read)
    if (stored && !('finished' in stored)) {
      if (!isMarker(inSession) || inSession.run !== stored.runId) setSlot(req, { run: stored.runId })
      return stored
    }
    if (isDone(inSession)) return inSession
    const marked = isMarker(inSession) ? inSession.run : undefined
    // A submit of this run finished while this request was on its way (a double click, a second tab).
    if (marked && stored?.finished === marked)
      return { done: { runId: marked, location: await def.doneRedirect(req) } }
    const progress: Progress = {
      runId: marked ?? crypto.randomUUID(),
      values: {},
      completed: [],
      history: [],
    }
    const loaded = await def.load?.(req)
    if (loaded?.values) progress.values = jsonSafe(loaded.values)
    if (loaded?.completed) progress.completed = loaded.completed.filter((p) => byPath.has(p))
    setSlot(req, owner === undefined ? progress : { run: progress.runId })
    return progress
  }

  // ---- the path through the table ---------------------------------------------------------------

  const allValues = (p: Progress): Values =>
    Object.assign({}, ...def.steps.map((s) => p.values[s.path] ?? {})) as Values

  function nextOf(step: Step, values: Values, req: Request): string | undefined {
    for (const r of rules(step)) {
      if (typeof r === 'string') return r
      if (r.when(values, req)) return r.to
    }
    if (step.next !== undefined) throw new Error(`wizard ${def.key}: no way on from step ${step.path}`)
    return undefined
  }

  /** Every step the answers lead through, whether answered or not (skipped steps left out). */
  function reachable(p: Progress, req: Request): string[] {
    const values = allValues(p)
    const out: string[] = []
    const seen = new Set<string>()
    let step: Step | undefined = def.steps[0]
    while (step && !seen.has(step.path)) {
      seen.add(step.path)
      if (!step.skipIf?.(values, req)) out.push(step.path)
      const to = nextOf(step, values, req)
      step = to === undefined ? undefined : byPath.get(to)
    }
    return out
  }

  /** The reachable steps up to and including the first one not yet complete: what may be opened. */
  function route(p: Progress, req: Request): string[] {
    const all = reachable(p, req)
    const firstOpen = all.findIndex((s) => !p.completed.includes(s))
    return firstOpen === -1 ? all : all.slice(0, firstOpen + 1)
  }

  /** Answers of steps that branching has made unreachable are dropped (repeated: dropping may re-branch). */
  function prune(p: Progress, req: Request): void {
    for (let i = 0; i < def.steps.length; i++) {
      const keep = new Set([
        ...reachable(p, req),
        ...def.steps.filter((s) => s.entryPoint).map((s) => s.path),
      ])
      const before = Object.keys(p.values).length + p.completed.length
      p.values = Object.fromEntries(Object.entries(p.values).filter(([k]) => keep.has(k)))
      p.completed = p.completed.filter((s) => keep.has(s))
      p.history = p.history.filter((s) => keep.has(s))
      if (Object.keys(p.values).length + p.completed.length === before) return
    }
  }

  // ---- opening a step ---------------------------------------------------------------------------

  type Opened = { redirect: string } | { progress: Progress; route: string[]; edit?: string }

  async function open(req: Request, step: Step): Promise<Opened> {
    const guarded = await def.guard?.(req)
    if (guarded) return { redirect: guarded }
    const state = await current(req)
    if (isDone(state)) return { redirect: await def.doneRedirect(req) }
    const r = route(state, req)
    if (!r.includes(step.path) && !step.entryPoint) return { redirect: stepUrl(r[r.length - 1]) }
    const elsewhere = step.prereq?.(allValues(state), req)
    if (elsewhere) return { redirect: elsewhere }
    const edit =
      typeof req.query.edit === 'string' && summaries.has(req.query.edit) ? req.query.edit : undefined
    return { progress: state, route: r, edit }
  }

  function backLink(p: Progress, r: string[], step: Step, edit?: string): string | undefined {
    if (edit) return stepUrl(edit)
    const i = r.indexOf(step.path)
    const before = i === -1 ? r : r.slice(0, i)
    const visited = [...before].reverse().find((s) => p.history.includes(s))
    return visited ? stepUrl(visited) : undefined
  }

  function stepBar(p: Progress, req: Request, step: Step) {
    const reach = reachable(p, req)
    const stages = def.stepBar ?? reach.map((s) => ({ label: byPath.get(s)!.title, steps: [s] }))
    return stages.map((stage) => {
      const live = stage.steps.filter((s) => reach.includes(s))
      return {
        label: stage.label,
        current: stage.steps.includes(step.path),
        done: live.length > 0 && live.every((s) => p.completed.includes(s)),
      }
    })
  }

  // ---- the handlers -----------------------------------------------------------------------------

  const router = Router()

  router.get(
    def.basePath,
    handler(async (req, res) => {
      const guarded = await def.guard?.(req)
      if (guarded) return res.redirect(303, guarded)
      const state = await current(req)
      if (isDone(state)) return res.redirect(303, await def.doneRedirect(req))
      const r = route(state, req)
      res.redirect(303, stepUrl(r[r.length - 1]))
    }),
  )

  router.get(
    `${def.basePath}/:step`,
    handler(async (req, res, next) => {
      const step = byPath.get(String(req.params.step))
      if (!step) return next()
      const opened = await open(req, step)
      // Every answer is a fresh page: the back button after a submit must ask the server again.
      res.set('Cache-Control', 'no-store')
      if ('redirect' in opened) return res.redirect(303, opened.redirect)
      const { progress, route: r, edit } = opened
      const values = allValues(progress)
      const form = takeForm(
        req,
        formKey(step.path),
        progress.drafts?.[step.path] ?? progress.values[step.path] ?? {},
      )
      const extra = (await step.beforeRender?.(req, values, form.values)) ?? {}
      const summary = step.summary ? await summaryOf(req, progress, step) : undefined
      const found = summary ? reviewErrors(summary) : {}
      res.render(step.template ?? (step.summary ? SUMMARY_TEMPLATE : `pages/${def.key}/${step.path}.njk`), {
        ...form,
        ...(Object.keys(found).length
          ? {
              errors: { ...form.errors, ...found },
              errorList: [
                ...form.errorList,
                ...Object.entries(found).map(([field, text]) => ({ field, text })),
              ],
            }
          : {}),
        answers: values,
        sections: summary,
        pageTitle: `${step.title} - ${def.title}`,
        wizard: {
          key: def.key,
          title: def.title,
          notice: def.notice,
          step: { path: step.path, title: step.title },
          stepBar: stepBar(progress, req, step),
          backLink: backLink(progress, r, step, edit),
          action: stepUrl(step.path, edit),
          editing: !!edit,
          abandon: !!step.abandon,
          submitLabel: step.submitLabel ?? (edit ? '保存并返回确认页' : '下一步'),
        },
        ...extra,
      })
    }),
  )

  router.post(
    `${def.basePath}/:step`,
    handler(async (req, res, next) => {
      const step = byPath.get(String(req.params.step))
      if (!step) return next()
      const opened = await open(req, step)
      if ('redirect' in opened) return res.redirect(303, opened.redirect)
      const { progress, edit } = opened
      const body = (req.body ?? {}) as Values
      const posted = Object.fromEntries(Object.entries(body).filter(([k]) => !META_FIELDS.has(k)))
      const here = stepUrl(step.path, edit)
      const action = typeof body._action === 'string' ? body._action : step.redisplayAction?.(body)

      if (step.abandon && body.consent === 'disagree') {
        await abandon(req)
        flash(req, 'info', step.abandon.abandoned)
        return res.redirect(303, def.abandonRedirect ?? '/platform')
      }
      if (step.abandon && body.consent !== 'agree')
        return redirectWithErrors(req, res, formKey(step.path), { consent: step.abandon.required }, {}, here)
      const leave = action ? step.leave?.[action] : undefined
      if (leave) {
        progress.drafts = { ...progress.drafts, [step.path]: jsonSafe(posted) }
        await persist(req, progress)
        return res.redirect(303, leave(posted, req))
      }
      const redisplay = action ? step.redisplay?.[action] : undefined
      if (redisplay)
        return redirectWithErrors(req, res, formKey(step.path), {}, await redisplay(posted, req), here)

      // What the review page shows as a problem (a photo gone since) keeps the applicant there.
      if (step.summary && Object.keys(reviewErrors(await summaryOf(req, progress, step))).length)
        return res.redirect(303, here)

      const values = allValues(progress)
      const schema = typeof step.schema === 'function' ? step.schema(values, req) : step.schema
      let value: Values = {}
      let errors: FieldErrors = {}
      if (schema) ({ value, errors } = validate<Values>(schema, body))
      if (!hasErrors(errors) && step.beforeSave)
        errors = (await step.beforeSave(req, value, { ...values, ...value })) ?? {}
      if (hasErrors(errors)) return redirectWithErrors(req, res, formKey(step.path), errors, posted, here)

      const changed = JSON.stringify(progress.values[step.path] ?? {}) !== JSON.stringify(jsonSafe(value))
      progress.values[step.path] = jsonSafe(value)
      if (progress.drafts) delete progress.drafts[step.path]
      if (changed && step.invalidates)
        progress.completed = progress.completed.filter((s) => !step.invalidates!.includes(s))
      if (!progress.completed.includes(step.path)) progress.completed.push(step.path)
      if (!progress.history.includes(step.path)) progress.history.push(step.path)
      prune(progress, req)

      if (step.next === undefined) return complete(req, res, step, progress)

      const r = route(progress, req)
      let to: string
      if (edit) to = r.includes(edit) ? stepUrl(edit) : stepUrl(r[r.length - 1], edit)
      else {
        const i = r.indexOf(step.path)
        to = stepUrl(i !== -1 && i + 1 < r.length ? r[i + 1] : r[r.length - 1])
      }
      await persist(req, progress)
      res.redirect(303, to)
    }),
  )

  /** The review step's sections: the steps before it the answers lead through. */
  function summaryOf(req: Request, progress: Progress, step: Step) {
    return reviewSections(
      req,
      reachable(progress, req)
        .map((s) => byPath.get(s)!)
        .filter((s) => def.steps.indexOf(s) < def.steps.indexOf(step)),
      progress.values,
      allValues(progress),
      (s) => stepUrl(s, step.path),
    )
  }

  async function persist(req: Request, progress: Progress) {
    const owner = ownerOf(req)
    if (owner !== undefined) await store.save(owner, def.key, progress)
    else setSlot(req, progress)
  }

  async function complete(req: Request, res: Response, step: Step, progress: Progress) {
    const values = allValues(progress)
    const run = async (trx: Knex.Transaction) => {
      const ctx: CompleteContext = { trx, byStep: progress.values, runId: progress.runId }
      const result = await def.onComplete(req, values, ctx)
      if (result && typeof result === 'object') throw new Refused(result.errors)
      return result
    }
    const owner = ownerOf(req)
    let location: string | undefined
    try {
      const outcome =
        owner === undefined
          ? { ran: true as const, result: await deps.db.transaction(run) }
          : await store.complete(owner, def.key, progress, run)
      if (outcome.ran && typeof outcome.result === 'string') location = outcome.result
    } catch (err) {
      if (!(err instanceof Refused)) throw err
      const posted = progress.values[step.path] ?? {}
      return redirectWithErrors(req, res, formKey(step.path), err.errors, posted, stepUrl(step.path))
    }
    location ??= await def.doneRedirect(req)
    setSlot(req, { done: { runId: progress.runId, location } })
    res.redirect(303, location)
  }

  async function abandon(req: Request): Promise<void> {
    loaded.delete(req)
    const owner = ownerOf(req)
    if (owner !== undefined) await store.clear(owner, def.key)
    setSlot(req, undefined)
  }

  return {
    router,
    abandon,
    reset: (req) => {
      loaded.delete(req)
      if (isDone(slot(req))) setSlot(req, undefined)
    },
    async progress(req) {
      const state = await current(req)
      return isDone(state) ? null : state
    },
    async facts(req) {
      await current(req)
      return factsOf.get(req)
    },
    stepUrl,
  }
}
