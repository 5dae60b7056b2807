// npm run bench — the app against a bare baseline, in one run, on one embedded PostgreSQL.
//
//   logged-in page: GET /platform (real login, real session)  vs  Express + Nunjucks + connect-pg-simple
//   login:          POST /login with the right password        vs  bare argon2.verify, same parameters
//   PDF:            定期注册申请表 through services.pdf.render     vs  bare setContent + page.pdf() of the same HTML (bench/pdf.ts)
//   registry import: 100,000 rows through the import engine    vs  bare COPY of the same file (bench/registries.ts)
//
// Prints requests/s and p99 for each side, then one line per ratio: `ratio <name>: <value> (goal <goal>)`.
//   wizard walk:    the whole 定期注册 wizard, 20 walkers        vs  the same GETs and POSTs on the bare stack,
//                   doing the same image work (the limit)
//   submits:        2000 POSTs of 提交注册申请 (同意)              vs  the same rows behind express + session over
//                   HTTP (the floor) and bare INSERTs (bench/wizard.ts)
//   certification:  the same three for 教师资格认定 — its wizard walk, its submits and the
//                   教师资格认定申请表 PDF (bench/certification.ts), after all of the above
//
// BENCH_ONLY=pdf runs only the PDF part (its settings: bench/pdf.ts); BENCH_ONLY=wizard only the
// wizard walk and the submits (their settings: bench/flow.ts); BENCH_ONLY=certification only the
// certification wizard walk, submits and PDF.
// Settings (env): BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), BENCH_PAGE_CONCURRENCY (20),
// BENCH_LOGIN_CONCURRENCY (4), BENCH_ROUNDS (5), BENCH_LOG_LEVEL (silent: the app's log level);
// BENCH_ONLY=registries runs only the registry import, BENCH_ONLY=pages only the logged-in page,
// BENCH_ONLY=peer only the 填写注册信息 step against hmpo-form-wizard (bench/peer.ts); BENCH_SKIP=registries
// runs everything but the registry import.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import argon2 from 'argon2'
import { loadConfig, type Config } from '../src/config'
import { createApp } from '../src/app'
import { startEmbeddedPostgres } from '../src/db/embedded'
import { STATEMENT_STATS } from './statements'
import { createDb, migrateLatest, runSeeds } from '../src/db/knex'
import { buildServices, closeServices } from '../src/services'
import { makeIdNumber } from '../src/domain/idNumber'
import { createBaseline } from './baseline'
import { cookieFrom, csrfFrom, listen, request } from './http'
import {
  TIMING,
  cpuPer,
  interleave,
  interleaveAll,
  merge,
  runLoad,
  runOps,
  type LoadRequest,
  type LoadResult,
} from './load'
import { benchPdf, pdfRatioLines } from './pdf'
import { benchRegistries, registryRatioLine } from './registries'
import { benchWizard, registrationFlow, wizardRatioLines } from './wizard'
import { benchPeer, peerRatioLines } from './peer'
import { benchCertification, certificationRatioLines } from './certification'
import { verifiedApplicant } from './flow'
import { benchBooking } from './booking'

const { seconds: SECONDS, warmup: WARMUP, rounds: ROUNDS } = TIMING
const PAGE_CONCURRENCY = Number(process.env.BENCH_PAGE_CONCURRENCY ?? 20)
const LOGIN_CONCURRENCY = Number(process.env.BENCH_LOGIN_CONCURRENCY ?? 4)
const PASSWORD = 'Bench#2026pass'
const DOC_NUMBER = makeIdNumber('450103', '19950612', '031')

const log = (line = '') => process.stdout.write(`${line}\n`)

/** A login form as a browser has it: its own session cookie and token, ready to be posted once. */
async function loginForm(port: number): Promise<LoadRequest> {
  const page = await request(port, 'GET', '/login')
  if (page.status !== 200) throw new Error(`GET /login answered ${page.status}`)
  const body = new URLSearchParams({ _csrf: csrfFrom(page.text), docNumber: DOC_NUMBER, password: PASSWORD })
  return {
    method: 'POST',
    path: '/login',
    headers: {
      cookie: cookieFrom(page.headers, 'jszg.sid'),
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body.toString())),
    },
    body: body.toString(),
    expectStatus: 303,
    expectLocation: '/platform',
  }
}

