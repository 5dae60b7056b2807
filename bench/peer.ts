// A peer beside ours: the 填写注册信息 step served by hmpo-form-wizard 15 (the UK Passport Office's
// Express wizard; a devDependency, used here only) with a connect-pg-simple session store on the
// same PostgreSQL, measured in the same run as the app's own step, in interleaved rounds:
//
//   GET:  the step's page (session read, the same fields with the same option lists, CSRF token)
//   POST: the step's answers (the same fields and values: required, dates, 邮编, every select
//         checked against its list), saved in the session, then a redirect to the next step
//
// The app's POST does more than the peer's (its progress also goes to wizard_progress so a restart
// loses nothing; the school is looked up): the goals (ours ≥ 1.5× the peer's GETs/s, ≥ 1.0× its
// POSTs/s) are the issue's. Settings: BENCH_WIZARD_CONCURRENCY (20), BENCH_SECONDS, BENCH_ROUNDS.
import path from 'node:path'
import express from 'express'
import session from 'express-session'
import connectPgSimple from 'connect-pg-simple'
import nunjucks from 'nunjucks'
import wizard, { Controller } from 'hmpo-form-wizard'
import { Pool } from 'pg'
import type { Services } from '../src/services'
import { refOptions } from '../src/services/reference'
import { INFO_LISTS, MANDARIN_OPTIONS } from '../src/modules/registration/steps'
import { cookieFrom, csrfFrom, listen, request } from './http'
import {
  TIMING,
  cpuPer,
  interleaveAll,
  merge,
  runLoad,
  type CpuUse,
  type LoadRequest,
  type LoadResult,
} from './load'
import { PASSWORD, fill, formBody, makeApplicants, signIn, type WizardFlow } from './flow'

const { seconds: SECONDS, warmup: WARMUP, rounds: ROUNDS } = TIMING
const CONCURRENCY = Number(process.env.BENCH_WIZARD_CONCURRENCY ?? 20)
const PEER = '/peer'

export interface PeerBench {
  getApp: LoadResult
  getPeer: LoadResult
  postApp: LoadResult
  postPeer: LoadResult
}

const LABELS: Record<string, string> = {
  mandarin: '普通话证书信息',
  education: '最高学历信息',
  majorCategory: '最高学历专业类别',
  major: '所学专业',
  degree: '最高学位信息',
  graduatedOn: '毕业时间',
  graduationSchool: '毕业学校',
  studyForm: '学习形式',
  currentSchool: '现任教学校',
  schoolLocation: '任教学校所在地',
  schoolNature: '任教学校性质',
  title: '教师职务（职称）',
  workStartedOn: '开始参加工作时间',
  household: '户籍所在地',
  employedFrom: '本单位聘用起始日期',
  political: '政治面貌',
  postNature: '岗位性质',
  address: '通讯地址',
  postcode: '通讯邮编',
}
const DATES = ['graduatedOn', 'workStartedOn', 'employedFrom']

/**
 * hmpo's controller mounts each step's handlers at '*', which Express 5's router no longer accepts
 * (hmpo's README pins Express 4): the same handlers at Express 5's spelling of "any path".
 */
class Express5Controller extends Controller {
  useWithMethod(method: string, ...fns: unknown[]): void {
    const bound = this._bindFunctions(fns)
    ;(this.router as unknown as Record<string, (...a: unknown[]) => void>)[method]('/{*rest}', ...bound)
  }
}

