import { Router } from 'express'
import { requireApplicant } from '../../src/middleware/auth'
import type { Services } from '../../src/services'
import { createWizard } from '../../src/web/wizard/engine'
import { progressRepository, progressSql } from '../../src/web/wizard/progressRepository'
import type { GuardedRun } from '../../src/web/wizard/types'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { PLAIN_BASE, plainDefinition, progressOf } from '../fixtures/wizard/plain'

// engine.ts wires the parts into routes: the guard is given the run loaded for the request and the
// definition's facts read with it, before a step opens; a finished run leads to the record.

let t: TestApp
const seen: GuardedRun[] = []

function guardedWizard(services: Services): Router {
  const engine = createWizard(
    plainDefinition({
      facts: () => services.db.raw(progressSql('route', 'examRoute')),
      guard: (_req, run) => {
        seen.push(run)
        return run.facts === 'closed' ? '/plain-closed' : null
      },
      doneRedirect: () => '/plain-record',
    }),
    { db: services.db, clock: services.clock },
  )
  const router = Router()
  router.use(PLAIN_BASE, requireApplicant)
  router.use(engine.router)
  return router
}

beforeAll(async () => {
  t = await appWithAllRoutes({ routes: guardedWizard })
})
afterAll(() => t.close())

async function signedIn() {
  const applicant = await createApplicant(t.db)
  const a = agent(t.app)
  await loginAs(a, applicant)
  return { a, applicant }
}

const store = () => progressRepository(t.db, t.clock)

describe('wizard engine: the routes', () => {
  it('gives the guard the run and its facts, then resumes at the first open step', async () => {
    const { a, applicant } = await signedIn()
    await store().save(
      applicant.id,
      'plain',
      progressOf({ values: { route: { examRoute: 'other' } }, completed: ['start', 'route'] }),
    )
    seen.length = 0
    const res = await a.get(PLAIN_BASE)
    expect(res.headers.location).toBe(`${PLAIN_BASE}/school`)
    expect(seen).toEqual([{ progress: expect.objectContaining({ runId: 'run-1' }), facts: 'other' }])
  })

  it('sends the applicant where the guard says, on every step', async () => {
    const { a, applicant } = await signedIn()
    await store().save(applicant.id, 'plain', progressOf({ values: { route: { examRoute: 'closed' } } }))
    expect((await a.get(PLAIN_BASE)).headers.location).toBe('/plain-closed')
    expect((await a.get(`${PLAIN_BASE}/school`)).headers.location).toBe('/plain-closed')
    expect((await a.post(`${PLAIN_BASE}/school`).type('form').send({})).status).toBe(403) // no CSRF token
  })

  it('gives the guard no progress once the run has finished, and leads to the record', async () => {
    const { a, applicant } = await signedIn()
    const run = progressOf({ runId: 'run-done', values: { route: { examRoute: 'other' } } })
    await store().save(applicant.id, 'plain', run)
    await a.get(PLAIN_BASE) // the session now names the run
    await store().complete(applicant.id, 'plain', run, async () => undefined) // another tab submitted it
    seen.length = 0
    expect((await a.get(`${PLAIN_BASE}/school`)).headers.location).toBe('/plain-record')
    expect(seen).toEqual([{ progress: null, facts: null }])
  })
})