function describe(name: string, r: LoadResult): string {
  const extra = r.wrong || r.errors ? `  (${r.wrong} wrong answers, ${r.errors} errors: ${r.firstWrong})` : ''
  return `  ${name.padEnd(34)} ${r.perSecond.toFixed(1).padStart(9)} req/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (${r.requests} in ${r.seconds.toFixed(1)} s)${extra}`
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-bench-'))
  log(`starting embedded PostgreSQL in ${dataDir} ...`)
  const embedded = await startEmbeddedPostgres({
    dataDir,
    database: 'bench',
    persistent: false,
    statementStats: STATEMENT_STATS,
  })
  const cleanups: (() => Promise<unknown>)[] = [
    async () => {
      await embedded.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  ]
  try {
    const setupDb = createDb(embedded.url, 2)
    await migrateLatest(setupDb)
    await runSeeds(setupDb, { demo: false })

    // The real app, as `npm start` builds it, with the CAPTCHA off and the per-IP login limit out of
    // the way (every request comes from 127.0.0.1). Request logging is off (it would flood the terminal).
    const base = loadConfig({ NODE_ENV: 'test', CAPTCHA_DISABLED: '1' })
    const config: Config = {
      ...base,
      databaseUrl: embedded.url,
      logLevel: (process.env.BENCH_LOG_LEVEL as Config['logLevel']) ?? 'silent',
      rateLimits: { ...base.rateLimits, loginPerIpPerMinute: 100_000_000 },
    }
    // No 申请表 rendered in the background after each submit (services/storedForms): the submits are
    // compared with a floor that renders nothing, and the renders would spill into the other sides'
    // rounds; what a render costs is the PDF part's figure.
    const services = buildServices(config, { prepareForms: false })
    cleanups.unshift(() => closeServices(services))

    // A verified applicant with a complete profile, straight into the database.
    const passwordHash = await services.passwords.hash(PASSWORD)
    const now = new Date()
    await setupDb('applicants').insert(
      verifiedApplicant({
        doc_number: DOC_NUMBER,
        name: '李明',
        password_hash: passwordHash,
        email: 'bench@example.com',
        phone: '13800000001',
        now,
      }),
    )
    await setupDb.destroy()
    if (process.env.BENCH_ONLY === 'pdf') {
      const only = await benchPdf(services, log)
      log()
      for (const l of pdfRatioLines(only)) log(l)
      return
    }
    if (process.env.BENCH_ONLY === 'registries') {
      const only = await benchRegistries(services, log)
      log()
      log(registryRatioLine(only))
      return
    }

    const app = await listen(createApp(services))
    cleanups.unshift(() => new Promise((r) => app.server.close(r)))
    if (process.env.BENCH_ONLY === 'wizard') {
      const only = await benchWizard(services, app.port, log)
      log()
      for (const l of wizardRatioLines(only)) log(l)
      if ([only.app, only.bare].some((r) => r.wrong || r.errors)) process.exitCode = 1
      return
    }
    if (process.env.BENCH_ONLY === 'peer') {
      const only = await benchPeer(services, app.port, log, await registrationFlow(services))
      log()
      for (const l of peerRatioLines(only)) log(l)
      return
    }
    if (process.env.BENCH_ONLY === 'certification') {
      const only = await benchCertification(services, app.port, log)
      log()
      for (const l of certificationRatioLines(only)) log(l)
      if ([only.wizard.app, only.wizard.bare].some((r) => r.wrong || r.errors)) process.exitCode = 1
      return
    }

    // Sign in through the real form once, for the logged-in page.
    const form = await loginForm(app.port)
    const login = await request(app.port, 'POST', '/login', form.headers, form.body)
    if (login.status !== 303 || login.headers.location !== '/platform')
      throw new Error(`login answered ${login.status} → ${login.headers.location}`)
    const appCookie = cookieFrom(login.headers, 'jszg.sid')
    const appPage = await request(app.port, 'GET', '/platform', { cookie: appCookie })
    if (appPage.status !== 200) throw new Error(`GET /platform answered ${appPage.status}`)
    const appBytes = Buffer.byteLength(appPage.text)

    // The baseline, sized to render about as many bytes as the real page.
    let items = 2
    const baseline = createBaseline(embedded.url, () => items)
    cleanups.unshift(() => baseline.close())
    const bare = await listen(baseline.app)
    cleanups.unshift(() => new Promise((r) => bare.server.close(r)))
    const started = await request(bare.port, 'GET', '/start')
    const bareCookie = cookieFrom(started.headers, 'base.sid')
    const sizeWith = async (n: number) => {
      items = n
      const r = await request(bare.port, 'GET', '/page', { cookie: bareCookie })
      if (r.status !== 200) throw new Error(`baseline page answered ${r.status}`)
      return Buffer.byteLength(r.text)
    }
    const s2 = await sizeWith(2)
    const perItem = ((await sizeWith(4)) - s2) / 2
    items = Math.max(1, Math.round(2 + (appBytes - s2) / perItem))
    const bareBytes = await sizeWith(items)

    log(
      `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), PostgreSQL embedded`,
    )
    log(
      `argon2id m=${config.argon2.memoryCost} KiB t=${config.argon2.timeCost} p=${config.argon2.parallelism}`,
    )
    log(`page sizes: /platform ${appBytes} bytes, baseline ${bareBytes} bytes (${items} cards)`)
    log(`each side: ${WARMUP} s warm-up, then ${SECONDS} s in ${ROUNDS} interleaved rounds (A B B A ...)`)

    // Both sides of a comparison take turns in short rounds (after a warm-up of each).
    const interleaved = async (
      a: (s: number) => Promise<LoadResult>,
      b: (s: number) => Promise<LoadResult>,
    ) => {
      await a(WARMUP / 2)
      await b(WARMUP / 2)
      return interleave(
        ROUNDS,
        () => a(SECONDS / ROUNDS),
        () => b(SECONDS / ROUNDS),
        merge,
      )
    }

    // (a) The logged-in page.
    const page = (port: number, pathName: string, cookie: string) => (seconds: number) =>
      runLoad({
        port,
        requests: [{ method: 'GET', path: pathName, headers: { cookie }, expectStatus: 200 }],
        concurrency: PAGE_CONCURRENCY,
        seconds,
        reuse: true,
      })
    log()
    log(`logged-in page, concurrency ${PAGE_CONCURRENCY}:`)
    const pageApp0 = page(app.port, '/platform', appCookie)
    const pageBare0 = page(bare.port, '/page', bareCookie)
    await pageApp0(WARMUP / 2)
    await pageBare0(WARMUP / 2)
    const [{ result: pageApp, cpu: pageAppCpu }, { result: pageBare, cpu: pageBareCpu }] =
      await interleaveAll(
        ROUNDS,
        [() => pageApp0(SECONDS / ROUNDS), () => pageBare0(SECONDS / ROUNDS)],
        merge,
      )
    log(describe('app GET /platform', pageApp))
    log(describe('baseline express+nunjucks+pg session', pageBare))
    log(`  app ${cpuPer(pageAppCpu, pageApp.requests, 'request')}`)
    log(`  baseline ${cpuPer(pageBareCpu, pageBare.requests, 'request')}`)
    if (process.env.BENCH_ONLY === 'pages') {
      log()
      log(`ratio logged-in-page: ${(pageApp.perSecond / pageBare.perSecond).toFixed(2)} (goal 0.80)`)
      return
    }

    // (b) Login against bare argon2 verify with the same parameters and concurrency.
    log()
    log(
      `login, concurrency ${LOGIN_CONCURRENCY} (UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 4}):`,
    )
    const verify = () => argon2.verify(passwordHash, PASSWORD)
    const probe = await runOps({ op: verify, concurrency: LOGIN_CONCURRENCY, seconds: 1 })
    // Every POST needs a form of its own (the session is regenerated on login): fetch them first.
    const needed = Math.ceil(probe.perSecond * (SECONDS + WARMUP) * 2) + 50
    const forms: LoadRequest[] = []
    for (let i = 0; i < needed; i += 20)
      forms.push(
        ...(await Promise.all(Array.from({ length: Math.min(20, needed - i) }, () => loginForm(app.port)))),
      )
    const loginRound = async (seconds: number) => {
      const r = await runLoad({
        port: app.port,
        requests: forms,
        concurrency: LOGIN_CONCURRENCY,
        seconds,
        reuse: false,
      })
      forms.splice(0, r.requests + r.errors)
      if (r.seconds < seconds * 0.9)
        throw new Error('the prepared login forms ran out; the figures would be wrong')
      return r
    }
    const [loginApp, argon] = await interleaved(loginRound, (seconds) =>
      runOps({ op: verify, concurrency: LOGIN_CONCURRENCY, seconds }),
    )
    log(describe('app POST /login', loginApp))
    log(describe('bare argon2.verify', argon))

    log()
    const pdf = await benchPdf(services, log)

    log()
    // BENCH_SKIP=registries leaves the import out of a full run (it takes minutes)
    const registries =
      process.env.BENCH_SKIP === 'registries' ? undefined : await benchRegistries(services, log)

    log()
    const wizard = await benchWizard(services, app.port, log)

    log()
    const certification = await benchCertification(services, app.port, log)

    const bad = [
      pageApp,
      pageBare,
      loginApp,
      wizard.app,
      wizard.bare,
      certification.wizard.app,
      certification.wizard.bare,
    ].filter((r) => r.wrong || r.errors)
    log()
    log(`ratio logged-in-page: ${(pageApp.perSecond / pageBare.perSecond).toFixed(2)} (goal 0.80)`)
    log(`ratio login-vs-argon2: ${(loginApp.perSecond / argon.perSecond).toFixed(2)} (goal 0.80)`)
    for (const l of pdfRatioLines(pdf)) log(l)
    if (registries) log(registryRatioLine(registries))
    for (const l of wizardRatioLines(wizard)) log(l)
    for (const l of certificationRatioLines(certification)) log(l)
    if (bad.length) {
      process.stderr.write('some requests got unexpected answers; the figures above are not trustworthy\n')
      process.exitCode = 1
    }
  } finally {
    for (const c of cleanups) await c().catch(() => undefined)
  }
}

// npm run bench -- booking: only 现场确认预约 at the last places (bench/booking.ts)
;(process.argv[2] === 'booking' ? benchBooking() : main()).catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`)
  process.exit(1)
})
