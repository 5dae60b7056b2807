import crypto from 'node:crypto'
import type { Request } from 'express'
import type { Knex } from 'knex'
import type { Clock } from '../../services/clock'
import { shanghaiDate } from '../../domain/time'
import { progressRepository, sessionFacts } from './progressRepository'
import type { Progress, ProgressStore, SessionWizard, Values, WizardDefinition } from './types'

export type Done = { done: { runId: string; location: string } }
export const isDone = (s: SessionWizard | undefined): s is Done => !!s && 'done' in s
const isMarker = (s: SessionWizard | undefined): s is { run: string } => !!s && 'run' in s

/** Values live in the session and the progress table as JSON: dates are kept as 年-月-日 strings. */
export function jsonSafe<T extends object>(values: T): T {
  return JSON.parse(
    JSON.stringify(values, function (this: Values, key, v: unknown) {
      const raw = this[key]
      return raw instanceof Date ? shanghaiDate(raw) : v
    }),
  ) as T
}

export interface PersistenceDeps {
  db: Knex
  clock: Clock
  /** Where progress outlives the session; default the wizard_progress table. */
  store?: ProgressStore
}

/**
 * Where a run lives between requests: for a signed-in owner the progress table (the session only
 * names the run), otherwise the session. One load per request, shared by a business's guard and
 * the step handler; the definition's `facts` are read in the same statement.
 */
export interface Persistence {
  store: ProgressStore
  /** Whose progress this is (undefined: the session's only). */
  ownerOf(req: Request): number | undefined
  /** The run in progress, or the mark of a finished one (loaded once per request). */
  current(req: Request): Promise<Progress | Done>
  /** The run (as current) and the value of the definition's `facts`, read with its progress. */
  withFacts(req: Request): Promise<{ state: Progress | Done; facts: unknown }>
  save(req: Request, progress: Progress): Promise<void>
  /** Marks the run finished in the session: every page of the wizard then leads to `location`. */
  finish(req: Request, runId: string, location: string): void
  /** Drops the run from the session and the progress table. */
  abandon(req: Request): Promise<void>
  /** Forgets the mark a finished run left in the session, so that a new run may start. */
  reset(req: Request): void
}

export function createPersistence(
  def: WizardDefinition,
  deps: PersistenceDeps,
  isStep: (path: string) => boolean,
): Persistence {
  const store = deps.store ?? progressRepository(deps.db, deps.clock)
  const ownerOf = (req: Request) => (def.owner ? def.owner(req) : req.applicant?.id)

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
  const loaded = new WeakMap<Request, Promise<Progress | Done>>()
  const factsOf = new WeakMap<Request, unknown>()

  function current(req: Request): Promise<Progress | Done> {
    let state = loaded.get(req)
    if (!state) {
      state = load(req)
      loaded.set(req, state)
      state.catch(() => loaded.delete(req))
    }
    return state
  }

  async function load(req: Request): Promise<Progress | Done> {
    const state = await loadRun(req)
    const prefill = isDone(state) ? null : def.prefill?.(req)
    if (!prefill) return state
    const progress = state as Progress
    progress.drafts = { ...progress.drafts }
    for (const [step, values] of Object.entries(prefill))
      if (isStep(step) && !progress.completed.includes(step))
        progress.drafts[step] = jsonSafe({ ...progress.values[step], ...progress.drafts[step], ...values })
    await save(req, progress)
    return progress
  }

  async function loadRun(req: Request): Promise<Progress | Done> {
    const inSession = slot(req)
    const owner = ownerOf(req)
    const facts = def.facts?.(req)
    if (owner === undefined) {
      // progress in the session only: the facts read it as p.data all the same
      if (facts) {
        const data = inSession && !isMarker(inSession) && !isDone(inSession) ? inSession : undefined
        factsOf.set(req, await sessionFacts(deps.db, facts, data))
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
    const given = await def.load?.(req)
    if (given?.values) progress.values = jsonSafe(given.values)
    if (given?.completed) progress.completed = given.completed.filter(isStep)
    setSlot(req, owner === undefined ? progress : { run: progress.runId })
    return progress
  }

  async function save(req: Request, progress: Progress) {
    const owner = ownerOf(req)
    if (owner !== undefined) await store.save(owner, def.key, progress)
    else setSlot(req, progress)
  }

  return {
    store,
    ownerOf,
    current,
    async withFacts(req) {
      const state = await current(req)
      return { state, facts: factsOf.get(req) }
    },
    save,
    finish: (req, runId, location) => setSlot(req, { done: { runId, location } }),
    async abandon(req) {
      loaded.delete(req)
      const owner = ownerOf(req)
      if (owner !== undefined) await store.clear(owner, def.key)
      setSlot(req, undefined)
    },
    reset(req) {
      loaded.delete(req)
      if (isDone(slot(req))) setSlot(req, undefined)
    },
  }
}
