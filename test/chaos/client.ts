import { request } from '../../bench/http'
import { expectOf, fill, signIn, stepBody, type Person, type WizardFlow } from '../../bench/flow'

// The harness's virtual applicants: each a browser with one cookie, which it replaces when the
// app sets a new one (as a browser would, so a session the app gives up shows as a signed-out
// client), and every answer noted for the figures.

const TIMEOUT_MS = 10_000
/** How long a client waits before asking again after a 503 or no answer. */
const RETRY_MS = 400

export interface Answer {
  what: string
  /** performance.now() when sent and when answered (or given up) */
  sentAt: number
  answeredAt: number
  /** 0: no answer (refused, reset, timed out) */
  status: number
  location?: string
  retryAfter?: string
  /** the answer replaced the client's session cookie */
  newCookie: boolean
  /** the request was part of a submit the harness cut on purpose (SIGKILL) */
  cut?: boolean
  error?: string
}

/** Every answer of the run, in order. */
export class Recorder {
  readonly answers: Answer[] = []
  note(a: Answer): void {
    this.answers.push(a)
  }
}

const SID = 'jszg.sid'

export class Client {
  cookie: string
  /** Times the client found itself signed out while it should not have been. */
  signedOut = 0
  constructor(
    readonly port: number,
    readonly person: Person,
    private readonly recorder: Recorder,
    cookie: string,
  ) {
    this.cookie = cookie
  }

  static async signIn(port: number, person: Person, recorder: Recorder): Promise<Client> {
    return new Client(port, person, recorder, await signIn(port, person.doc_number))
  }

  async send(
    method: 'GET' | 'POST',
    path: string,
    o: { headers?: Record<string, string>; body?: string | Buffer; cut?: boolean } = {},
  ): Promise<Answer & { text: string }> {
    const sentAt = performance.now()
    const what = `${method} ${path}`
    try {
      const r = await request(
        this.port,
        method,
        path,
        { cookie: this.cookie, ...o.headers },
        o.body,
        TIMEOUT_MS,
      )
      const set = (r.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SID}=`))?.split(';')[0]
      const newCookie = !!set && set !== this.cookie
      if (set) this.cookie = set
      const answer: Answer = {
        what,
        sentAt,
        answeredAt: performance.now(),
        status: r.status,
        location: r.headers.location,
        retryAfter: r.headers['retry-after'] as string | undefined,
        newCookie,
        cut: o.cut,
      }
      this.recorder.note(answer)
      return { ...answer, text: r.text }
    } catch (err) {
      const answer: Answer = {
        what,
        sentAt,
        answeredAt: performance.now(),
        status: 0,
        newCookie: false,
        cut: o.cut,
        error: String(err),
      }
      this.recorder.note(answer)
      return { ...answer, text: '' }
    }
  }

  /** Signed in (GET /platform answers the page, not the way to /login)? */
  async signedIn(): Promise<boolean> {
    const r = await this.send('GET', '/platform')
    return r.status === 200
  }

  /** Signs in again through the real form, after a lost session. */
  async signInAgain(): Promise<void> {
    this.cookie = await signIn(this.port, this.person.doc_number)
  }
}

/** How a walk ended. */
export type WalkEnd =
  | { end: 'submitted'; location: string }
  | { end: 'signed out' }
  | { end: 'gave up'; what: string }
  | { end: 'wrong'; what: string }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Walks the client's applicant through the flow's wizard, step by step as a person would, until
 * the submit (`stopBeforeSubmit`: until the last page, returning its CSRF token instead). A 503 or
 * no answer is waited out (asked again after RETRY_MS) until `patienceMs` after the first refusal:
 * a page fetched again, a POST sent again as it was (the app may have taken the first one).
 */
export async function walk(c: Client, flow: WizardFlow, opts: { patienceMs: number }): Promise<WalkEnd> {
  return walkSteps(c, flow, { ...opts, stopBeforeSubmit: false }) as Promise<WalkEnd>
}

export async function walkToSubmit(
  c: Client,
  flow: WizardFlow,
  opts: { patienceMs: number },
): Promise<WalkEnd | { end: 'at submit'; csrf: string }> {
  return walkSteps(c, flow, { ...opts, stopBeforeSubmit: true })
}

async function walkSteps(
  c: Client,
  flow: WizardFlow,
  opts: { patienceMs: number; stopBeforeSubmit: boolean },
): Promise<WalkEnd | { end: 'at submit'; csrf: string }> {
  const done = new RegExp(flow.done)
  const record = new RegExp(flow.record)
  const finished = (location = '') => done.test(location) || record.test(location)
  for (const step of flow.steps) {
    const url = `${flow.base}/${step.path}`
    const leadsTo = new RegExp(expectOf(step, flow.base, flow.done))
    let refusedSince: number | undefined
    const wait = async (what: string) => {
      refusedSince ??= performance.now()
      if (performance.now() - refusedSince > opts.patienceMs) return what
      await sleep(RETRY_MS)
      return undefined
    }
    for (;;) {
      const page = await c.send('GET', url)
      if (page.status === 303 && page.location === '/login') return { end: 'signed out' }
      // the run is submitted (the answer to its submit may have been lost): every page leads to the record
      if (page.status === 303 && finished(page.location))
        return { end: 'submitted', location: page.location! }
      if (page.status === 0 || page.status === 503) {
        const gaveUp = await wait(`GET ${url} answered ${page.status || page.error}`)
        if (gaveUp) return { end: 'gave up', what: gaveUp }
        continue
      }
      const token = page.status === 200 && /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1]
      if (!token) return { end: 'wrong', what: `GET ${url} answered ${page.status} ${page.location ?? ''}` }
      if (step.next === null && opts.stopBeforeSubmit) return { end: 'at submit', csrf: token }
      const post = stepBody(flow, step, { _csrf: token, ...fill(step.fields, c.person.vars, page.text) })
      // A POST refused by an outage is sent again as it was (the browser still shows the form; the
      // page's one-time values, e.g. a preview's file ids, may be gone from a fresh GET).
      let r = await c.send('POST', url, { headers: post.headers, body: post.body })
      while (r.status === 0 || r.status === 503) {
        const gaveUp = await wait(`POST ${url} answered ${r.status || r.error}`)
        if (gaveUp) return { end: 'gave up', what: gaveUp }
        r = await c.send('POST', url, { headers: post.headers, body: post.body })
      }
      if (r.status === 303 && r.location === '/login') return { end: 'signed out' }
      if (step.next === null && r.status === 303 && finished(r.location))
        return { end: 'submitted', location: r.location! }
      if (r.status === 303 && leadsTo.test(r.location ?? '')) break
      const said = r.location === url ? ` (the page says: ${await refusal(c, url)})` : ''
      return {
        end: 'wrong',
        what: `POST ${url} (${step.name}) answered ${r.status} ${r.location ?? ''}${said}`,
      }
    }
  }
  return { end: 'wrong', what: 'the walk ended without a submit' }
}

/** The error summary of a form page that refused a POST, as text. */
async function refusal(c: Client, url: string): Promise<string> {
  const page = await c.send('GET', url)
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(page.text)?.[0] ?? ''
  return (
    summary
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || `no error summary (${page.status})`
  )
}

/** The submit (the last step's POST) with a token from its page, noted as `cut` when asked. */
export async function submit(c: Client, flow: WizardFlow, csrf: string, cut: boolean) {
  const last = flow.steps[flow.steps.length - 1]
  const post = stepBody(flow, last, { _csrf: csrf, ...last.fields })
  return c.send('POST', `${flow.base}/${last.path}`, { headers: post.headers, body: post.body, cut })
}
