import { TEST_CAPTCHA, type TestApp } from '../helpers/app'
import { agent, csrfFrom, type Agent } from '../helpers/http'

/** Signs a staff member in through the real staff entrance (page, CAPTCHA image, form post). */
export async function loginStaff(t: TestApp, username: string, password: string): Promise<Agent> {
  const a = agent(t.app)
  const page = await a.get('/staff/login')
  if (page.status !== 200) throw new Error(`GET /staff/login answered ${page.status}`)
  await a.get('/captcha.svg')
  const res = await a
    .post('/staff/login')
    .type('form')
    .send({ username, password, captcha: TEST_CAPTCHA, _csrf: csrfFrom(page.text) })
  if (res.status !== 303 || /\/staff\/login/.test(res.headers.location ?? ''))
    throw new Error(`staff login as ${username} failed: ${res.status} ${res.headers.location ?? ''}`)
  return a
}

/** Tries to sign in and reports whether the staff console let the person in. */
export async function staffLoginSucceeds(t: TestApp, username: string, password: string): Promise<boolean> {
  try {
    const a = await loginStaff(t, username, password)
    return (await a.get('/staff')).status === 200
  } catch {
    return false
  }
}

/** Signs an applicant in at /login. */
export async function loginApplicant(t: TestApp, docNumber: string, password: string): Promise<Agent> {
  const a = agent(t.app)
  const page = await a.get('/login')
  await a.get('/captcha.svg')
  const res = await a
    .post('/login')
    .type('form')
    .send({ docNumber, password, captcha: TEST_CAPTCHA, _csrf: csrfFrom(page.text) })
  if (res.status !== 303 || /^\/login/.test(res.headers.location ?? ''))
    throw new Error(`applicant login failed: ${res.status} ${res.headers.location ?? ''}`)
  return a
}

/** POSTs a form that lives on `pageUrl` with that page's CSRF token. */
export async function postFrom(
  a: Agent,
  pageUrl: string,
  postUrl: string,
  fields: Record<string, string | string[]>,
) {
  const page = await a.get(pageUrl)
  if (page.status !== 200) throw new Error(`GET ${pageUrl} answered ${page.status}`)
  return a
    .post(postUrl)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) })
}
