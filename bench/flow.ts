// The wizard machinery of `npm run bench`, for any wizard of the app (bench/wizard.ts: 定期注册,
// bench/certification.ts: 教师资格认定). A flow says its steps, its uploads, what an applicant must hold
// and which table a submit writes; this file does the rest:
//
//   wizard walk: one applicant's whole wizard, GET + POST per step (a step posted more than once,
//         e.g. upload → crop → save, is several GET + POST pairs), by BENCH_WIZARD_CONCURRENCY walkers at
//         once, each walk a different applicant with a session of its own, against the real bureau tables;
//         a walk cut by the end of a round goes on where it stood in that side's next round, so every
//         step is measured however short the rounds
//   bare: the same requests per walk to Express + Nunjucks + connect-pg-simple (bench/baseline.ts):
//         each reads and writes the session in PostgreSQL and renders a form page of about the size
//         of the app's page of that step; nothing is validated
//
//   submits: BENCH_SUBMITS applicants, each standing at the last step (progress rows, sessions and
//         draft uploads written straight to the database as the wizard keeps them, cloned from one
//         walked run), then the final POST (同意) of all of them at BENCH_SUBMIT_CONCURRENCY
//   bare: BEGIN; INSERT the same application row (same columns, same JSON) and its status history
//         row; COMMIT, through pg at the same concurrency, for as many other applicants
//
// Both sides take turns in interleaved rounds. Settings (env): BENCH_SECONDS (10),
// BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (5), BENCH_WIZARD_CONCURRENCY (20),
// BENCH_WIZARD_ACCOUNTS (1500), BENCH_SUBMITS (2000), BENCH_SUBMIT_CONCURRENCY (20),
// BENCH_SUBMIT_ROUNDS (4); BENCH_WIZARD_QUERIES=1 prints the SQL of each request of one walk;
// BENCH_PG_STATEMENTS=1 the statements PostgreSQL spent most time on (bench/statements.ts).
import crypto from 'node:crypto'
import { Pool } from 'pg'
import type { Services } from '../src/services'
import type { Db } from '../src/db/knex'
import { makeIdNumber } from '../src/domain/idNumber'
import { createWizardBaseline, startSubmitFloor } from './baseline'
import { reportStatements, resetStatements } from './statements'
import { cookieFrom, csrfFrom, listen, request } from './http'
import {
  TIMING,
  cpuPer,
  interleaveAll,
  merge,
  runItems,
  runLoad,
  runWorker,
  type LoadRequest,
  type LoadResult,
} from './load'

const { seconds: SECONDS, warmup: WARMUP, rounds: ROUNDS } = TIMING
const WALKERS = Number(process.env.BENCH_WIZARD_CONCURRENCY ?? 20)
const WALK_ACCOUNTS = Number(process.env.BENCH_WIZARD_ACCOUNTS ?? 1500)
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 2000)
const SUBMIT_CONCURRENCY = Number(process.env.BENCH_SUBMIT_CONCURRENCY ?? 20)
const SUBMIT_ROUNDS = Number(process.env.BENCH_SUBMIT_ROUNDS ?? 4)

/** The password of every applicant the bench (and npm run chaos) makes. */
export const PASSWORD = 'Bench#2026pass'
const BARE = '/bare-wizard'

export type Fields = Record<string, string | string[]>

/**
 * One GET + POST of the walk. Posted values may hold `{name}` (the applicant's own value, e.g. its
 * certificate number) and `{hidden:name}` (the value of that input on the page just fetched).
 */
export interface WalkStep {
  path: string
  /** Its name in the per-request figures (the path, unless the step is posted more than once). */
  name: string
  fields: Fields
  /** A multipart POST with this file (`data`: an index into the flow's `uploads`). */
  file?: { field: string; name: string; data: number }
  /** The step the POST answers 303 to, or null for the last (the flow's `done`). */
  next: string | null
}

/** A verified applicant made for the bench, with its own values for the walk's `{name}`s. */
export interface Person {
  id: number
  name: string
  doc_number: string
  vars: Record<string, string>
}

export interface WizardFlow {
  /** The wizard's key (wizard_progress.wizard_key), in log lines too. */
  key: string
  /** e.g. 中小学教师资格定期注册, the bare pages' title. */
  title: string
  base: string
  steps: WalkStep[]
  uploads: Buffer[]
  /**
   * The image work the app does for one POST of the walk (sharp: sniff, decode, check, resize,
   * encode, crop): the limit side does the same for the same POST (`action`: the posted _action,
   * `file`: the uploaded bytes).
   */
  imageWork(post: { path: string; action?: string; file?: Buffer }): Promise<unknown>
  /** The last POST answers 303 to a location this regular expression (source) matches. */
  done: string
  /** Where every page of a finished run leads, and a submit of an applicant who already has one: the record. */
  record: string
  /** The last step's name and button, for the log. */
  submitAt: string
  /** What each new applicant holds (registry rows, info items), written for a batch; its vars. */
  holdings(people: { id: number; name: string; doc_number: string }[]): Promise<Record<string, string>[]>
  /** The table a submit writes, and its status history (`key`: the column naming the application). */
  table: string
  history: { table: string; key: string }
  /** The `number` of the bare side's `i`th row (unique, in the app's format). */
  bareNumber(i: number): string
}

