import { createDb, type Db } from '../../src/db/knex'
import { createPersistence } from '../../src/web/wizard/persistence'
import { progressRepository, progressSql } from '../../src/web/wizard/progressRepository'
import type { WizardDefinition } from '../../src/web/wizard/types'
import { TestClock } from '../helpers/clock'
import { createTestDatabase } from '../helpers/db'
import { createApplicant } from '../helpers/factories'
import { plainDefinition, progressOf } from '../fixtures/wizard/plain'
import type { Request } from 'express'

let db: Db
let drop: () => Promise<void>
const clock = new TestClock()

beforeAll(async () => {
  const database = await createTestDatabase()
  db = createDb(database.url, 2)
  drop = database.drop
})
afterAll(async () => {
  await db.destroy()
  await drop()
})

/** A request as the parts see it: the applicant signed in (or not), the query, and a session shared across requests. */
const requestOf = (
  session: Record<string, unknown>,
  applicantId?: number,
  query: Record<string, string> = {},
) =>
  ({
    session,
    query,
    applicant: applicantId === undefined ? undefined : { id: applicantId },
  }) as unknown as Request

const isStep = (p: string) => plainDefinition().steps.some((s) => s.path === p)
const persistenceOf = (over: Partial<WizardDefinition> = {}) =>
  createPersistence(plainDefinition(over), { db, clock }, isStep)

const storedRow = (applicantId: number) =>
  db('wizard_progress').where({ applicant_id: applicantId, wizard_key: 'plain' }).first()

describe('wizard persistence: where a run lives', () => {
  it('keeps a signed-in applicant’s run in the progress table; the session only names the run', async () => {
    const { id } = await createApplicant(db)
    const runs = persistenceOf({
      load: () => ({ values: { route: { examRoute: 'other' } }, completed: ['start', 'nowhere'] }),
    })
    const session: Record<string, unknown> = {}
    const first = requestOf(session, id)
    const run = await runs.current(first)
    expect(run).toMatchObject({ values: { route: { examRoute: 'other' } }, completed: ['start'] })
    expect(await runs.current(first)).toBe(run) // one load per request
    if ('done' in run) throw new Error('not a run')
    expect(session.wizards).toEqual({ plain: { run: run.runId } })
    run.values.school = { school: 'A', on: new Date('2020-07-01T00:00:00+08:00') } as never
    await runs.save(first, run)
    expect((await storedRow(id)).data.values.school).toEqual({ school: 'A', on: '2020-06-30T16:00:00.000Z' })

    const again = await runs.current(requestOf(session, id))
    expect(again).toMatchObject({ runId: run.runId, values: { school: { school: 'A' } } })
  })

  it('keeps a run without an owner in the session, and reads the facts against it all the same', async () => {
    const runs = persistenceOf({
      owner: () => undefined,
      facts: () => db.raw(progressSql('school', 'school')),
    })
    const session: Record<string, unknown> = {}
    const first = requestOf(session)
    const run = await runs.current(first)
    expect((await runs.withFacts(first)).facts).toBeNull()
    if ('done' in run) throw new Error('not a run')
    run.values.school = { school: '北京师范大学' }
    await runs.save(first, run)
    expect((session.wizards as Record<string, unknown>).plain).toMatchObject({
      values: { school: { school: '北京师范大学' } },
    })
    expect(await runs.withFacts(requestOf(session))).toMatchObject({
      state: { values: { school: { school: '北京师范大学' } } },
      facts: '北京师范大学',
    })
  })

  it('reads the facts with a signed-in applicant’s progress, in the same statement', async () => {
    const { id } = await createApplicant(db)
    const runs = persistenceOf({ facts: () => db.raw(progressSql('school', 'school')) })
    await progressRepository(db, clock).save(
      id,
      'plain',
      progressOf({ values: { school: { school: '华东师大' } } }),
    )
    expect((await runs.withFacts(requestOf({}, id))).facts).toBe('华东师大')
  })

  it('keeps what a request brings (prefill) as drafts of the steps not yet answered, saved at once', async () => {
    const { id } = await createApplicant(db)
    await progressRepository(db, clock).save(
      id,
      'plain',
      progressOf({ values: { route: { examRoute: 'other' } }, completed: ['route'] }),
    )
    const runs = persistenceOf({
      prefill: () => ({ route: { examRoute: 'national' }, school: { school: 'B' }, nowhere: { x: 1 } }),
    })
    await runs.current(requestOf({}, id))
    expect((await storedRow(id)).data.drafts).toEqual({ school: { school: 'B' } })
  })

  it('abandons a run (row and session), and forgets a finished run’s mark on reset', async () => {
    const { id } = await createApplicant(db)
    const runs = persistenceOf()
    const session: Record<string, unknown> = {}
    const req = requestOf(session, id)
    const run = await runs.current(req)
    if ('done' in run) throw new Error('not a run')
    await runs.save(req, run)
    await runs.abandon(req)
    expect(await storedRow(id)).toBeUndefined()
    expect(session.wizards).toEqual({})

    runs.finish(req, 'run-9', '/record/9')
    expect(await runs.current(requestOf(session, id))).toEqual({
      done: { runId: 'run-9', location: '/record/9' },
    })
    runs.reset(req)
    expect(session.wizards).toEqual({})
  })

  it('finds a run another request finished meanwhile: its tombstone leads to the record', async () => {
    const { id } = await createApplicant(db)
    const runs = persistenceOf({ doneRedirect: () => '/record/1' })
    const session: Record<string, unknown> = {}
    const run = await runs.current(requestOf(session, id))
    if ('done' in run) throw new Error('not a run')
    await runs.store.complete(id, 'plain', run, async () => 'x')
    expect(await runs.current(requestOf(session, id))).toEqual({
      done: { runId: run.runId, location: '/record/1' },
    })
    // a late save of that run does not bring its answers back
    await runs.save(requestOf(session, id), run)
    expect((await storedRow(id)).data.doneRunId).toBe(run.runId)
  })
})
