// The 定期注册 wizard part of `npm run bench` (alone: BENCH_ONLY=wizard npm run bench).
//
//   wizard walk: one applicant's whole wizard, GET + POST per step (agreement → certificate →
//         information → conditions → photo (multipart JPG) → authority → review → notices →
//         commitment, whose POST submits), by BENCH_WIZARD_CONCURRENCY walkers at once, each walk a
//         different applicant with a session of its own, against the real bureau tables (an authority
//         whose registration window is open at the app's clock, a staffed point, the school)
//   bare: the same 18 requests per walk to Express + Nunjucks + connect-pg-simple (bench/baseline.ts):
//         each reads and writes the session in PostgreSQL and renders a form page of about the size
//         of the app's page of that step; nothing is validated
//
//   submits: BENCH_SUBMITS applicants, each standing at 提交注册申请 (progress rows and sessions
//         written straight to the database as the wizard keeps them, cloned from one walked run),
//         then the final POST (同意) of all of them at BENCH_SUBMIT_CONCURRENCY
//   bare: BEGIN; INSERT the same registrations row (same columns, same JSON) and its status history
//         row; COMMIT, through pg at the same concurrency, for as many other applicants
//
// Both sides take turns in interleaved rounds. Settings (env): BENCH_SECONDS (10),
// BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (5), BENCH_WIZARD_CONCURRENCY (20),
// BENCH_WIZARD_ACCOUNTS (1500), BENCH_SUBMITS (2000), BENCH_SUBMIT_CONCURRENCY (20),
// BENCH_SUBMIT_ROUNDS (4); BENCH_WIZARD_QUERIES=1 prints the SQL of each request of one walk.
import crypto from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { Pool } from 'pg'
import type { Services } from '../src/services'
import { makeIdNumber } from '../src/domain/idNumber'
import { portrait } from '../test/fixtures/images'
import { NANNING, makeAuthority, makePoint, makeSchool, makeWindow } from '../test/helpers/bureauFactories'
import { goodInformation } from '../test/helpers/registrationFactories'
import { createWizardBaseline } from './baseline'
import { cookieFrom, csrfFrom, listen, request } from './http'
import { merge, runLoad, type LoadRequest, type LoadResult } from './load'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const WALKERS = Number(process.env.BENCH_WIZARD_CONCURRENCY ?? 20)
const WALK_ACCOUNTS = Number(process.env.BENCH_WIZARD_ACCOUNTS ?? 1500)
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 2000)
const SUBMIT_CONCURRENCY = Number(process.env.BENCH_SUBMIT_CONCURRENCY ?? 20)
const SUBMIT_ROUNDS = Number(process.env.BENCH_SUBMIT_ROUNDS ?? 4)

const BASE = '/registration/apply'
const STEPS = [
  'agreement',
  'certificate',
  'information',
  'conditions',
  'photo',
  'authority',
  'review',
  'notices',
  'commitment',
] as const
const PASSWORD = 'Bench#2026pass'
const REMINDER = '^/registration/records/\\d+/reminder$'

export interface WalkResult extends LoadResult {
  walks: number
  /** Latencies per `METHOD step`, in milliseconds (app side, for where the time goes). */
  bySteps: Record<string, number[]>
}

export interface WizardBench {
  app: WalkResult
  bare: WalkResult
  submitApp: LoadResult
  submitBare: LoadResult
}

const formBody = (fields: Record<string, string>) => {
  const body = new URLSearchParams(fields).toString()
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
    },
  }
}

function multipartBody(fields: Record<string, string>, file: { field: string; name: string; data: Buffer }) {
  const boundary = `----bench${crypto.randomBytes(8).toString('hex')}`
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields))
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

// ---- the walkers (in a worker thread, like bench/load.ts) ------------------------------------------

interface WalkStep {
  path: string
  /** Posted fields; `{certNumber}` is replaced by the account's certificate. */
  fields: Record<string, string>
  multipart: boolean
  /** The POST must answer 303 to a location this regular expression (source) matches. */
  expect: string
}

interface WalkAccount {
  cookie: string
  certNumber: string
}

