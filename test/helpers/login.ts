import type { Agent } from './http'
import { csrfFrom } from './http'
import { TEST_CAPTCHA } from './app'

/**
 * Logs in as a person would: open the login page, load the CAPTCHA image (which puts its answer in
 * the session), then submit the form. Returns the raw answer, whatever it is.
 */
export async function postLogin(a: Agent, url: '/login' | '/staff/login', fields: Record<string, string>) {
  const page = await a.get(url)
  if (page.status !== 200)
    throw new Error(`GET ${url} answered ${page.status} (location ${page.headers.location ?? '-'})`)
  await a.get('/captcha.svg')
  return a
    .post(url)
    .type('form')
    .send({ captcha: TEST_CAPTCHA, ...fields, _csrf: csrfFrom(page.text) })
}

function expectSignedIn(res: { status: number; headers: Record<string, string> }, loginUrl: string) {
  const to = res.headers.location
  if (res.status !== 303 || !to || to.startsWith(loginUrl))
    throw new Error(`login failed: ${res.status} → ${to ?? '-'} (rate limit, lockout or wrong password?)`)
  return res
}

/** Signs an applicant in (throws unless it worked); the answer redirects to /platform or /account/complete. */
export async function loginAs(a: Agent, who: { docNumber?: string; doc_number?: string; password: string }) {
  const docNumber = who.docNumber ?? who.doc_number ?? ''
  return expectSignedIn(await postLogin(a, '/login', { docNumber, password: who.password }), '/login')
}

/** Signs a staff member in at the staff entrance (throws unless it worked). */
export async function staffLoginAs(a: Agent, who: { username: string; password: string }) {
  return expectSignedIn(
    await postLogin(a, '/staff/login', { username: who.username, password: who.password }),
    '/staff/login',
  )
}
