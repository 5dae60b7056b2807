import { createNavigation } from '../../src/web/wizard/navigation'
import { SUMMARY_TEMPLATE, createRendering } from '../../src/web/wizard/rendering'
import type { Step } from '../../src/web/wizard/types'
import { PLAIN_BASE, plainDefinition, plainRequest, plainSteps, progressOf } from '../fixtures/wizard/plain'

const emptyForm = (values = {}) => ({ values, errors: {}, errorList: [] })
const answered = progressOf({
  values: { route: { examRoute: 'other' }, school: { school: '北京师范大学' } },
  completed: ['start', 'route', 'school', 'extra'],
  history: ['start', 'route', 'school', 'extra'],
})

function parts(steps: Step[] = plainSteps) {
  const def = plainDefinition({ steps, notice: '请注意' })
  const nav = createNavigation(def)
  return { nav, view: createRendering(def, nav) }
}

describe('wizard rendering: a step’s page', () => {
  it('renders pages/<key>/<path>.njk with the form, the answers and the wizard’s frame', async () => {
    const { nav, view } = parts()
    const req = plainRequest()
    const step = nav.byPath.get('school')!
    const page = await view.page(
      req,
      { progress: answered, route: nav.route(answered, req) },
      step,
      emptyForm(),
    )
    expect(page.template).toBe('pages/plain/school.njk')
    expect(page.locals).toMatchObject({
      pageTitle: '学校 - 示例',
      answers: { examRoute: 'other', school: '北京师范大学' },
      wizard: {
        key: 'plain',
        notice: '请注意',
        step: { path: 'school', title: '学校' },
        backLink: `${PLAIN_BASE}/route`,
        action: `${PLAIN_BASE}/school`,
        editing: false,
        submitLabel: '下一步',
      },
    })
  })

  it('opened from the review page: the action and back link return there, the button says so', async () => {
    const { nav, view } = parts()
    const req = plainRequest({ edit: 'review' })
    const step = nav.byPath.get('school')!
    const opened = { progress: answered, route: nav.route(answered, req), edit: 'review' }
    const { locals } = await view.page(req, opened, step, emptyForm())
    expect(locals.wizard).toMatchObject({
      action: `${PLAIN_BASE}/school?edit=review`,
      backLink: `${PLAIN_BASE}/review`,
      editing: true,
      submitLabel: '保存并返回确认页',
    })
  })

  it('adds what beforeRender gives, seeing what the page will show', async () => {
    const steps = plainSteps.map((s) =>
      s.path === 'school'
        ? {
            ...s,
            beforeRender: (
              _req: unknown,
              values: Record<string, unknown>,
              shown: Record<string, unknown>,
            ) => ({ echo: [values.examRoute, shown.school] }),
          }
        : s,
    )
    const { nav, view } = parts(steps)
    const req = plainRequest()
    const page = await view.page(
      req,
      { progress: answered, route: nav.route(answered, req) },
      nav.byPath.get('school')!,
      emptyForm({ school: '重填' }),
    )
    expect(page.locals.echo).toEqual(['other', '重填'])
  })

  it('gives a review step the sections of the steps before it that the answers lead through', async () => {
    const { nav, view } = parts()
    const req = plainRequest()
    const review = nav.byPath.get('review')!
    const page = await view.page(
      req,
      { progress: answered, route: nav.route(answered, req) },
      review,
      emptyForm(),
    )
    expect(page.template).toBe(SUMMARY_TEMPLATE)
    expect(page.locals.sections).toEqual([
      {
        step: 'route',
        title: '考试形式',
        href: `${PLAIN_BASE}/route?edit=review`,
        rows: [{ name: 'examRoute', label: '考试形式', value: '其他', error: undefined }],
      },
      {
        step: 'school',
        title: '学校',
        href: `${PLAIN_BASE}/school?edit=review`,
        rows: [{ name: 'school', label: '毕业学校', value: '北京师范大学', error: undefined }],
      },
    ])
    expect(await view.summaryBlocks(req, answered, review)).toBe(false)
  })

  it('shows what a review field’s check finds beside the form’s errors, and it blocks the review step', async () => {
    const steps = plainSteps.map((s) =>
      s.path === 'school'
        ? { ...s, fields: [{ name: 'school', label: '毕业学校', check: () => '学校已撤销' }] }
        : s,
    )
    const { nav, view } = parts(steps)
    const req = plainRequest()
    const review = nav.byPath.get('review')!
    const form = {
      values: {},
      errors: { consent: '请选择' },
      errorList: [{ field: 'consent', text: '请选择' }],
    }
    const { locals } = await view.page(
      req,
      { progress: answered, route: nav.route(answered, req) },
      review,
      form,
    )
    expect(locals.errors).toEqual({ consent: '请选择', school: '学校已撤销' })
    expect(locals.errorList).toEqual([
      { field: 'consent', text: '请选择' },
      { field: 'school', text: '学校已撤销' },
    ])
    expect(await view.summaryBlocks(req, answered, review)).toBe(true)
  })
})
