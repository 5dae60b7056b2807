import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'
import { infoItem, registrationAtPoint } from '../helpers/infoFactories'
import { makeWindow } from '../helpers/bureauFactories'
import {
  fillPath,
  hostileBodies,
  hostileQueries,
  listRoutes,
  sendVariant,
  sweepRoute,
  tooLarge,
  type RouteEntry,
  type SweepResult,
} from '../helpers/routeSweep'
import { applicantWithApplication, certifyingBureau } from './certificationRecordsSupport'

// Every route the app registers, as a visitor, an applicant and a staff member holding every role,
// answered with control characters, over-long, repeated, array and object values, in forms and
// query strings. No answer is a server error, and the session that sent them still works after
// each route: nothing stored in it from a refused form makes it unreadable.

jest.setTimeout(240_000)

let t: TestApp
const ids: [RegExp, string][] = []

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
  ids.push(
    [/^\/info\/mandarin\//, String(mandarin.id)],
    [/^\/info\/education\//, String(education.id)],
    [/^\/info\/degrees\//, String(degree.id)],
    [/^\/staff\/info-reviews\//, String(education.id)],
    [/^\/(registration\/records|staff\/registrations)\//, String(registration)],
    [/^\/(certification\/records|staff\/certifications)\//, String(application.id)],
    [/^\/staff\/identity-reviews\//, String(review.id)],
    [/^\/staff\/admin\/authorities\//, String(bureau.authorityId)],
    [/^\/staff\/admin\/points\//, String(bureau.pointId)],
    [/^\/staff\/admin\/windows\//, String(window)],
    [/^\/staff\/admin\/staff\//, String(other.id)],
    [/^\/files\//, files.photo],
  )
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

const PARAMS: Record<string, string> = {
  key: 'mandarin',
  step: 'agreement',
  token: 'x'.repeat(43),
}

function resolve(param: string, path: string): string {
  if (param === 'key' && path.startsWith('/platform/')) return 'registration'
  if (param !== 'id') return PARAMS[param] ?? '1'
  return ids.find(([re]) => re.test(path))?.[1] ?? '1'
}

const isLogout = (r: RouteEntry) => /\/logout$/.test(r.path)

/**
 * Sweeps every route as `a`, plus one form beyond the size limit, checking after each POST (and
 * once after the GETs) that the session still answers `home` with its page.
 */
async function sweepAs(who: string, a: Agent, csrfPage: string, home: string) {
  const csrf = csrfFrom((await a.get(csrfPage)).text)
  const routes = listRoutes(t.app)
  const results: SweepResult[] = []
  const broken: string[] = []
  const check = async (after: string) => {
    const res = await a.get(home)
    if (res.status !== 200) broken.push(`${after} → ${home} ${res.status}`)
  }
  const tooLong = tooLarge(csrf)
  results.push({
    method: 'post',
    url: '/login',
    variant: tooLong.name,
    status: await sendVariant(a, '/login', tooLong),
    ms: 0,
  })
  // Logging out ends the session on purpose: those routes go last, after the session checks.
  for (const route of [...routes.filter((r) => !isLogout(r)), ...routes.filter(isLogout)]) {
    results.push(...(await sweepRoute(a, route, { url: fillPath(route.path, resolve), csrf })))
    if (route.method === 'post' && !isLogout(route)) await check(`POST ${route.path}`)
    if (route === routes[routes.length - 1]) await check('the GETs')
  }
  const gets = routes.filter((r) => r.method === 'get').length
  const posts = routes.filter((r) => r.method === 'post').length
  // Every route got every variant: the sweep is as wide as the router, not as a hand-made list.
  expect(results).toHaveLength(
    1 + gets * hostileQueries(['q']).length + posts * hostileBodies(['q'], csrf).length,
  )
  const errors = results
    .filter(serverError)
    .map((r) => `${r.method} ${r.url.slice(0, 100)} [${r.variant}] ${r.status}`)
  console.log(
    `input sweep as ${who}: ${routes.length} routes (${gets} GET, ${posts} POST) × their variants = ` +
      `${results.length} requests, ${errors.length} server errors, ${broken.length} broken sessions`,
  )
  return { errors, broken }
}

// There is always a Chromium (the system's, else the packaged one): a printed form answers too.
const serverError = (r: SweepResult) => r.status >= 500

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