/** The peer: express + express-session (connect-pg-simple) + hmpo-form-wizard, one step and its next. */
async function createPeer(services: Services) {
  const lists: Record<string, { value: string; text: string }[]> = { mandarin: MANDARIN_OPTIONS }
  for (const [field, kind] of Object.entries(INFO_LISTS)) lists[field] = await refOptions(services.db, kind)
  const fields = Object.fromEntries(
    Object.entries(LABELS).map(([name, label]) => {
      const items = lists[name]
      const validate: unknown[] = [
        'required',
        { type: 'maxlength', arguments: [name === 'address' ? 200 : 100] },
      ]
      if (items) validate.push({ type: 'equal', arguments: items.map((o) => o.value) })
      if (DATES.includes(name)) validate.push('date')
      if (name === 'postcode') validate.push({ type: 'regex', arguments: [/^\d{6}$/] })
      return [name, { label, validate, ...(items ? { items } : {}) }]
    }),
  )
  const pool = new Pool({
    connectionString: services.config.databaseUrl,
    max: 10,
    application_name: 'bench-peer',
  })
  const PgStore = connectPgSimple(session)
  const app = express()
  const env = nunjucks.configure(path.join(__dirname, 'views'), { autoescape: true, express: app })
  env.addGlobal('pageTitle', '填写注册信息')
  app.set('view engine', 'njk')
  app.use(express.urlencoded({ extended: true }))
  app.use(
    session({
      name: 'peer.sid',
      store: new PgStore({ pool, tableName: 'session', pruneSessionInterval: false, disableTouch: true }),
      secret: 'bench-peer-secret-0123456789abcdef',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', maxAge: 8 * 3600_000 },
    }),
  )
  app.get(`${PEER}/start`, (req, res) => {
    req.session.userId = 1
    res.redirect(303, `${PEER}/information`)
  })
  // the template's names for the wizard's locals
  app.use((_req, res, next) => {
    Object.defineProperty(res.locals, 'csrfToken', { get: () => res.locals['csrf-token'], enumerable: true })
    next()
  })
  app.use(
    PEER,
    wizard(
      {
        // checkSession needs cookie-parser's req.cookies; the sessions here never expire anyway
        '/information': { entryPoint: true, checkSession: false, fields: Object.keys(LABELS), next: 'done' },
        '/done': { checkSession: false, noPost: true },
      },
      fields,
      { name: 'registration', templatePath: 'peer', controller: Express5Controller },
    ),
  )
  app.use(
    (
      err: { redirect?: string },
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (err.redirect) return res.redirect(err.redirect)
      next(err)
    },
  )
  return { app, close: () => pool.end() }
}

const describe = (name: string, r: LoadResult) =>
  `  ${name.padEnd(44)} ${r.perSecond.toFixed(1).padStart(8)} req/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (${r.requests} in ${r.seconds.toFixed(1)} s)${r.wrong || r.errors ? `  (${r.wrong} wrong, ${r.errors} errors: ${r.firstWrong})` : ''}`

/**
 * The 填写注册信息 step, GET and POST, of the app (applicants signed in and standing at it, their
 * earlier steps walked through the app) against the peer's.
 */
