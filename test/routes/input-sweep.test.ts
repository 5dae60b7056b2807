import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'
import { infoItem, registrationAtPoint } from '../helpers/infoFactories'
import { makeWindow } from '../helpers/bureauFactories'
import { fillPath, listRoutes, sweepRoute, type RouteEntry, type SweepResult } from '../helpers/routeSweep'
import { applicantWithApplication, certifyingBureau } from './certificationRecordsSupport'
import { chromium } from '../services/pdfSupport'

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

/** Sweeps every route as `a`, checking after each one that the session still answers `home`. */
async function sweepAs(a: Agent, csrfPage: string, home: string) {
  const csrf = csrfFrom((await a.get(csrfPage)).text)
  const routes = listRoutes(t.app)
  const results: SweepResult[] = []
  const broken: string[] = []
  // Logging out ends the session on purpose: those routes go last, after the session checks.
  for (const route of [...routes.filter((r) => !isLogout(r)), ...routes.filter(isLogout)]) {
    const url = fillPath(route.path, resolve)
    results.push(...(await sweepRoute(a, route, { url, csrf })))
    if (isLogout(route)) continue
    const after = await a.get(home)
    if (after.status !== 200) broken.push(`${route.method} ${route.path} → ${home} ${after.status}`)
  }
  return { routes, results, broken }
}

// Without Chromium a printed form is refused with the "try again later" page (503) by design.
const serverError = (r: SweepResult) => r.status >= 500 && !(r.status === 503 && !chromium)

/** The server errors of a sweep, after printing its size. */
function serverErrors(who: string, s: Awaited<ReturnType<typeof sweepAs>>) {
  const posts = s.routes.filter((r) => r.method === 'post').length
  console.log(
    `input sweep as ${who}: ${s.routes.length} routes (${posts} POST) × their variants = ${s.results.length} requests`,
  )
  const byVariant: Record<string, Record<number, number>> = {}
  for (const r of s.results) {
    byVariant[r.variant] ??= {}
    byVariant[r.variant][r.status] = (byVariant[r.variant][r.status] ?? 0) + 1
  }
  console.log(JSON.stringify(byVariant))
  return s.results
    .filter(serverError)
    .map((r) => `${r.method} ${r.url.slice(0, 100)} [${r.variant}] ${r.status}`)
}

describe('the bad-input sweep over every route', () => {
  it('answers a visitor without a server error, and the visitor’s session keeps working', async () => {
    const a = agent(t.app)
    const s = await sweepAs(a, '/login', '/login')
    expect(serverErrors('visitor', s)).toEqual([])
    expect(s.broken).toEqual([])
    expect(s.results.length).toBeGreaterThan(900)
  })

  it('answers a signed-in applicant without a server error, and the applicant stays signed in', async () => {
    const a = agent(t.app)
    await loginAs(a, people.applicant!)
    const s = await sweepAs(a, '/account/password', '/platform')
    expect(serverErrors('applicant', s)).toEqual([])
    expect(s.broken).toEqual([])
  })

  it('answers a staff member holding every role without a server error, and the staff member stays signed in', async () => {
    const a = agent(t.app)
    await staffLoginAs(a, people.staff!)
    const s = await sweepAs(a, '/staff/admin/settings', '/staff')
    expect(serverErrors('staff', s)).toEqual([])
    expect(s.broken).toEqual([])
  })
})
