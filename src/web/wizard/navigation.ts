import type { Request } from 'express'
import type { NextRule, Progress, Step, Values, WizardDefinition } from './types'

/**
 * The path through a step table: which steps the answers lead through, what may be opened, where a
 * POST goes on to, which answers branching has made moot, and the back link and step bar of a page.
 * Pure: it reads the definition and a run's progress, and changes nothing but the progress given.
 */
export interface Navigation {
  byPath: ReadonlyMap<string, Step>
  stepUrl(step: string, edit?: string): string
  /** Whether `?edit=` may name this step (a review page). */
  isSummary(step: string): boolean
  /** Every step's answers merged, in table order. */
  allValues(p: Progress): Values
  /** Every step the answers lead through, whether answered or not (skipped steps left out). */
  reachable(p: Progress, req: Request): string[]
  /** The reachable steps up to and including the first one not yet complete: what may be opened. */
  route(p: Progress, req: Request): string[]
  /** Answers of steps that branching has made unreachable are dropped (repeated: dropping may re-branch). */
  prune(p: Progress, req: Request): void
  /** Keeps a step's accepted answer: completed, in the history, later answers it invalidates dropped. */
  recordAnswer(p: Progress, step: Step, value: Values, req: Request): void
  /** Where a step's accepted POST goes: the next open step, or back to the page being edited from. */
  after(p: Progress, step: Step, req: Request, edit?: string): string
  backLink(p: Progress, route: string[], step: Step, edit?: string): string | undefined
  stepBar(p: Progress, req: Request, step: Step): { label: string; current: boolean; done: boolean }[]
}

function rules(step: Step): NextRule[] {
  if (step.next === undefined) return []
  return Array.isArray(step.next) ? step.next : [step.next]
}

/** The table's steps by path; throws on a step defined twice or a rule or stage naming an unknown step. */
export function checkDefinition(def: WizardDefinition): Map<string, Step> {
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

export function createNavigation(def: WizardDefinition): Navigation {
  const byPath = checkDefinition(def)
  const summaries = new Set(def.steps.filter((s) => s.summary).map((s) => s.path))
  const entryPoints = def.steps.filter((s) => s.entryPoint).map((s) => s.path)
  const stepUrl = (step: string, edit?: string) =>
    `${def.basePath}/${step}${edit ? `?edit=${encodeURIComponent(edit)}` : ''}`

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

  function route(p: Progress, req: Request): string[] {
    const all = reachable(p, req)
    const firstOpen = all.findIndex((s) => !p.completed.includes(s))
    return firstOpen === -1 ? all : all.slice(0, firstOpen + 1)
  }

  function prune(p: Progress, req: Request): void {
    for (let i = 0; i < def.steps.length; i++) {
      const keep = new Set([...reachable(p, req), ...entryPoints])
      const before = Object.keys(p.values).length + p.completed.length
      p.values = Object.fromEntries(Object.entries(p.values).filter(([k]) => keep.has(k)))
      p.completed = p.completed.filter((s) => keep.has(s))
      p.history = p.history.filter((s) => keep.has(s))
      if (Object.keys(p.values).length + p.completed.length === before) return
    }
  }

  function recordAnswer(p: Progress, step: Step, value: Values, req: Request): void {
    const changed = JSON.stringify(p.values[step.path] ?? {}) !== JSON.stringify(value)
    p.values[step.path] = value
    if (p.drafts) delete p.drafts[step.path]
    if (changed && step.invalidates) p.completed = p.completed.filter((s) => !step.invalidates!.includes(s))
    if (!p.completed.includes(step.path)) p.completed.push(step.path)
    if (!p.history.includes(step.path)) p.history.push(step.path)
    prune(p, req)
  }

  function after(p: Progress, step: Step, req: Request, edit?: string): string {
    const r = route(p, req)
    if (edit) return r.includes(edit) ? stepUrl(edit) : stepUrl(r[r.length - 1], edit)
    const i = r.indexOf(step.path)
    return stepUrl(i !== -1 && i + 1 < r.length ? r[i + 1] : r[r.length - 1])
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

  return {
    byPath,
    stepUrl,
    isSummary: (step) => summaries.has(step),
    allValues,
    reachable,
    route,
    prune,
    recordAnswer,
    after,
    backLink,
    stepBar,
  }
}
