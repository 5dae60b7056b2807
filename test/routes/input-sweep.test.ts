import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { agent, type Agent } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'
import { infoItem, registrationAtPoint } from '../helpers/infoFactories'
import { makeWindow } from '../helpers/bureauFactories'
import {
  hostileBodies,
  hostileQueries,
  listRoutes,
  sweepAll,
  sweepResolver,
  type SweepIds,
} from '../helpers/routeSweep'
import { applicantWithApplication, certifyingBureau } from './certificationRecordsSupport'

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
  const bureau = await certifyingBureau(t)
  const { applicant, application, files } = await applicantWithApplication(t, bureau)
  const registration = await registrationAtPoint(t.db, applicant.id, bureau.pointId)
  await t.db('registrations').where({ id: registration }).update({ authority_id: bureau.authorityId })
  const item = (kind: 'mandarin' | 'education' | 'degree') => infoItem(t.db, applicant.id, kind)
  const [mandarin, education, degree] = [
    await item('mandarin'),
    await item('education'),
    await item('degree'),
  ]
  const window = await makeWindow(t.db, bureau.authorityId, 'registration', '2026-09-01', '2026-12-31')
  const other = await createStaff(t.db, [{ role: 'identity_reviewer' }])
  const [review] = await t
    .db('identity_reviews')
    .insert({
      applicant_id: applicant.id,
      cycle: '2026',
      name: applicant.name,
      doc_type: 'id_card',
      doc_number: applicant.doc_number,
      photo_file_id: files.photo,
      submitted_at: new Date('2026-09-10T02:00:00Z'),
      deadline: '2026-09-20',
    })
    .returning('id')
  ids = {
    mandarin: mandarin.id,
    education: education.id,
    degree: degree.id,
    registration,
    certification: application.id,
    identityReview: review.id,
    authority: bureau.authorityId,
    point: bureau.pointId,
    window,
    staff: other.id,
    file: files.photo,
  }
  people.applicant = applicant
  people.staff = await createStaff(t.db, [
    { role: 'admin' },
    { role: 'registration_approver', scope_type: 'authority', scope_id: bureau.authorityId },
    { role: 'certification_approver', scope_type: 'authority', scope_id: bureau.authorityId },
    { role: 'confirmation_clerk', scope_type: 'point', scope_id: bureau.pointId },
  ])
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