const WALKER = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const crypto = require('node:crypto')
const { port, base, steps, accounts, concurrency, durationMs, reuse, photo } = workerData
const photoData = Buffer.from(photo)
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
let next = 0, wrong = 0, errors = 0, walks = 0, ranOut = false, firstWrong
const latencies = []
const bySteps = {}

function send(method, path, headers, body, keepText) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint()
    const r = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks = []
      if (keepText) res.on('data', (c) => chunks.push(c))
      else res.resume()
      res.on('end', () =>
        resolve({
          status: res.statusCode, location: res.headers.location,
          text: keepText ? Buffer.concat(chunks).toString() : '',
          ms: Number(process.hrtime.bigint() - t0) / 1e6,
        }),
      )
    })
    r.on('error', (err) => resolve({ error: String(err) }))
    r.end(body)
  })
}

function bodyFor(step, fields) {
  if (!step.multipart) {
    const body = new URLSearchParams(fields).toString()
    return { body, type: 'application/x-www-form-urlencoded' }
  }
  const b = '----walk' + crypto.randomBytes(8).toString('hex')
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from('--' + b + '\\r\\nContent-Disposition: form-data; name="' + k + '"\\r\\n\\r\\n' + v + '\\r\\n'))
  parts.push(Buffer.from('--' + b + '\\r\\nContent-Disposition: form-data; name="photo"; filename="me.jpg"\\r\\nContent-Type: image/jpeg\\r\\n\\r\\n'),
    photoData, Buffer.from('\\r\\n--' + b + '--\\r\\n'))
  return { body: Buffer.concat(parts), type: 'multipart/form-data; boundary=' + b }
}

function note(key, ms) {
  latencies.push(ms)
  ;(bySteps[key] ??= []).push(ms)
}
function bad(what) { wrong++; firstWrong ??= what }

async function walk(account, deadline) {
  for (const step of steps) {
    const url = base + '/' + step.path
    if (performance.now() >= deadline) return
    const page = await send('GET', url, { cookie: account.cookie }, undefined, true)
    if (page.error) { errors++; firstWrong ??= page.error; return }
    note('GET ' + step.path, page.ms)
    const token = page.status === 200 && page.text.match(/name="_csrf" value="([^"]+)"/)
    if (!token) return bad('GET ' + url + ' answered ' + page.status + ' ' + (page.location || ''))
    if (performance.now() >= deadline) return
    const fields = { _csrf: token[1] }
    for (const [k, v] of Object.entries(step.fields)) fields[k] = v.replace('{certNumber}', account.certNumber)
    const { body, type } = bodyFor(step, fields)
    const headers = { cookie: account.cookie, 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }
    const r = await send('POST', url, headers, body, false)
    if (r.error) { errors++; firstWrong ??= r.error; return }
    note('POST ' + step.path, r.ms)
    if (r.status !== 303 || !new RegExp(step.expect).test(r.location || ''))
      return bad('POST ' + url + ' answered ' + r.status + ' ' + (r.location || ''))
  }
  walks++
}

async function lane(deadline) {
  while (performance.now() < deadline) {
    if (!reuse && next >= accounts.length) { ranOut = true; return }
    await walk(accounts[next++ % accounts.length], deadline)
  }
}