export async function benchPeer(
  services: Services,
  port: number,
  log: (line?: string) => void,
  flow: WizardFlow,
): Promise<PeerBench> {
  const { db } = services
  const stepAt = flow.steps.findIndex((s) => s.path === 'information')
  const step = flow.steps[stepAt]
  const passwordHash = await services.passwords.hash(PASSWORD)
  const people = await makeApplicants(db, flow, { passwordHash, now: services.clock.now() }, CONCURRENCY)

  // Our side: each applicant signs in and walks up to the step through the app.
  const appGets: LoadRequest[] = []
  const appPosts: LoadRequest[] = []
  let appBytes = 0
  for (const person of people) {
    const cookie = await signIn(port, person.doc_number)
    for (const earlier of flow.steps.slice(0, stepAt)) {
      const page = await request(port, 'GET', `${flow.base}/${earlier.path}`, { cookie })
      const post = formBody({ _csrf: csrfFrom(page.text), ...fill(earlier.fields, person.vars, page.text) })
      const r = await request(
        port,
        'POST',
        `${flow.base}/${earlier.path}`,
        { cookie, ...post.headers },
        post.body,
      )
      if (r.status !== 303) throw new Error(`walking to the step: POST ${earlier.path} answered ${r.status}`)
    }
    const url = `${flow.base}/${step.path}`
    const page = await request(port, 'GET', url, { cookie })
    appBytes = Buffer.byteLength(page.text)
    const post = formBody({ _csrf: csrfFrom(page.text), ...fill(step.fields, person.vars, page.text) })
    appGets.push({ method: 'GET', path: url, headers: { cookie }, expectStatus: 200 })
    appPosts.push({
      method: 'POST',
      path: url,
      headers: { cookie, ...post.headers },
      body: post.body,
      expectStatus: 303,
      expectLocation: `${flow.base}/${step.next}`,
    })
  }

  const peer = await createPeer(services)
  const server = await listen(peer.app)
  try {
    const peerGets: LoadRequest[] = []
    const peerPosts: LoadRequest[] = []
    let peerBytes = 0
    for (let i = 0; i < CONCURRENCY; i++) {
      const started = await request(server.port, 'GET', `${PEER}/start`)
      const cookie = cookieFrom(started.headers, 'peer.sid')
      const page = await request(server.port, 'GET', `${PEER}/information`, { cookie })
      if (page.status !== 200) throw new Error(`the peer's step answered ${page.status}`)
      peerBytes = Buffer.byteLength(page.text)
      const token = /name="x-csrf-token" value="([^"]+)"/.exec(page.text)?.[1] ?? ''
      const post = formBody({ 'x-csrf-token': token, ...fill(step.fields, people[i].vars) })
      const first = await request(
        server.port,
        'POST',
        `${PEER}/information`,
        { cookie, ...post.headers },
        post.body,
      )
      if (first.headers.location !== `${PEER}/done`)
        throw new Error(`the peer refused the step: ${first.status} ${first.headers.location ?? ''}`)
      peerGets.push({ method: 'GET', path: `${PEER}/information`, headers: { cookie }, expectStatus: 200 })
      peerPosts.push({
        method: 'POST',
        path: `${PEER}/information`,
        headers: { cookie, ...post.headers },
        body: post.body,
        expectStatus: 302,
        expectLocation: `${PEER}/done`,
      })
    }
    log(
      `填写注册信息 step against hmpo-form-wizard (express-session + connect-pg-simple), concurrency ${CONCURRENCY}: pages app ${appBytes} bytes, peer ${peerBytes} bytes`,
    )
    const load = (p: number, requests: LoadRequest[]) => (seconds: number) =>
      runLoad({ port: p, requests, concurrency: CONCURRENCY, seconds, reuse: true })
    const pair = async (a: (s: number) => Promise<LoadResult>, b: (s: number) => Promise<LoadResult>) => {
      await a(WARMUP / 2)
      await b(WARMUP / 2)
      return interleaveAll(ROUNDS, [() => a(SECONDS / ROUNDS), () => b(SECONDS / ROUNDS)], merge)
    }
    const [getApp, getPeer] = await pair(load(port, appGets), load(server.port, peerGets))
    const [postApp, postPeer] = await pair(load(port, appPosts), load(server.port, peerPosts))
    const cpu = (side: string, r: { result: LoadResult; cpu: CpuUse }) =>
      log(`    ${side} ${cpuPer(r.cpu, r.result.requests, 'request')}`)
    log(describe(`app GET ${flow.base}/${step.path}`, getApp.result))
    log(describe('hmpo-form-wizard GET', getPeer.result))
    cpu('app', getApp)
    cpu('hmpo-form-wizard', getPeer)
    log(describe(`app POST ${flow.base}/${step.path}`, postApp.result))
    log(describe('hmpo-form-wizard POST', postPeer.result))
    cpu('app', postApp)
    cpu('hmpo-form-wizard', postPeer)
    return {
      getApp: getApp.result,
      getPeer: getPeer.result,
      postApp: postApp.result,
      postPeer: postPeer.result,
    }
  } finally {
    await new Promise((r) => server.server.close(r))
    await peer.close()
  }
}

export const peerRatioLines = (r: PeerBench): string[] => [
  `ratio step-get-vs-hmpo: ${(r.getApp.perSecond / r.getPeer.perSecond).toFixed(2)} (goal 1.5)`,
  `ratio step-post-vs-hmpo: ${(r.postApp.perSecond / r.postPeer.perSecond).toFixed(2)} (goal 1.0)`,
]
