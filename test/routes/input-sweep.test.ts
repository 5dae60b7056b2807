import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, type Agent } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'
import { sweepScene } from '../helpers/sweepScene'
import {
  hostileBodies,
  hostileQueries,
  listRoutes,
  sweepAll,
  sweepResolver,
  type SweepIds,
} from '../helpers/routeSweep'

// Every route the app registers, as a visitor, an applicant and a staff member holding every role,
// answered with control characters, over-long, repeated, array and object values, in forms and
// query strings. No answer is a server error, and the session that sent them still works after
// each route: nothing stored in it from a refused form makes it unreadable.

jest.setTimeout(240_000)

let t: TestApp
let ids: SweepIds = {}

beforeAll(async () => {
  t = await appWithAllRoutes()
  t.clock.set('2026-09-15T02:00:00Z')
  const scene = await sweepScene(t)
  ids = scene.ids
  people.applicant = scene.applicant
  people.staff = scene.staff
})
afterAll(() => t.close())

const people: {
  applicant?: { doc_number: string; password: string }
  staff?: { username: string; password: string }
} = {}

/** Sweeps every route as `a` (routeSweep.ts sweepAll): its server errors and broken sessions. */
async function sweepAs(who: string, a: Agent, csrfPage: string, home: string) {
  const routes = listRoutes(t.app)
  const { results, broken } = await sweepAll(a, routes, { csrfPage, home, resolve: sweepResolver(ids) })
  const gets = routes.filter((r) => r.method === 'get').length
  const posts = routes.filter((r) => r.method === 'post').length
  // Every route got every variant: the sweep is as wide as the router, not as a hand-made list.
  expect(results).toHaveLength(
    1 + gets * hostileQueries(['q']).length + posts * hostileBodies(['q'], '').length,
  )
  // There is always a Chromium (the system's, else the packaged one): a printed form answers too.
  const errors = results
    .filter((r) => r.status >= 500)
    .map((r) => `${r.method} ${r.url.slice(0, 100)} [${r.variant}] ${r.status}`)
  console.log(
    `input sweep as ${who}: ${routes.length} routes (${gets} GET, ${posts} POST) × their variants = ` +
      `${results.length} requests, ${errors.length} server errors, ${broken.length} broken sessions`,
  )
  return { errors, broken }
}

describe('the bad-input sweep over every route', () => {
  it('answers a visitor without a server error, and the visitor’s session keeps working', async () => {
    const s = await sweepAs('visitor', agent(t.app), '/login', '/login')
    expect(s.errors).toEqual([])
    expect(s.broken).toEqual([])
  })

  it('answers a signed-in applicant without a server error, and the applicant stays signed in', async () => {
    const a = agent(t.app)
    await loginAs(a, people.applicant!)
    const s = await sweepAs('applicant', a, '/account/password', '/platform')
    expect(s.errors).toEqual([])
    expect(s.broken).toEqual([])
  })

  it('answers a staff member holding every role without a server error, and the staff member stays signed in', async () => {
    const a = agent(t.app)
    await staffLoginAs(a, people.staff!)
    const s = await sweepAs('staff', a, '/staff/admin/settings', '/staff')
    expect(s.errors).toEqual([])
    expect(s.broken).toEqual([])
  })
})