;(async () => {
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, () => lane(start + durationMs)))
  const seconds = (performance.now() - start) / 1000
  latencies.sort((a, b) => a - b)
  const pick = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN)
  agent.destroy()
  parentPort.postMessage({
    requests: latencies.length, wrong, errors, seconds, perSecond: latencies.length / seconds,
    p50: pick(0.5), p99: pick(0.99), firstWrong, latencies, walks, bySteps, used: next, ranOut,
  })
})()
`

function runWalk(opts: {
  port: number
  base: string
  steps: WalkStep[]
  accounts: WalkAccount[]
  concurrency: number
  seconds: number
  reuse: boolean
  photo: Buffer
}): Promise<WalkResult & { used: number; ranOut: boolean }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WALKER, {
      eval: true,
      workerData: { ...opts, durationMs: opts.seconds * 1000, photo: new Uint8Array(opts.photo) },
    })
    worker.once('message', (r: WalkResult & { used: number; ranOut: boolean }) => {
      void worker.terminate()
      resolve(r)
    })
    worker.once('error', reject)
  })
}

function mergeWalks(rs: WalkResult[]): WalkResult {
  const bySteps: Record<string, number[]> = {}
  for (const r of rs) for (const [k, v] of Object.entries(r.bySteps)) (bySteps[k] ??= []).push(...v)
  return { ...merge(rs), walks: rs.reduce((n, r) => n + r.walks, 0), bySteps }
}

/** Count-bound closed loop of an in-process operation: `concurrency` lanes until `items` run out. */
async function runItems<T>(
  items: T[],
  concurrency: number,
  op: (item: T) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = []
  let next = 0
  let errors = 0
  let firstWrong: string | undefined
  const start = performance.now()
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]
      const t0 = performance.now()
      try {
        await op(item)
        latencies.push(performance.now() - t0)
      } catch (err) {
        errors++
        firstWrong ??= String(err)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  const seconds = (performance.now() - start) / 1000
  latencies.sort((a, b) => a - b)
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  return {
    requests: latencies.length,
    wrong: 0,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
    firstWrong,
    latencies,
  }
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

export async function benchWizard(
  services: Services,
  port: number,
  log: (line?: string) => void,
): Promise<WizardBench> {
  const { db, config } = services
  const databaseUrl = config.databaseUrl!
  const now = services.clock.now()

  // The bureau set-up, in the real tables (the bureau module's port reads them): one county
  // authority registering 小学, its registration window open at the app's clock, one staffed point.
  const authorityId = await makeAuthority(db, { name: '南宁市青秀区教育局（压测）' })
  const pointId = await makePoint(db, authorityId, { name: '青秀区教师发展中心（压测）' })
  await makeWindow(
    db,
    authorityId,
    'registration',
    new Date(now.getTime() - 86_400_000),
    new Date(now.getTime() + 60 * 86_400_000),
  )
  await makeSchool(db, '广西师范大学')
  const photo = await portrait({ width: 600, height: 800, grain: true })

  let people = 0
  let certs = 0
  const passwordHash = await services.passwords.hash(PASSWORD)
  /** Verified applicants with a complete profile and one synced registry certificate each. */
  async function applicants(n: number) {
    const out: { id: number; name: string; doc_number: string; certNumber: string }[] = []
    for (let i = 0; i < n; i += 500) {
      const rows = Array.from({ length: Math.min(500, n - i) }, () => {
        const k = people++
        const birth = new Date(Date.UTC(1975, 0, 1) + k * 86_400_000).toISOString().slice(0, 10)
        return {
          doc_type: 'id_card',
          doc_number: makeIdNumber('450103', birth.replace(/-/g, ''), '077'),
          name: '韦丽华',
          valid_from: '2020-01-01',
          valid_to: '2040-01-01',
          password_hash: passwordHash,
          email: `walker${k}@example.com`,
          phone: `139${String(k).padStart(8, '0')}`,
          ethnicity: '01',
          profile_completed_at: now,
          identity_status: 'verified',
          identity_verified_at: now,
          created_at: now,
          updated_at: now,
        }
      })
      const inserted: { id: string; name: string; doc_number: string }[] = await db('applicants')
        .insert(rows)
        .returning(['id', 'name', 'doc_number'])
      const withCerts = inserted.map((a) => ({
        id: Number(a.id),
        name: a.name,
        doc_number: a.doc_number,
        certNumber: `2010450${String(++certs).padStart(10, '0')}`,
      }))
      await db('registry_certificates').insert(
        withCerts.map((a) => ({
          cert_number: a.certNumber,
          holder_name: a.name,
          doc_number: a.doc_number,
          qualification_type: '2',
          subject: '语文',
          authority: '南宁市青秀区教育局',
          issued_on: '2010-07-01',
          imported_at: now,
        })),
      )
      out.push(...withCerts)
    }
    return out
  }

  const walkSteps = (certNumber: string): WalkStep[] => {
    const fields: Record<(typeof STEPS)[number], Record<string, string>> = {
      agreement: { agree: 'yes' },
      certificate: { certNumber },
      information: {
        ...goodInformation('广西师范大学'),
        household: '广西壮族自治区南宁市青秀区',
        address: '广西南宁市青秀区凤翔路1号',
        postcode: '530022',
      },
      conditions: { ethics: 'yes', appraisals: 'yes', training: 'yes', health: 'yes' },
      photo: {},
      authority: {
        provinceCode: NANNING.province,
        cityCode: NANNING.city,
        stage: '2',
        subject: 'chinese',
        authorityId: String(authorityId),
        pointId: String(pointId),
      },
      review: {},
      notices: {},
      commitment: {},
    }
    return STEPS.map((path, i) => ({
      path,
      fields: fields[path],
      multipart: path === 'photo',
      expect: i + 1 < STEPS.length ? `^${BASE}/${STEPS[i + 1]}$` : REMINDER,
    }))
  }

  // One applicant signs in through the real form and walks to 提交注册申请 step by step: its
  // session, progress row and draft photo are the pattern of every prepared applicant below, and
  // the database queries of each request are counted on the way.
  const [template] = await applicants(1)
  const loginPage = await request(port, 'GET', '/login')
  const login = formBody({
    _csrf: csrfFrom(loginPage.text),
    docNumber: template.doc_number,
    password: PASSWORD,
  })
  const signedIn = await request(
    port,
    'POST',
    '/login',
    { cookie: cookieFrom(loginPage.headers, 'jszg.sid'), ...login.headers },
    login.body,
  )
  if (signedIn.status !== 303) throw new Error(`template login answered ${signedIn.status}`)
  const templateCookie = cookieFrom(signedIn.headers, 'jszg.sid')
  const appBytes: Record<string, number> = {}
  const queries: Record<string, number> = {}
  let counted = 0
  // BENCH_WIZARD_QUERIES=1 also prints every query of the template's walk, request by request.
  const trace = process.env.BENCH_WIZARD_QUERIES === '1'
  const countQuery = (q: { sql: string }) => {
    counted++
    if (trace) log(`      ${q.sql.replace(/\s+/g, ' ').slice(0, 160)}`)
  }
  const traced = (what: string) => trace && log(`    -- ${what}`)
  db.on('query', countQuery)
  let csrf = ''
  for (const step of walkSteps(template.certNumber)) {
    counted = 0
    traced(`GET ${step.path}`)
    const page = await request(port, 'GET', `${BASE}/${step.path}`, { cookie: templateCookie })
    queries[`GET ${step.path}`] = counted
    if (page.status !== 200) throw new Error(`template GET ${step.path} answered ${page.status}`)
    appBytes[step.path] = Buffer.byteLength(page.text)
    csrf = csrfFrom(page.text)
    if (step.path === 'commitment') break
    const fields = { _csrf: csrf, ...step.fields }
    const post = step.multipart
      ? multipartBody(fields, { field: 'photo', name: 'me.jpg', data: photo })
      : formBody(fields)
    counted = 0
    traced(`POST ${step.path}`)
    const res = await request(
      port,
      'POST',
      `${BASE}/${step.path}`,
      { cookie: templateCookie, ...post.headers },
      post.body,
    )
    queries[`POST ${step.path}`] = counted
    if (res.status !== 303 || !new RegExp(step.expect).test(res.headers.location ?? ''))
      throw new Error(`template POST ${step.path} answered ${res.status} ${res.headers.location ?? ''}`)
  }
  const sid = decodeURIComponent(templateCookie.slice('jszg.sid='.length)).replace(/^s:/, '').split('.')[0]
  const sessionRow: { sess: Record<string, unknown>; expire: Date } = await db('session')
    .where({ sid })
    .first('sess', 'expire')
  const progressRow: { data: { values: Record<string, Record<string, unknown>> } } = await db(
    'wizard_progress',
  )
    .where({ applicant_id: template.id, wizard_key: 'registration' })
    .first('data')
  const templatePhoto = String(progressRow.data.values.photo.photoFileId)
  // The template submits too: its registration is the row the bare side inserts.
  const commit = formBody({ _csrf: csrf })
  counted = 0
  traced('POST commitment')
  const submitted = await request(
    port,
    'POST',
    `${BASE}/commitment`,
    { cookie: templateCookie, ...commit.headers },
    commit.body,
  )
  queries['POST commitment'] = counted
  db.off('query', countQuery)
  if (submitted.status !== 303 || !new RegExp(REMINDER).test(submitted.headers.location ?? ''))
    throw new Error(`template submit answered ${submitted.status} ${submitted.headers.location ?? ''}`)
  const registration = await db('registrations').where({ applicant_id: template.id }).first()
  if (!registration) throw new Error('the template submit wrote no registration')

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
  /** A copy of the template's photo for each applicant (draft: an upload not yet submitted). */
  async function photosFor(people: { id: number }[], draft: boolean): Promise<Map<number, string>> {
    const { rows } = await db.raw(
      `INSERT INTO files (owner_kind, owner_id, kind, mime, filename, size, width, height, sha256, content, created_at, draft)
       SELECT 'applicant', o.id, f.kind, f.mime, f.filename, f.size, f.width, f.height, f.sha256, f.content, f.created_at, ?
       FROM files f, unnest(?::bigint[]) AS o(id) WHERE f.id = ?
       RETURNING id, owner_id`,
      [draft, people.map((p) => p.id), templatePhoto],
    )
    return new Map((rows as { id: string; owner_id: string }[]).map((r) => [Number(r.owner_id), r.id]))
  }

  // ---- (a) the walk ------------------------------------------------------------------------------

  const walkers = await applicants(WALK_ACCOUNTS)
  const walkCookies = await sessionsFor(walkers)
  const accounts: WalkAccount[] = walkers.map((w, i) => ({
    cookie: walkCookies[i],
    certNumber: w.certNumber,
  }))

  let fieldCounts: Record<string, number> = {}
  const baseline = createWizardBaseline(databaseUrl, [...STEPS], (s) => fieldCounts[s] ?? 0)
  const { server: bareServer, port: barePort } = await listen(baseline.app)
  try {
    const bareCookies: WalkAccount[] = []
    for (let i = 0; i < WALKERS; i++) {
      const started = await request(barePort, 'GET', '/bare-wizard/start')
      bareCookies.push({ cookie: cookieFrom(started.headers, 'base.sid'), certNumber: '' })
    }
    const bareBytes = async (step: string, n: number) => {
      fieldCounts = { [step]: n }
      const r = await request(barePort, 'GET', `/bare-wizard/${step}`, { cookie: bareCookies[0].cookie })
      if (r.status !== 200) throw new Error(`baseline page answered ${r.status}`)
      return Buffer.byteLength(r.text)
    }
    const counts: Record<string, number> = {}
    const sizes: Record<string, number> = {}
    for (const step of STEPS) {
      const none = await bareBytes(step, 0)
      const perField = ((await bareBytes(step, 10)) - none) / 10
      counts[step] = Math.max(0, Math.round((appBytes[step] - none) / perField))
      sizes[step] = await bareBytes(step, counts[step])
    }
    fieldCounts = counts
    const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)

    log(
      `registration wizard walk: ${STEPS.length} steps, GET + POST each (${STEPS.length * 2} requests per walk, the photo a ${photo.length}-byte JPG), ${WALKERS} walkers, each walk its own applicant and session`,
    )
    log(
      `  pages per walk: app ${total(appBytes)} bytes, baseline ${total(sizes)} bytes (${STEPS.map((s) => `${s} ${appBytes[s]}/${sizes[s]}`).join(', ')})`,
    )
    log(`  each side: ${WARMUP} s warm-up, then ${SECONDS} s in ${ROUNDS} interleaved rounds`)
    let used = 0
    const appWalk = async (seconds: number) => {
      const r = await runWalk({
        port,
        base: BASE,
        steps: walkSteps('{certNumber}'),
        accounts: accounts.slice(used),
        concurrency: WALKERS,
        seconds,
        reuse: false,
        photo,
      })
      used += r.used
      if (r.ranOut) throw new Error('the prepared applicants ran out; raise BENCH_WIZARD_ACCOUNTS')
      return r
    }
    const bareWalk = (seconds: number) =>
      runWalk({
        port: barePort,
        base: '/bare-wizard',
        steps: walkSteps('').map((s, i) => ({
          ...s,
          expect: i + 1 < STEPS.length ? `^/bare-wizard/${STEPS[i + 1]}$` : '^/bare-wizard/done$',
        })),
        accounts: bareCookies,
        concurrency: WALKERS,
        seconds,
        reuse: true,
        photo,
      })
    await appWalk(WARMUP / 2)
    await bareWalk(WARMUP / 2)
    const apps: WalkResult[] = []
    const bares: WalkResult[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const s = SECONDS / ROUNDS
      if (round % 2 === 0) {
        apps.push(await appWalk(s))
        bares.push(await bareWalk(s))
      } else {
        bares.push(await bareWalk(s))
        apps.push(await appWalk(s))
      }
    }
    const app = mergeWalks(apps)
    const bare = mergeWalks(bares)
    if (app.wrong || app.errors || bare.wrong || bare.errors)
      process.stderr.write(
        'some wizard requests got unexpected answers; the walk figures are not trustworthy\n',
      )
    log(describe(`app ${BASE}/* (${(app.walks / app.seconds).toFixed(1)} walks/s)`, app))
    log(describe(`baseline (${(bare.walks / bare.seconds).toFixed(1)} walks/s)`, bare))
    log('  app, per request of the walk: mean / p99 ms under load, database queries (knex, one walk alone):')
    for (const step of STEPS)
      log(
        `    ${step.padEnd(11)} ${(['GET', 'POST'] as const)
          .map((m) => {
            const xs = app.bySteps[`${m} ${step}`] ?? []
            const mean = xs.reduce((a, b) => a + b, 0) / (xs.length || 1)
            const ms = xs.length
              ? `${mean.toFixed(1).padStart(6)} / ${percentile(xs, 0.99).toFixed(1).padStart(6)} ms`
              : '     - /      - ms'
            return `${m.padEnd(4)} ${ms}, ${String(queries[`${m} ${step}`] ?? '-').padStart(2)} queries`
          })
          .join('   ')}`,
      )

    // ---- (b) the submits -------------------------------------------------------------------------

    const warm = Math.min(100, Math.ceil(SUBMITS / 10))
    const ready = await applicants(SUBMITS + warm)
    const readyCookies = await sessionsFor(ready)
    const readyPhotos = await photosFor(ready, true)
    const pattern = progressRow.data as { values: Record<string, Record<string, unknown>> }
    for (let i = 0; i < ready.length; i += 500)
      await db('wizard_progress').insert(
        ready.slice(i, i + 500).map((a) => ({
          applicant_id: a.id,
          wizard_key: 'registration',
          data: JSON.stringify({
            ...pattern,
            runId: crypto.randomUUID(),
            values: {
              ...pattern.values,
              certificate: { ...pattern.values.certificate, certNumber: a.certNumber },
              photo: { ...pattern.values.photo, photoFileId: readyPhotos.get(a.id) },
            },
          }),
          updated_at: now,
        })),
      )
    const commitment = formBody({ _csrf: csrf })
    const submits: LoadRequest[] = readyCookies.map((cookie) => ({
      method: 'POST',
      path: `${BASE}/commitment`,
      headers: { cookie, ...commitment.headers },
      body: commitment.body,
      expectStatus: 303,
      expectLocationMatch: REMINDER,
    }))

    // The bare side: the template's registration row, for other applicants, with the same JSON.
    const others = await applicants(SUBMITS + warm)
    const otherPhotos = await photosFor(others, false)
    const { rows: jsonColumns } = await db.raw(
      `SELECT column_name FROM information_schema.columns
       WHERE table_name = 'registrations' AND data_type IN ('json', 'jsonb')`,
    )
    const isJson = new Set((jsonColumns as { column_name: string }[]).map((c) => c.column_name))
    const columns = { ...(registration as Record<string, unknown>) }
    delete columns.id
    const names = Object.keys(columns)
    const insertRegistration = `INSERT INTO registrations (${names.join(', ')})
      VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`
    const insertHistory = `INSERT INTO registration_status_history
      (registration_id, from_status, to_status, actor_kind, actor_id, reason, at)
      VALUES ($1, NULL, 'pending_confirmation', 'applicant', $2, NULL, $3)`
    const data = registration.data as Record<string, unknown>
    const identity = data.identity as Record<string, unknown>
    const bareRows = others.map((a, i) => {
      const row: Record<string, unknown> = {
        ...columns,
        number: `2026${String(authorityId).padStart(4, '0')}${String(500_000 + i).padStart(6, '0')}`,
        applicant_id: a.id,
        cert_number: a.certNumber,
        cert: { ...(registration.cert as object), certNumber: a.certNumber },
        data: {
          ...data,
          certNumber: a.certNumber,
          photoFileId: otherPhotos.get(a.id),
          identity: { ...identity, doc_number: a.doc_number, name: a.name },
        },
        photo_file_id: otherPhotos.get(a.id),
      }
      return names.map((n) => (isJson.has(n) && row[n] !== null ? JSON.stringify(row[n]) : row[n]))
    })
    const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'bench-bare-submit' })
    try {
      const bareInsert = async (values: unknown[]) => {
        const client = await pool.connect()
        try {
          await client.query('BEGIN')
          const { rows } = await client.query(insertRegistration, values)
          const at = new Date()
          await client.query(insertHistory, [rows[0].id, values[names.indexOf('applicant_id')], at])
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

      log()
      log(
        `submits: ${SUBMITS} applicants standing at 提交注册申请, POST ${BASE}/commitment (同意) at concurrency ${SUBMIT_CONCURRENCY}, in ${SUBMIT_ROUNDS} interleaved rounds after ${warm} warm-up submits per side`,
      )
      log(`  bare side: BEGIN; INSERT registrations (${names.length} columns); INSERT history; COMMIT via pg`)
      const warmApp = await appSubmit(submits.slice(0, warm))
      const warmBare = await bareSubmit(bareRows.slice(0, warm))
      const appRuns: LoadResult[] = []
      const bareRuns: LoadResult[] = []
      const per = Math.ceil(SUBMITS / SUBMIT_ROUNDS)
      for (let round = 0; round < SUBMIT_ROUNDS; round++) {
        const from = warm + round * per
        const to = Math.min(warm + SUBMITS, from + per)
        if (round % 2 === 0) {
          appRuns.push(await appSubmit(submits.slice(from, to)))
          bareRuns.push(await bareSubmit(bareRows.slice(from, to)))
        } else {
          bareRuns.push(await bareSubmit(bareRows.slice(from, to)))
          appRuns.push(await appSubmit(submits.slice(from, to)))
        }
      }
      const submitApp = merge(appRuns)
      const submitBare = merge(bareRuns)
      log(describe('app POST commitment (同意)', submitApp, 'submits/s'))
      log(describe('bare INSERT registration + history', submitBare, 'inserts/s'))

      // The figures count only if every submit really wrote its registration.
      const ids = ready.map((a) => a.id)
      const [{ n: made }] = await db('registrations')
        .whereIn('applicant_id', ids)
        .where({ status: 'pending_confirmation' })
        .count({ n: '*' })
      const [{ n: histories }] = await db('registration_status_history as h')
        .join('registrations as r', 'r.id', 'h.registration_id')
        .whereIn('r.applicant_id', ids)
        .count({ n: '*' })
      const [{ n: bareMade }] = await db('registrations')
        .whereIn(
          'applicant_id',
          others.map((a) => a.id),
        )
        .count({ n: '*' })
      log(
        `  check: ${made} of ${ready.length} prepared applicants have a registration (${histories} history rows), bare ${bareMade} of ${others.length}`,
      )
      const failed = [warmApp, warmBare, submitApp, submitBare].find((r) => r.wrong || r.errors)
      if (
        Number(made) !== ready.length ||
        Number(histories) !== ready.length ||
        Number(bareMade) !== others.length
      )
        throw new Error(`the submits did not all create registrations: ${made} of ${ready.length}`)
      if (failed) throw new Error(`some submits went wrong: ${failed.firstWrong}`)
      return { app, bare, submitApp, submitBare }
    } finally {
      await pool.end()
    }
  } finally {
    await new Promise((r) => bareServer.close(r))
    await baseline.close()
  }
}

export function wizardRatioLines(r: WizardBench): string[] {
  const perSecond = r.submitApp.perSecond
  return [
    `ratio wizard: ${(r.app.perSecond / r.bare.perSecond).toFixed(2)} (goal 0.70)`,
    `ratio submit: ${(r.submitApp.perSecond / r.submitBare.perSecond).toFixed(2)} (goal 0.50)`,
    `submits/s: ${perSecond.toFixed(0)} (goal ≥ 600): ${perSecond >= 600 ? 'met' : 'not met'}`,
  ]
}