export interface WalkResult extends LoadResult {
  walks: number
  /** Latencies per `METHOD step`, in milliseconds (app side, for where the time goes). */
  bySteps: Record<string, number[]>
}

export interface WizardBench {
  app: WalkResult
  /** The limit: the bare walk doing the same image work as the app (createWizardBaseline's imageWork). */
  bare: WalkResult
  /** CPU of one walk's image work alone, and of one limit walk (Node + PostgreSQL). */
  imageMs: number
  bareWalkMs: number
  appWalkMs: number
  submitApp: LoadResult
  submitBare: LoadResult
  /** express + session + the bare transaction, over HTTP (bench/baseline.ts createSubmitFloor) */
  submitFloor: LoadResult
  /**
   * The floor holding a 报名号 counter row as the app does: its last statement before COMMIT also
   * bumps one counter row (application_number_counters) that every submit of the side bumps, so
   * its submits take turns on that row from the bump to COMMIT: the bound of any submit that keeps
   * gapless numbers per authority this way, all applicants at one authority.
   */
  submitFloorCounter: LoadResult
}

const fieldEntries = (fields: Record<string, string | string[]>): [string, string][] =>
  Object.entries(fields).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
  )

export const formBody = (fields: Fields) => {
  const body = new URLSearchParams(fieldEntries(fields)).toString()
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
    },
  }
}

function multipartBody(fields: Fields, file: { field: string; name: string; data: Buffer }) {
  const boundary = `----bench${crypto.randomBytes(8).toString('hex')}`
  const parts: Buffer[] = []
  for (const [k, v] of fieldEntries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  const body = Buffer.concat(parts)
  return {
    body,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(body.length),
    },
  }
}

/** The value of the page's input named `name` (hidden or not), '' when there is none. */
const hiddenValue = (html: string, name: string) => {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0] ?? ''
  return /value="([^"]*)"/.exec(input)?.[1] ?? ''
}

/** A step's posted values with the applicant's `{name}`s and the page's `{hidden:name}`s filled in. */
export function fill(fields: Fields, vars: Record<string, string>, page = ''): Fields {
  const one = (v: string) =>
    v.replace(/\{(hidden:)?(\w+)\}/g, (_m, h: string | undefined, n: string) =>
      h ? hiddenValue(page, n) : (vars[n] ?? ''),
    )
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v.map(one) : one(v)]),
  )
}

/** A step's POST body with these values: multipart with the flow's upload when the step has one. */
export const stepBody = (flow: Pick<WizardFlow, 'uploads'>, step: WalkStep, fields: Fields) =>
  step.file ? multipartBody(fields, { ...step.file, data: flow.uploads[step.file.data] }) : formBody(fields)

/** Where a step's POST must lead (a regular expression's source): the next step, or `done` after the last. */
export const expectOf = (step: WalkStep, at: string, done: string) =>
  step.next === null ? done : `^${at}/${step.next}$`

/** Signs in through the real form (GET /login, POST /login); the signed-in session's cookie. */
export async function signIn(port: number, docNumber: string, password = PASSWORD): Promise<string> {
  const page = await request(port, 'GET', '/login')
  const login = formBody({ _csrf: csrfFrom(page.text), docNumber, password })
  const signedIn = await request(
    port,
    'POST',
    '/login',
    { cookie: cookieFrom(page.headers, 'jszg.sid'), ...login.headers },
    login.body,
  )
  if (signedIn.status !== 303) throw new Error(`login answered ${signedIn.status}`)
  return cookieFrom(signedIn.headers, 'jszg.sid')
}

// ---- the walkers (in a worker thread, like bench/load.ts) ------------------------------------------

interface WorkerStep {
  path: string
  name: string
  fields: Fields
  file?: { field: string; name: string; data: number }
  /** The POST must answer 303 to a location this regular expression (source) matches. */
  expect: string
}

interface WalkAccount {
  cookie: string
  vars: Record<string, string>
}

interface Paused {
  account: WalkAccount
  from: number
}

