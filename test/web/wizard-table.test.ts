import type { Request } from 'express'
import { displayValue } from '../../src/web/wizard/review'
import { bindSteps, samePage, type StepRow } from '../../src/web/wizard/table'
import type { Values } from '../../src/web/wizard/types'

// A business's table rows name what a step does; bindSteps gives those functions the module's context.
interface Ctx {
  prefix: string
  lists: Record<string, { value: string; text: string }[]>
}

const ctx: Ctx = { prefix: '>', lists: { level: [{ value: '20', text: '本科' }] } }
const req = { query: {} } as unknown as Request

const render = (c: Ctx, _req: Request, values: Values, shown: Values) => ({
  said: `${c.prefix}${String(values.a)}${String(shown.b)}`,
})
const save = (c: Ctx, _req: Request, value: Values) => (value.school ? null : { school: `${c.prefix}请填写` })
const upper = (c: Ctx, posted: Values) => ({
  ...posted,
  school: `${c.prefix}${String(posted.school).toUpperCase()}`,
})

const rows: StepRow<Ctx>[] = [
  {
    path: 'school',
    title: '学校',
    next: 'done',
    fields: [
      { name: 'level', label: '学历', codes: 'level' },
      { name: 'school', label: '学校', check: (c, v) => (v === 'gone' ? `${c.prefix}已撤销` : null) },
    ],
    does: { render, save, redisplay: { upper, refresh: samePage } },
  },
  { path: 'done', title: '完成' },
]

const steps = bindSteps(rows, { ctx, codes: async (c, kind) => c.lists[kind] })

describe('wizard table: rows bound to the module’s context', () => {
  it('keeps the row’s data and drops its `does`', () => {
    expect(steps[0]).toMatchObject({ path: 'school', title: '学校', next: 'done' })
    expect(steps[0]).not.toHaveProperty('does')
    expect(steps[1]).toEqual({ path: 'done', title: '完成' })
  })

  it('gives render, save and each redisplay the context', async () => {
    const [school] = steps
    expect(await school.beforeRender!(req, { a: 1 }, { b: 2 })).toEqual({ said: '>12' })
    expect(await school.beforeSave!(req, {}, {})).toEqual({ school: '>请填写' })
    expect(await school.beforeSave!(req, { school: 'x' }, {})).toBeNull()
    expect(await school.redisplay!.upper({ school: 'bnu' }, req)).toEqual({ school: '>BNU' })
    expect(await school.redisplay!.refresh({ school: 'as typed' }, req)).toEqual({ school: 'as typed' })
  })

  it('shows a `codes` field with its list’s labels, and checks a field with the context', async () => {
    const [level, school] = steps[0].fields!
    expect(await displayValue(level, '20', {}, req)).toBe('本科')
    expect(await school.check!('gone', {}, req)).toBe('>已撤销')
    expect(await school.check!('there', {}, req)).toBeNull()
  })

  it('refuses a `codes` field without a reader of code lists', () => {
    expect(() => bindSteps(rows, { ctx })).toThrow(/code list level/)
  })
})
