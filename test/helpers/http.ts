import request from 'supertest'
import type express from 'express'

export type Agent = ReturnType<typeof request.agent>

export function agent(app: express.Express): Agent {
  return request.agent(app)
}

/** Reads the CSRF token from a page the way a browser would: from the form's hidden field. */
export function csrfFrom(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/)
  if (!m) throw new Error('no CSRF token on the page')
  return m[1]
}

/** GET a form page, then POST it with the page's token, as a person filling it in would. */
export async function submitForm(
  a: Agent,
  pageUrl: string,
  fields: Record<string, string | string[]>,
  postUrl = pageUrl,
) {
  const page = await a.get(pageUrl)
  if (page.status !== 200)
    throw new Error(`GET ${pageUrl} answered ${page.status} (location ${page.headers.location ?? '-'})`)
  return a
    .post(postUrl)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) })
}

/** Follows one redirect and returns the page it lands on. */
export async function follow(a: Agent, res: { status: number; headers: Record<string, string> }) {
  if (res.status !== 302 && res.status !== 303) throw new Error(`expected a redirect, got ${res.status}`)
  return a.get(res.headers.location)
}