const WALKER = `
const crypto = require('node:crypto')
const { base, steps, accounts, uploads, resume } = workerData
const files = uploads.map((u) => Buffer.from(u))
let walks = 0, ranOut = false
const bySteps = {}, paused = [], busy = new Set()
const extra = () => ({ walks, bySteps, used: next, ranOut, paused: [...paused, ...resume] })

function hidden(html, name) {
  const input = new RegExp('<input[^>]*name="' + name + '"[^>]*>').exec(html)?.[0] ?? ''
  return /value="([^"]*)"/.exec(input)?.[1] ?? ''
}

function entries(step, account, page, token) {
  const one = (v) => v.replace(/\\{(hidden:)?(\\w+)\\}/g, (_m, h, n) => (h ? hidden(page, n) : account.vars[n] ?? ''))
  const out = [['_csrf', token]]
  for (const [k, v] of Object.entries(step.fields))
    for (const x of Array.isArray(v) ? v : [v]) out.push([k, one(x)])
  return out
}

function bodyFor(step, fields) {
  if (!step.file) {
    const body = new URLSearchParams(fields).toString()
    return { body, type: 'application/x-www-form-urlencoded' }
  }
  const b = '----walk' + crypto.randomBytes(8).toString('hex')
  const parts = fields.map(([k, v]) =>
    Buffer.from('--' + b + '\\r\\nContent-Disposition: form-data; name="' + k + '"\\r\\n\\r\\n' + v + '\\r\\n'))
  parts.push(Buffer.from('--' + b + '\\r\\nContent-Disposition: form-data; name="' + step.file.field + '"; filename="' + step.file.name + '"\\r\\nContent-Type: image/jpeg\\r\\n\\r\\n'),
    files[step.file.data], Buffer.from('\\r\\n--' + b + '--\\r\\n'))
  return { body: Buffer.concat(parts), type: 'multipart/form-data; boundary=' + b }
}

function note(key, ms) {
  latencies.push(ms)
  ;(bySteps[key] ??= []).push(ms)
}
function bad(what) { wrong++; firstWrong ??= what }

// A walk cut by the round's end is paused where it stands, and the next round goes on from there.
async function walk(account, from, deadline) {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]
    const url = base + '/' + step.path
    if (performance.now() >= deadline) return paused.push({ account, from: i })
    const page = await send('GET', url, { cookie: account.cookie }, undefined, true)
    if (page.error) { errors++; firstWrong ??= page.error; return }
    note('GET ' + step.name, page.ms)
    const token = page.status === 200 && page.text.match(/name="_csrf" value="([^"]+)"/)
    if (!token) return bad('GET ' + url + ' answered ' + page.status + ' ' + (page.location || ''))
    // (no pause between a GET and its POST: the page may be a redisplay the GET used up)
    const { body, type } = bodyFor(step, entries(step, account, page.text, token[1]))
    const headers = { cookie: account.cookie, 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }
    const r = await send('POST', url, headers, body, false)
    if (r.error) { errors++; firstWrong ??= r.error; return }
    note('POST ' + step.name, r.ms)
    if (r.status !== 303 || !new RegExp(step.expect).test(r.location || ''))
      return bad('POST ' + url + ' (' + step.name + ') answered ' + r.status + ' ' + (r.location || ''))
  }
  walks++
}

function fresh() {
  if (!reuse) return next < accounts.length ? accounts[next++] : ((ranOut = true), undefined)
  for (;;) { const a = accounts[next++ % accounts.length]; if (!busy.has(a.cookie)) return a }
}

async function lane(deadline) {
  while (performance.now() < deadline) {
    const job = resume.length ? resume.shift() : { account: fresh(), from: 0 }
    if (!job.account) return
    busy.add(job.account.cookie)
    await walk(job.account, job.from, deadline)
    busy.delete(job.account.cookie)
  }
}
`

function runWalk(opts: {
  port: number
  base: string
  steps: WorkerStep[]
  accounts: WalkAccount[]
  concurrency: number
  seconds: number
  reuse: boolean
  uploads: Buffer[]
  /** Walks the previous round paused, to go on with first. */
  resume: Paused[]
}): Promise<WalkResult & { used: number; ranOut: boolean; paused: Paused[] }> {
  return runWorker(WALKER, { ...opts, uploads: opts.uploads.map((u) => new Uint8Array(u)) })
}

function mergeWalks(rs: WalkResult[]): WalkResult {
  const bySteps: Record<string, number[]> = {}
  for (const r of rs) for (const [k, v] of Object.entries(r.bySteps)) (bySteps[k] ??= []).push(...v)
  return { ...merge(rs), walks: rs.reduce((n, r) => n + r.walks, 0), bySteps }
}

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}

function describe(name: string, r: LoadResult, unit = 'req/s'): string {
  const extra = r.wrong || r.errors ? `  (${r.wrong} wrong answers, ${r.errors} errors: ${r.firstWrong})` : ''
  return `  ${name.padEnd(40)} ${r.perSecond.toFixed(1).padStart(8)} ${unit}   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (${r.requests} in ${r.seconds.toFixed(1)} s)${extra}`
}

// ---- the data ------------------------------------------------------------------------------------

/** An applicants row: verified, with a complete profile (the bench's own, straight into the table). */
export function verifiedApplicant(o: {
  doc_number: string
  name: string
  password_hash: string
  email: string
  phone: string
  now: Date
}) {
  const { now, ...fields } = o
  return {
    doc_type: 'id_card',
    ...fields,
    valid_from: '2020-01-01',
    valid_to: '2040-01-01',
    ethnicity: '01',
    profile_completed_at: now,
    identity_status: 'verified',
    identity_verified_at: now,
    created_at: now,
    updated_at: now,
  }
}

/** One imported registry row per holder: `numbers[i]`, the name (in `nameColumn`), the ID number and `fixed`. */
export const registryRows = (
  holders: { name: string; doc_number: string }[],
  numbers: string[],
  nameColumn: string,
  fixed: Record<string, unknown>,
) =>
  holders.map((h, i) => ({
    cert_number: numbers[i],
    [nameColumn]: h.name,
    doc_number: h.doc_number,
    ...fixed,
  }))

/** Applicants made by every flow of this process, so each gets an ID number of its own. */
let people = 0

/**
 * `n` verified applicants with a complete profile (the bench's own, straight into the table), each
 * holding what the flow's wizard asks for.
 */
