import type { Request } from 'express'
import { createDb, type Db } from '../../src/db/knex'
import { createCompletion } from '../../src/web/wizard/completion'
import { createPersistence } from '../../src/web/wizard/persistence'
import type { WizardDefinition } from '../../src/web/wizard/types'
import { TestClock } from '../helpers/clock'
import { createTestDatabase } from '../helpers/db'
import { createApplicant } from '../helpers/factories'
import { plainDefinition } from '../fixtures/wizard/plain'

let db: Db
let drop: () => Promise<void>
const clock = new TestClock()

beforeAll(async () => {
  const database = await createTestDatabase()
  db = createDb(database.url, 4)
  drop = database.drop
})
afterAll(async () => {
  await db.destroy()
  await drop()
})

const requestOf = (session: Record<string, unknown>, applicantId?: number) =>
  ({
    session,
    query: {},
    applicant: applicantId === undefined ? undefined : { id: applicantId },
  }) as unknown as Request

function parts(over: Partial<WizardDefinition>) {
  const def = plainDefinition(over)
  const runs = createPersistence(def, { db, clock }, () => true)
  return { runs, complete: createCompletion(def, db, runs) }
}

async function runOf(runs: ReturnType<typeof parts>['runs'], req: Request) {
  const run = await runs.current(req)
  if ('done' in run) throw new Error('not a run')
  return run
}

describe('wizard completion: the submit', () => {
  it('submits a run once however many POSTs race; the others land where the first did', async () => {
    const { id } = await createApplicant(db)
    let calls = 0
    const { runs, complete } = parts({
      onComplete: async (_req, values, { trx }) => {
        calls++
        await trx('applicants')
          .where({ id })
          .update({ name: String(values.school) })
        return `/record/${id}`
      },
      doneRedirect: () => `/record/${id}/latest`,
    })
    const session: Record<string, unknown> = {}
    const run = await runOf(runs, requestOf(session, id))
    const results = await Promise.all(
      [1, 2, 3].map(() => complete(requestOf({ ...session }, id), run, { school: '王五' })),
    )
    expect(calls).toBe(1)
    expect(results.filter((r) => 'location' in r && r.location === `/record/${id}`)).toHaveLength(1)
    expect(results.filter((r) => 'location' in r && r.location === `/record/${id}/latest`)).toHaveLength(2)
    expect((await db('applicants').where({ id }).first()).name).toBe('王五')
    const row = await db('wizard_progress').where({ applicant_id: id, wizard_key: 'plain' }).first()
    expect(row.data.doneRunId).toBe(run.runId)
  })

  it('rolls everything back when onComplete answers with errors, and the run goes on', async () => {
    const { id, name } = await createApplicant(db)
    const { runs, complete } = parts({
      onComplete: async (_req, _values, { trx }) => {
        await trx('applicants').where({ id }).update({ name: '不该留下' })
        return { errors: { consent: '名额已满' } }
      },
    })
    const session: Record<string, unknown> = {}
    const req = requestOf(session, id)
    const run = await runOf(runs, req)
    await runs.save(req, run)
    expect(await complete(req, run, {})).toEqual({ errors: { consent: '名额已满' } })
    expect((await db('applicants').where({ id }).first()).name).toBe(name)
    const row = await db('wizard_progress').where({ applicant_id: id, wizard_key: 'plain' }).first()
    expect(row.data.runId).toBe(run.runId)
    expect(session.wizards).toEqual({ plain: { run: run.runId } })
  })

  it('marks the run finished in the session: its pages then lead to the record', async () => {
    const { id } = await createApplicant(db)
    const { runs, complete } = parts({ onComplete: () => undefined, doneRedirect: () => '/record/7' })
    const session: Record<string, unknown> = {}
    const run = await runOf(runs, requestOf(session, id))
    expect(await complete(requestOf(session, id), run, {})).toEqual({ location: '/record/7' })
    expect(await runs.current(requestOf(session, id))).toEqual({
      done: { runId: run.runId, location: '/record/7' },
    })
  })

  it('submits a run without an owner in a transaction of its own', async () => {
    const { id } = await createApplicant(db)
    const { runs, complete } = parts({
      owner: () => undefined,
      onComplete: async (_req, _values, { trx }) => {
        await trx('applicants').where({ id }).update({ name: '赵六' })
        return '/record/anon'
      },
    })
    const session: Record<string, unknown> = {}
    const run = await runOf(runs, requestOf(session))
    expect(await complete(requestOf(session), run, {})).toEqual({ location: '/record/anon' })
    expect((await db('applicants').where({ id }).first()).name).toBe('赵六')
    expect((session.wizards as Record<string, unknown>).plain).toEqual({
      done: { runId: run.runId, location: '/record/anon' },
    })
  })
})
