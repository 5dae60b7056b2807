import { Router, type Request, type Response } from 'express'
import { handler } from '../async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate, type FieldErrors } from '../formValidation'
import { createCompletion } from './completion'
import { createNavigation } from './navigation'
import { createPersistence, isDone, jsonSafe, type PersistenceDeps } from './persistence'
import { createRendering } from './rendering'
import type { Progress, Step, Values, WizardDefinition } from './types'

export interface WizardEngine {
  /** GET/POST `${basePath}/:step`, and GET `${basePath}` (resume where the applicant was). */
  router: Router
  /** Drops the run from the session and the progress table (不同意, or an explicit 放弃). */
  abandon(req: Request): Promise<void>
  /** Forgets the mark a finished run left in the session, so that a new run may start. */
  reset(req: Request): void
  /**
   * 报名: a new run may start (as reset); the wizard's URL to go to, passing on the named query
   * parameters (a choice brought from elsewhere, which `prefill` keeps).
   */
  start(req: Request, passOn?: readonly string[]): string
  stepUrl(step: string, edit?: string): string
}

export type WizardDeps = PersistenceDeps

const META_FIELDS = new Set(['_csrf', '_action', 'consent'])

/**
 * The generic wizard: one handler for every step of a step table (see src/web/wizard/types.ts and
 * the README's 向导 paragraph). Business modules give it their definition and mount the router
 * behind their own access checks (requireApplicant, requireVerified). Its parts, as
 * hmpo-form-wizard's mixins: navigation.ts (the path through the table), persistence.ts (where a
 * run lives), rendering.ts (a step's page) and completion.ts (the submit); this file is the routes.
 */
export function createWizard(def: WizardDefinition, deps: WizardDeps): WizardEngine {
  const nav = createNavigation(def)
  const runs = createPersistence(def, deps, (path) => nav.byPath.has(path))
  const view = createRendering(def, nav)
  const complete = createCompletion(def, deps.db, runs)
  const formKey = (step: string) => `wizard:${def.key}:${step}`

  type Opened = { redirect: string } | { progress: Progress; route: string[]; edit?: string }

  /** The run loaded for the request, or where the guard or a finished run sends the applicant instead. */
  async function guarded(req: Request): Promise<{ redirect: string } | { run: Progress }> {
    const { state, facts } = await runs.withFacts(req)
    const elsewhere = await def.guard?.(req, { progress: isDone(state) ? null : state, facts })
    if (elsewhere) return { redirect: elsewhere }
    if (isDone(state)) return { redirect: await def.doneRedirect(req) }
    return { run: state }
  }

  /** The guard, a finished run, a step not open yet and the step's prereq, in that order. */
  async function open(req: Request, step: Step): Promise<Opened> {
    const loaded = await guarded(req)
    if ('redirect' in loaded) return loaded
    const state = loaded.run
    const r = nav.route(state, req)
    if (!r.includes(step.path) && !step.entryPoint) return { redirect: nav.stepUrl(r[r.length - 1]) }
    const elsewhere = step.prereq?.(nav.allValues(state), req)
    if (elsewhere) return { redirect: elsewhere }
    const edit =
      typeof req.query.edit === 'string' && nav.isSummary(req.query.edit) ? req.query.edit : undefined
    return { progress: state, route: r, edit }
  }

  const router = Router()

  router.get(
    def.basePath,
    handler(async (req, res) => {
      const loaded = await guarded(req)
      if ('redirect' in loaded) return res.redirect(303, loaded.redirect)
      const r = nav.route(loaded.run, req)
      res.redirect(303, nav.stepUrl(r[r.length - 1]))
    }),
  )

  /** A handler of `${basePath}/:step`: the step (or on to the next route) and what opening it gives. */
  const onStep = (fn: (req: Request, res: Response, step: Step, opened: Opened) => Promise<void>) =>
    handler(async (req, res, next) => {
      const step = nav.byPath.get(String(req.params.step))
      if (!step) return next()
      await fn(req, res, step, await open(req, step))
    })

  router.get(
    `${def.basePath}/:step`,
    onStep(async (req, res, step, opened) => {
      // Every answer is a fresh page: the back button after a submit must ask the server again.
      res.set('Cache-Control', 'no-store')
      if ('redirect' in opened) return res.redirect(303, opened.redirect)
      const { progress } = opened
      const shown = progress.drafts?.[step.path] ?? progress.values[step.path] ?? {}
      const form = takeForm(req, formKey(step.path), shown)
      const page = await view.page(req, opened, step, form)
      res.render(page.template, page.locals)
    }),
  )

  router.post(
    `${def.basePath}/:step`,
    onStep(async (req, res, step, opened) => {
      if ('redirect' in opened) return res.redirect(303, opened.redirect)
      const { progress, edit } = opened
      const body = (req.body ?? {}) as Values
      const posted = Object.fromEntries(Object.entries(body).filter(([k]) => !META_FIELDS.has(k)))
      const here = nav.stepUrl(step.path, edit)
      const action = typeof body._action === 'string' ? body._action : step.redisplayAction?.(body)

      if (step.abandon && body.consent === 'disagree') {
        await runs.abandon(req)
        flash(req, 'info', step.abandon.abandoned)
        return res.redirect(303, def.abandonRedirect ?? '/platform')
      }
      if (step.abandon && body.consent !== 'agree')
        return redirectWithErrors(req, res, formKey(step.path), { consent: step.abandon.required }, {}, here)
      const leave = action ? step.leave?.[action] : undefined
      if (leave) {
        progress.drafts = { ...progress.drafts, [step.path]: jsonSafe(posted) }
        await runs.save(req, progress)
        return res.redirect(303, leave(posted, req))
      }
      const redisplay = action ? step.redisplay?.[action] : undefined
      if (redisplay)
        return redirectWithErrors(req, res, formKey(step.path), {}, await redisplay(posted, req), here)

      // What the review page shows as a problem (a photo gone since) keeps the applicant there.
      if (step.summary && (await view.summaryBlocks(req, progress, step))) return res.redirect(303, here)

      const values = nav.allValues(progress)
      const schema = typeof step.schema === 'function' ? step.schema(values, req) : step.schema
      let value: Values = {}
      let errors: FieldErrors = {}
      if (schema) ({ value, errors } = validate<Values>(schema, body))
      if (!hasErrors(errors) && step.beforeSave)
        errors = (await step.beforeSave(req, value, { ...values, ...value })) ?? {}
      if (hasErrors(errors)) return redirectWithErrors(req, res, formKey(step.path), errors, posted, here)

      nav.recordAnswer(progress, step, jsonSafe(value), req)
      if (step.next === undefined) {
        const done = await complete(req, progress, nav.allValues(progress))
        if ('errors' in done) {
          const kept = progress.values[step.path] ?? {}
          return redirectWithErrors(req, res, formKey(step.path), done.errors, kept, nav.stepUrl(step.path))
        }
        return res.redirect(303, done.location)
      }
      const to = nav.after(progress, step, req, edit)
      await runs.save(req, progress)
      res.redirect(303, to)
    }),
  )

  return {
    router,
    abandon: runs.abandon,
    reset: runs.reset,
    start(req, passOn = []) {
      runs.reset(req)
      const qs = new URLSearchParams()
      for (const k of passOn) if (typeof req.query[k] === 'string') qs.set(k, req.query[k] as string)
      return qs.size ? `${def.basePath}?${qs}` : def.basePath
    },
    stepUrl: nav.stepUrl,
  }
}