export async function makeApplicants(
  db: Db,
  flow: Pick<WizardFlow, 'holdings'>,
  o: { passwordHash: string; now: Date },
  n: number,
): Promise<Person[]> {
  const out: Person[] = []
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, () => {
      const k = people++
      const birth = new Date(Date.UTC(1975, 0, 1) + k * 86_400_000).toISOString().slice(0, 10)
      return verifiedApplicant({
        doc_number: makeIdNumber('450103', birth.replace(/-/g, ''), '077'),
        name: '韦丽华',
        password_hash: o.passwordHash,
        email: `walker${k}@example.com`,
        phone: `139${String(k).padStart(8, '0')}`,
        now: o.now,
      })
    })
    const inserted: { id: string; name: string; doc_number: string }[] = await db('applicants')
      .insert(rows)
      .returning(['id', 'name', 'doc_number'])
    const batch = inserted.map((a) => ({ id: Number(a.id), name: a.name, doc_number: a.doc_number }))
    const vars = await flow.holdings(batch)
    out.push(...batch.map((a, j) => ({ ...a, vars: vars[j] })))
  }
  return out
}

export async function benchFlow(
  services: Services,
  port: number,
  log: (line?: string) => void,
  flow: WizardFlow,
): Promise<WizardBench> {
  const { db, config } = services
  const databaseUrl = config.databaseUrl!
  const now = services.clock.now()
  const { base, steps } = flow
  const last = steps[steps.length - 1]
  const paths = [...new Set(steps.map((s) => s.path))]

  const passwordHash = await services.passwords.hash(PASSWORD)
  const applicants = (n: number) => makeApplicants(db, flow, { passwordHash, now }, n)

  // One applicant signs in through the real form and walks to the last step request by request: its
  // session, progress row and draft uploads are the pattern of every prepared applicant below, and
  // the database queries of each request are counted on the way.
  const [template] = await applicants(1)
  const templateCookie = await signIn(port, template.doc_number)
  /** Bytes of the app's page of each path (the mean, where a step is shown more than once). */
  const appBytes: Record<string, number> = {}
  const shown: Record<string, number[]> = {}
  const queries: Record<string, number> = {}
  let counted = 0
  // BENCH_WIZARD_QUERIES=1 also prints every query of the template's walk, request by request.
  const trace = process.env.BENCH_WIZARD_QUERIES === '1'
  const countQuery = (q: { sql: string }) => {
    counted++
    if (trace) log(`      ${q.sql.replace(/\s+/g, ' ').slice(0, 160)}`)
  }
  const templatePost = async (step: WalkStep, fields: Fields) => {
    const post = stepBody(flow, step, fields)
    counted = 0
    if (trace) log(`    -- POST ${step.name}`)
    const res = await request(
      port,
      'POST',
      `${base}/${step.path}`,
      { cookie: templateCookie, ...post.headers },
      post.body,
    )
    queries[`POST ${step.name}`] = counted
    if (res.status !== 303 || !new RegExp(expectOf(step, base, flow.done)).test(res.headers.location ?? ''))
      throw new Error(`template POST ${step.name} answered ${res.status} ${res.headers.location ?? ''}`)
  }
  db.on('query', countQuery)
  let csrf = ''
  for (const step of steps) {
    counted = 0
    if (trace) log(`    -- GET ${step.name}`)
    const page = await request(port, 'GET', `${base}/${step.path}`, { cookie: templateCookie })
    queries[`GET ${step.name}`] = counted
    if (page.status !== 200) throw new Error(`template GET ${step.name} answered ${page.status}`)
    ;(shown[step.path] ??= []).push(Buffer.byteLength(page.text))
    csrf = csrfFrom(page.text)
    if (step === last) break
    await templatePost(step, { _csrf: csrf, ...fill(step.fields, template.vars, page.text) })
  }
  for (const [p, xs] of Object.entries(shown))
    appBytes[p] = Math.round(xs.reduce((a, b) => a + b, 0) / xs.length)
  const sid = decodeURIComponent(templateCookie.slice('jszg.sid='.length)).replace(/^s:/, '').split('.')[0]
  const sessionRow: { sess: Record<string, unknown>; expire: Date } = await db('session')
    .where({ sid })
    .first('sess', 'expire')
  const progressRow: { data: { values: Record<string, Record<string, unknown>> } } = await db(
    'wizard_progress',
  )
    .where({ applicant_id: template.id, wizard_key: flow.key })
    .first('data')
  const templateFiles: string[] = await db('files')
    .where({ owner_kind: 'applicant', owner_id: template.id, draft: true })
    .pluck('id')
  // The template submits too: its application is the row the bare side inserts.
  await templatePost(last, { _csrf: csrf, ...last.fields })
  db.off('query', countQuery)
  const submittedRow = await db(flow.table).where({ applicant_id: template.id }).first()
  if (!submittedRow) throw new Error(`the template submit wrote no ${flow.table} row`)

  // Sessions as a login leaves them (the template's, CSRF token included), for other applicants.
  const sign = (id: string) =>
    crypto.createHmac('sha256', config.sessionSecret).update(id).digest('base64').replace(/=+$/, '')
  async function sessionsFor(people: { id: number }[]): Promise<string[]> {
    const sess = { ...sessionRow.sess }
    for (const k of ['wizards', 'forms', 'flash']) delete sess[k]
    const cookies: string[] = []
    for (let i = 0; i < people.length; i += 500) {
      const rows = people.slice(i, i + 500).map((p) => {
        const id = crypto.randomBytes(24).toString('base64url')
        cookies.push(`jszg.sid=${encodeURIComponent(`s:${id}.${sign(id)}`)}`)
        return { sid: id, sess: JSON.stringify({ ...sess, userId: p.id }), expire: sessionRow.expire }
      })
      await db('session').insert(rows)
    }
    return cookies
  }
  /** A copy of each of the template's uploads for each applicant (draft: not yet submitted). */
  async function filesFor(
    people: { id: number }[],
    draft: boolean,
  ): Promise<Map<number, Map<string, string>>> {
    const out = new Map(people.map((p) => [p.id, new Map<string, string>()]))
    for (const file of templateFiles) {
      const { rows } = await db.raw(
        `INSERT INTO files (owner_kind, owner_id, kind, mime, filename, size, width, height, sha256, content, created_at, draft)
         SELECT 'applicant', o.id, f.kind, f.mime, f.filename, f.size, f.width, f.height, f.sha256, f.content, f.created_at, ?
         FROM files f, unnest(?::bigint[]) AS o(id) WHERE f.id = ?
         RETURNING id, owner_id`,
        [draft, people.map((p) => p.id), file],
      )
      for (const r of rows as { id: string; owner_id: string }[]) out.get(Number(r.owner_id))!.set(file, r.id)
    }
    return out
  }
  /**
   * `value` (any JSON) as the applicant's: the template's file ids replaced by the applicant's
   * copies, and its `{name}` values of 8 characters or more (certificate numbers, not row ids) by
   * the applicant's own.
   */
  const theirs = <T>(value: T, person: Person, files: Map<string, string>): T => {
    let json = JSON.stringify(value)
    const swaps = [
      ...files,
      ...Object.entries(template.vars)
        .filter(([, v]) => v.length >= 8)
        .map(([k, v]) => [v, person.vars[k]] as const),
    ]
    for (const [from, to] of swaps) json = json.split(from).join(to)
    return JSON.parse(json) as T
  }

  // ---- (a) the walk ------------------------------------------------------------------------------

  const walkers = await applicants(WALK_ACCOUNTS)
  const walkCookies = await sessionsFor(walkers)
  const accounts: WalkAccount[] = walkers.map((w, i) => ({ cookie: walkCookies[i], vars: w.vars }))

  let fieldCounts: Record<string, number> = {}
  const baseline = createWizardBaseline(databaseUrl, {
    title: flow.title,
    steps: paths,
    multipart: steps.filter((s) => s.file).map((s) => s.path),
    fieldCount: (s) => fieldCounts[s] ?? 0,
    imageWork: flow.imageWork,
  })
  const { server: bareServer, port: barePort } = await listen(baseline.app)
  try {
    const bareAccounts: WalkAccount[] = []
    for (let i = 0; i < 2 * WALKERS; i++) {
      const started = await request(barePort, 'GET', `${BARE}/start`)
      bareAccounts.push({ cookie: cookieFrom(started.headers, 'base.sid'), vars: {} })
    }
    const bareBytes = async (step: string, n: number) => {
      fieldCounts = { [step]: n }
      const r = await request(barePort, 'GET', `${BARE}/${step}`, { cookie: bareAccounts[0].cookie })
      if (r.status !== 200) throw new Error(`baseline page answered ${r.status}`)
      return Buffer.byteLength(r.text)
    }
    const counts: Record<string, number> = {}
    const sizes: Record<string, number> = {}
    for (const step of paths) {
      const none = await bareBytes(step, 0)
      const perField = ((await bareBytes(step, 10)) - none) / 10
      counts[step] = Math.max(0, Math.round((appBytes[step] - none) / perField))
      sizes[step] = await bareBytes(step, counts[step])
    }
    fieldCounts = counts
    const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)

    log(
      `${flow.key} wizard walk: ${paths.length} steps, GET + POST each (${steps.length * 2} requests per walk, uploads ${flow.uploads.map((u) => `${u.length}`).join(' + ')} bytes of JPG), ${WALKERS} walkers, each walk its own applicant and session`,
    )
    log(
      `  pages per walk: app ${total(appBytes)} bytes, baseline ${total(sizes)} bytes (${paths.map((s) => `${s} ${appBytes[s]}/${sizes[s]}`).join(', ')})`,
    )
    log(
      `  each side: ${WARMUP} s warm-up, then ${SECONDS} s in ${ROUNDS} interleaved rounds (a walk cut by a round's end goes on in the side's next round)`,
    )
    let used = 0
    let appPaused: Paused[] = []
    let barePaused: Paused[] = []
    const walkOn = (at: string, done: string) => steps.map((s) => ({ ...s, expect: expectOf(s, at, done) }))
    const appSteps = walkOn(base, flow.done)
    const bareSteps = walkOn(BARE, `^${BARE}/done$`)
    const appWalk = async (seconds: number) => {
      const r = await runWalk({
        port,
        base,
        steps: appSteps,
        accounts: accounts.slice(used),
        concurrency: WALKERS,
        seconds,
        reuse: false,
        uploads: flow.uploads,
        resume: appPaused,
      })
      appPaused = r.paused
      used += r.used
      if (r.ranOut) throw new Error('the prepared applicants ran out; raise BENCH_WIZARD_ACCOUNTS')
      return r
    }
    const bareWalk = async (seconds: number) => {
      const r = await runWalk({
        port: barePort,
        base: BARE,
        steps: bareSteps,
        accounts: bareAccounts,
        concurrency: WALKERS,
        seconds,
        reuse: true,
        uploads: flow.uploads,
        resume: barePaused,
      })
      barePaused = r.paused
      return r
    }
    await appWalk(WARMUP / 2)
    await bareWalk(WARMUP / 2)
    await resetStatements(db)
    const [{ result: app, cpu: appCpu }, { result: bare, cpu: bareCpu }] = await interleaveAll(
      ROUNDS,
      [() => appWalk(SECONDS / ROUNDS), () => bareWalk(SECONDS / ROUNDS)],
      mergeWalks,
    )
    if (app.wrong || app.errors || bare.wrong || bare.errors)
      process.stderr.write(
        'some wizard requests got unexpected answers; the walk figures are not trustworthy\n',
      )
    await reportStatements(db, log, 'the wizard walk, both sides')
    log(describe(`app ${base}/* (${(app.walks / app.seconds).toFixed(1)} walks/s)`, app))
    log(describe(`limit: bare walk + image work (${(bare.walks / bare.seconds).toFixed(1)} walks/s)`, bare))
    log(`  app ${cpuPer(appCpu, app.requests, 'request')}`)
    log(`  limit ${cpuPer(bareCpu, bare.requests, 'request')}`)
    const imageMs = await cpuMsOf(() => walkImageWork(flow))
    const perWalk = (cpu: typeof appCpu, r: WalkResult) =>
      ((cpu.nodeMs + cpu.postgresMs) / (r.requests || 1)) * steps.length * 2
    const bareWalkMs = perWalk(bareCpu, bare)
    const appWalkMs = perWalk(appCpu, app)
    log(
      `  CPU per walk (Node + PostgreSQL): app ${appWalkMs.toFixed(1)} ms, limit ${bareWalkMs.toFixed(1)} ms, of which the image work (sharp, ${flow.uploads.length} upload${flow.uploads.length > 1 ? 's' : ''}) ${imageMs.toFixed(1)} ms`,
    )
    log('  app, per request of the walk: mean / p99 ms under load, database queries (knex, one walk alone):')
    const width = Math.max(11, ...steps.map((s) => s.name.length))
    for (const step of steps)
      log(
        `    ${step.name.padEnd(width)} ${(['GET', 'POST'] as const)
          .map((m) => {
            const xs = app.bySteps[`${m} ${step.name}`] ?? []
            const mean = xs.reduce((a, b) => a + b, 0) / (xs.length || 1)
            const ms = xs.length
              ? `${mean.toFixed(1).padStart(6)} / ${percentile(xs, 0.99).toFixed(1).padStart(6)} ms`
              : '     - /      - ms'
            return `${m.padEnd(4)} ${ms}, ${String(queries[`${m} ${step.name}`] ?? '-').padStart(2)} queries`
          })
          .join('   ')}`,
      )

    // ---- (b) the submits -------------------------------------------------------------------------

    const warm = Math.min(100, Math.ceil(SUBMITS / 10))
    const ready = await applicants(SUBMITS + warm)
    const readyCookies = await sessionsFor(ready)
    const readyFiles = await filesFor(ready, true)
    const pattern = progressRow.data
    for (let i = 0; i < ready.length; i += 500)
      await db('wizard_progress').insert(
        ready.slice(i, i + 500).map((a) => {
          const values = theirs(pattern.values, a, readyFiles.get(a.id)!)
          // The applicant's own `{name}`s where the walk posts them (its certificate, its items).
          for (const step of steps)
            if (values[step.path])
              Object.assign(
                values[step.path],
                fill(
                  Object.fromEntries(
                    Object.entries(step.fields).filter(([, v]) => /\{\w+\}/.test(String(v))),
                  ),
                  a.vars,
                ),
              )
          return {
            applicant_id: a.id,
            wizard_key: flow.key,
            data: JSON.stringify({ ...pattern, runId: crypto.randomUUID(), values }),
            updated_at: now,
          }
        }),
      )
    const commitment = formBody({ _csrf: csrf, ...last.fields })
    const submits: LoadRequest[] = readyCookies.map((cookie) => ({
      method: 'POST',
      path: `${base}/${last.path}`,
      headers: { cookie, ...commitment.headers },
      body: commitment.body,
      expectStatus: 303,
      expectLocationMatch: flow.done,
    }))

    // The bare side and the floor: the template's row, for other applicants, with the same JSON.
    const others = await applicants(SUBMITS + warm)
    const floorOthers = await applicants(SUBMITS + warm)
    const counterOthers = await applicants(SUBMITS + warm)
    const { rows: jsonColumns } = await db.raw(
      `SELECT column_name FROM information_schema.columns
       WHERE table_name = ? AND data_type IN ('json', 'jsonb')`,
      [flow.table],
    )
    const isJson = new Set((jsonColumns as { column_name: string }[]).map((c) => c.column_name))
    const columns = { ...(submittedRow as Record<string, unknown>) }
    // the id and the 核验码 come from their column defaults, as the app's submit leaves them
    delete columns.id
    delete columns.verify_code
    const names = Object.keys(columns)
    const insertRow = `INSERT INTO ${flow.table} (${names.join(', ')})
      VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`
    const insertHistory = `INSERT INTO ${flow.history.table}
      (${flow.history.key}, from_status, to_status, actor_kind, actor_id, reason, at)
      VALUES ($1, NULL, 'pending_confirmation', 'applicant', $2, NULL, $3)`
    const rowsFor = async (people: Person[], numbered: number) => {
      const files = await filesFor(people, false)
      return people.map((a, i) => {
        const row = theirs(columns, a, files.get(a.id)!)
        Object.assign(row, { applicant_id: a.id, number: flow.bareNumber(numbered + i) })
        const data = row.data as { identity?: Record<string, unknown> }
        if (data.identity) data.identity = { ...data.identity, doc_number: a.doc_number, name: a.name }
        return names.map((n) => (isJson.has(n) && row[n] !== null ? JSON.stringify(row[n]) : row[n]))
      })
    }
    const bareRows = await rowsFor(others, 0)
    const floorRows = await rowsFor(floorOthers, others.length)
    const counterRows = await rowsFor(counterOthers, others.length + floorOthers.length)
    // The counter side's own row of application_number_counters (no authority has a negative id),
    // so the app's series keep their numbers.
    const insertHistoryCounted = `WITH seq AS (
        INSERT INTO application_number_counters AS c (business, authority_id, year, last_seq)
        VALUES ('${flow.key}', -1, 2026, 1)
        ON CONFLICT (business, authority_id, year) DO UPDATE SET last_seq = c.last_seq + 1
        RETURNING last_seq)
      ${insertHistory}`
    const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'bench-bare-submit' })
    const cleanup: (() => Promise<void>)[] = []
    try {
      const bareInsert = async (values: unknown[], history = insertHistory) => {
        const client = await pool.connect()
        try {
          await client.query('BEGIN')
          const { rows } = await client.query(insertRow, values)
          const at = new Date()
          await client.query(history, [rows[0].id, values[names.indexOf('applicant_id')], at])
          await client.query('COMMIT')
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined)
          throw err
        } finally {
          client.release()
        }
      }
      const appSubmit = (batch: LoadRequest[]) =>
        runLoad({ port, requests: batch, concurrency: SUBMIT_CONCURRENCY, seconds: 3600, reuse: false })
      const bareSubmit = (batch: unknown[][]) => runItems(batch, SUBMIT_CONCURRENCY, bareInsert)
      /** A floor server whose submit `i` is `insert(i)`: its requests, and how to send a batch of them. */
      const floorOf = async (rows: unknown[], insert: (i: number) => Promise<void>) => {
        const floor = await startSubmitFloor(databaseUrl, insert, SUBMIT_CONCURRENCY)
        cleanup.push(floor.close)
        const requests = rows.map((_, i) => floor.submit(i))
        const send = (batch: LoadRequest[]) =>
          runLoad({
            port: floor.port,
            requests: batch,
            concurrency: SUBMIT_CONCURRENCY,
            seconds: 3600,
            reuse: false,
          })
        return { requests, send }
      }
      const { requests: floorRequests, send: floorSubmit } = await floorOf(floorRows, (i) =>
        bareInsert(floorRows[i]),
      )
      const { requests: counterRequests, send: counterSubmit } = await floorOf(counterRows, (i) =>
        bareInsert(counterRows[i], insertHistoryCounted),
      )

      log()
      log(
        `submits: ${SUBMITS} applicants standing at ${flow.submitAt}, POST ${base}/${last.path} at concurrency ${SUBMIT_CONCURRENCY}, in ${SUBMIT_ROUNDS} interleaved rounds after ${warm} warm-up submits per side`,
      )
      log(`  bare side: BEGIN; INSERT ${flow.table} (${names.length} columns); INSERT history; COMMIT via pg`)
      log('  floor: the same transaction behind express + a connect-pg-simple session read, POSTed over HTTP')
      log(
        '  floor + counter: the floor whose history INSERT (its last statement) also bumps one 报名号 counter row, as the app numbers one authority',
      )
      const warmRuns = [
        await appSubmit(submits.slice(0, warm)),
        await bareSubmit(bareRows.slice(0, warm)),
        await floorSubmit(floorRequests.slice(0, warm)),
        await counterSubmit(counterRequests.slice(0, warm)),
      ]
      const per = Math.ceil(SUBMITS / SUBMIT_ROUNDS)
      const slice = <T>(xs: T[], round: number) =>
        xs.slice(warm + round * per, Math.min(warm + SUBMITS, warm + (round + 1) * per))
      await resetStatements(db)
      const [
        { result: submitApp, cpu: appCpu },
        { result: submitBare, cpu: bareCpu },
        { result: submitFloor, cpu: floorCpu },
        { result: submitFloorCounter, cpu: counterCpu },
      ] = await interleaveAll(
        SUBMIT_ROUNDS,
        [
          (round) => appSubmit(slice(submits, round)),
          (round) => bareSubmit(slice(bareRows, round)),
          (round) => floorSubmit(slice(floorRequests, round)),
          (round) => counterSubmit(slice(counterRequests, round)),
        ],
        merge,
      )
      await reportStatements(db, log, 'the submits, all three sides')
      log(describe(`app POST ${last.path} (同意)`, submitApp, 'submits/s'))
      log(describe(`bare INSERT ${flow.key} + history`, submitBare, 'inserts/s'))
      log(describe(`floor: HTTP + session + bare INSERTs`, submitFloor, 'submits/s'))
      log(describe(`floor + counter row`, submitFloorCounter, 'submits/s'))
      log(`  app ${cpuPer(appCpu, submitApp.requests, 'submit')}`)
      log(`  bare ${cpuPer(bareCpu, submitBare.requests, 'insert')}`)
      log(`  floor ${cpuPer(floorCpu, submitFloor.requests, 'submit')}`)
      log(`  floor + counter ${cpuPer(counterCpu, submitFloorCounter.requests, 'submit')}`)

      // The figures count only if every submit really wrote its application.
      const ids = ready.map((a) => a.id)
      const [{ n: made }] = await db(flow.table)
        .whereIn('applicant_id', ids)
        .where({ status: 'pending_confirmation' })
        .count({ n: '*' })
      const [{ n: histories }] = await db(`${flow.history.table} as h`)
        .join(`${flow.table} as r`, 'r.id', `h.${flow.history.key}`)
        .whereIn('r.applicant_id', ids)
        .count({ n: '*' })
      const [{ n: bareMade }] = await db(flow.table)
        .whereIn(
          'applicant_id',
          others.map((a) => a.id),
        )
        .count({ n: '*' })
      const [{ n: floorMade }] = await db(flow.table)
        .whereIn(
          'applicant_id',
          floorOthers.map((a) => a.id),
        )
        .count({ n: '*' })
      const [{ n: counterMade }] = await db(flow.table)
        .whereIn(
          'applicant_id',
          counterOthers.map((a) => a.id),
        )
        .count({ n: '*' })
      log(
        `  check: ${made} of ${ready.length} prepared applicants have a ${flow.table} row (${histories} history rows), bare ${bareMade} of ${others.length}, floor ${floorMade} of ${floorOthers.length}, floor + counter ${counterMade} of ${counterOthers.length}`,
      )
      const failed = [...warmRuns, submitApp, submitBare, submitFloor, submitFloorCounter].find(
        (r) => r.wrong || r.errors,
      )
      if (
        Number(made) !== ready.length ||
        Number(histories) !== ready.length ||
        Number(bareMade) !== others.length ||
        Number(floorMade) !== floorOthers.length ||
        Number(counterMade) !== counterOthers.length
      )
        throw new Error(`the submits did not all create ${flow.table} rows: ${made} of ${ready.length}`)
      if (failed) throw new Error(`some submits went wrong: ${failed.firstWrong}`)
      return {
        app,
        bare,
        imageMs,
        bareWalkMs,
        appWalkMs,
        submitApp,
        submitBare,
        submitFloor,
        submitFloorCounter,
      }
    } finally {
      for (const f of cleanup) await f()
      await pool.end()
    }
  } finally {
    await new Promise((r) => bareServer.close(r))
    await baseline.close()
  }
}

