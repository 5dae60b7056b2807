import { checkDefinition, createNavigation } from '../../src/web/wizard/navigation'
import { PLAIN_BASE, plainDefinition, plainRequest, plainSteps, progressOf } from '../fixtures/wizard/plain'

const nav = createNavigation(plainDefinition())
const req = plainRequest()
const step = (path: string) => nav.byPath.get(path)!

describe('wizard navigation: the path through the table', () => {
  it('follows the first rule that holds, and leaves skipped steps out', () => {
    const national = progressOf({ values: { route: { examRoute: 'national' } } })
    expect(nav.reachable(national, req)).toEqual([
      'start',
      'route',
      'exam',
      'school',
      'extra',
      'review',
      'done',
    ])
    const other = progressOf({ values: { route: { examRoute: 'other' }, school: { school: '免' } } })
    expect(nav.reachable(other, req)).toEqual(['start', 'route', 'school', 'review', 'done'])
  })

  it('opens the steps up to the first one not complete', () => {
    expect(nav.route(progressOf(), req)).toEqual(['start'])
    const p = progressOf({ values: { route: { examRoute: 'other' } }, completed: ['start', 'route'] })
    expect(nav.route(p, req)).toEqual(['start', 'route', 'school'])
  })

  it('merges every step’s answers in table order', () => {
    const p = progressOf({ values: { school: { school: 'A', x: 2 }, route: { examRoute: 'other', x: 1 } } })
    expect(nav.allValues(p)).toEqual({ examRoute: 'other', school: 'A', x: 2 })
  })

  it('prunes the answers of steps a new branch no longer reaches, but keeps side pages', () => {
    const p = progressOf({
      values: { route: { examRoute: 'other' }, exam: { certNumber: '1' }, side: { note: 'x' } },
      completed: ['start', 'route', 'exam', 'side'],
      history: ['start', 'route', 'exam'],
    })
    nav.prune(p, req)
    expect(Object.keys(p.values).sort()).toEqual(['route', 'side'])
    expect(p.completed).toEqual(['start', 'route', 'side'])
    expect(p.history).toEqual(['start', 'route'])
  })

  it('records an answer: completed once, in the history, invalidating later steps only when it changed', () => {
    const p = progressOf({
      values: { route: { examRoute: 'other' }, school: { school: 'A' } },
      completed: ['start', 'route', 'school'],
      history: ['start', 'route', 'school'],
      drafts: { route: { examRoute: 'national' } },
    })
    nav.recordAnswer(p, step('route'), { examRoute: 'other' }, req)
    expect(p.completed).toEqual(['start', 'route', 'school'])
    expect(p.drafts).toEqual({})
    nav.recordAnswer(p, step('route'), { examRoute: 'national' }, req)
    expect(p.completed).toEqual(['start', 'route'])
    expect(p.values.route).toEqual({ examRoute: 'national' })
    expect(p.history).toEqual(['start', 'route', 'school'])
  })

  it('goes on to the next open step, or back to the review page it was edited from', () => {
    const p = progressOf({ values: { route: { examRoute: 'national' } }, completed: ['start', 'route'] })
    expect(nav.after(p, step('route'), req)).toBe(`${PLAIN_BASE}/exam`)
    const all = progressOf({
      values: { route: { examRoute: 'other' }, school: { school: '免' } },
      completed: ['start', 'route', 'school', 'review'],
    })
    expect(nav.after(all, step('school'), req, 'review')).toBe(`${PLAIN_BASE}/review`)
    // an edit that opened a new step: that step first, still returning to the review page after
    const opened = progressOf({
      values: { route: { examRoute: 'national' } },
      completed: ['start', 'route', 'school'],
    })
    expect(nav.after(opened, step('route'), req, 'review')).toBe(`${PLAIN_BASE}/exam?edit=review`)
  })

  it('links back to the last step posted before this one, or to the page being edited from', () => {
    const p = progressOf({ values: { route: { examRoute: 'other' } }, history: ['start', 'route'] })
    const r = ['start', 'route', 'school']
    expect(nav.backLink(p, r, step('school'))).toBe(`${PLAIN_BASE}/route`)
    expect(nav.backLink(p, r, step('start'))).toBeUndefined()
    expect(nav.backLink(p, r, step('school'), 'review')).toBe(`${PLAIN_BASE}/review`)
  })

  it('builds the step bar from the stages, done when every reachable step of a stage is', () => {
    const staged = createNavigation(
      plainDefinition({
        stepBar: [
          { label: '一', steps: ['start', 'route', 'exam'] },
          { label: '二', steps: ['school', 'extra', 'review', 'done'] },
        ],
      }),
    )
    const p = progressOf({ values: { route: { examRoute: 'other' } }, completed: ['start', 'route'] })
    expect(staged.stepBar(p, req, step('school'))).toEqual([
      { label: '一', current: false, done: true },
      { label: '二', current: true, done: false },
    ])
    // without stages: one per reachable step, titled
    expect(nav.stepBar(progressOf(), req, step('start'))[0]).toEqual({
      label: '开始',
      current: true,
      done: false,
    })
  })

  it('builds step URLs, with ?edit= only for a review step', () => {
    expect(nav.stepUrl('school', 'review')).toBe(`${PLAIN_BASE}/school?edit=review`)
    expect(nav.isSummary('review')).toBe(true)
    expect(nav.isSummary('school')).toBe(false)
  })

  it('refuses a table with a step twice, a rule to nowhere, or a stage naming an unknown step', () => {
    expect(() => checkDefinition(plainDefinition({ steps: [plainSteps[0], plainSteps[0]] }))).toThrow(/twice/)
    expect(() => checkDefinition(plainDefinition({ steps: [plainSteps[0]] }))).toThrow(/unknown step/)
    expect(() => checkDefinition(plainDefinition({ stepBar: [{ label: 'x', steps: ['nowhere'] }] }))).toThrow(
      /step bar names unknown step nowhere/,
    )
  })
})