/** The image work of one whole walk: each POST's, as the app does it. */
async function walkImageWork(flow: WizardFlow): Promise<void> {
  for (const step of flow.steps)
    await flow.imageWork({
      path: step.path,
      action: typeof step.fields._action === 'string' ? step.fields._action : undefined,
      file: step.file ? flow.uploads[step.file.data] : undefined,
    })
}

/** Mean CPU milliseconds of this process (sharp's threads included) for one run of `work`. */
async function cpuMsOf(work: () => Promise<unknown>, runs = 20): Promise<number> {
  for (let i = 0; i < 3; i++) await work()
  const before = process.cpuUsage()
  for (let i = 0; i < runs; i++) await work()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000 / runs
}

/** `ratio <prefix>wizard-of-limit` and `ratio <prefix>submit-of-floor`, each with its figures. */
export function flowRatioLines(r: WizardBench, prefix = ''): string[] {
  return [
    `ratio ${prefix}wizard-of-limit: ${(r.app.perSecond / r.bare.perSecond).toFixed(2)} (goal 0.80)`,
    `  (${r.app.perSecond.toFixed(0)} vs ${r.bare.perSecond.toFixed(0)} req/s; CPU per walk, Node + PostgreSQL: app ${r.appWalkMs.toFixed(1)} ms, limit ${r.bareWalkMs.toFixed(1)} ms of which image work ${r.imageMs.toFixed(1)} ms)`,
    `ratio ${prefix}submit-of-floor: ${(r.submitApp.perSecond / r.submitFloor.perSecond).toFixed(2)} (goal 0.70)`,
    `  (${r.submitApp.perSecond.toFixed(0)} vs ${r.submitFloor.perSecond.toFixed(0)} submits/s over HTTP; bare INSERTs without HTTP ${r.submitBare.perSecond.toFixed(0)}/s)`,
    `bound ${prefix}submit-of-floor: ${(r.submitFloorCounter.perSecond / r.submitFloor.perSecond).toFixed(2)}`,
    `  (the floor bumping one 报名号 counter row in its last statement: ${r.submitFloorCounter.perSecond.toFixed(0)} submits/s, the most a submit numbering one authority's applications without gaps this way reaches here)`,
  ]
}
