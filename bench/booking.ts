// npm run bench:booking (or npm run bench -- booking) — 现场确认预约 at the last places.
//
//   app:  POST /booking/certification/<id> (real sessions, CSRF, the booking service: the
//         application, the point's switch, the live booking, THE guarded statement, the history,
//         and for a refusal the next free slots and the error kept in the session), BENCH_BOOKING_
//         CONCURRENCY (20) applicants at once, every one of them for the same slot
//   bare: the guarded UPDATE alone on the same row, at the same concurrency, over pg
//         (UPDATE booking_slots SET booked = booked + 1 WHERE id = $1 AND booked < places RETURNING id)
//
// Before every round the slot is set back to its last 3 places (and the round's bookings ended), so
// both sides always work at the last places: a few take them, the rest are refused. The sides take
// turns (A B, B A, ...) as in bench/run.ts. Prints requests/s, p50, p99 and the CPU per request of
// each side, checks that the slot never went past its places, then
// `ratio booking-vs-bare-update: <v> (goal 0.50)`.
//   floor: the same guarded UPDATE behind express, a URL-encoded body and a connect-pg-simple session
//         over HTTP (bench/baseline.ts createSubmitFloor), a third interleaved side: what any booking
//         over HTTP pays before its own work. `bound booking-vs-bare-update: <floor/bare>` is the most
//         the ratio can reach on this machine, and `ratio booking-of-floor` how near the app comes.
// Settings (env): BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (5) as everywhere,
// BENCH_BOOKING_CONCURRENCY (20), BENCH_BOOKING_APPLICANTS (200).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { loadConfig, type Config } from '../src/config'
import { createApp } from '../src/app'
import { startEmbeddedPostgres } from '../src/db/embedded'
import { createDb, migrateLatest, runSeeds, type Db } from '../src/db/knex'
import { buildServices, closeServices } from '../src/services'
import { makeIdNumber } from '../src/domain/idNumber'
import { shanghaiDate, shanghaiDateToUtc } from '../src/domain/time'
import { cookieFrom, csrfFrom, listen, request } from './http'
import { PASSWORD, signIn, verifiedApplicant } from './flow'
import { startSubmitFloor } from './baseline'
import {
  TIMING,
  cpuPer,
  interleaveAll,
  merge,
  runLoad,
  runOps,
  type LoadRequest,
  type LoadResult,
} from './load'

const CONCURRENCY = Number(process.env.BENCH_BOOKING_CONCURRENCY ?? 20)
const APPLICANTS = Number(process.env.BENCH_BOOKING_APPLICANTS ?? 200)
const PLACES = 1000
const LAST = 3
const GOAL = 0.5

const log = (line = '') => process.stdout.write(`${line}\n`)

function describe(name: string, r: LoadResult): string {
  const extra = r.wrong || r.errors ? `  (${r.wrong} wrong answers, ${r.errors} errors: ${r.firstWrong})` : ''
  return `  ${name.padEnd(34)} ${r.perSecond.toFixed(1).padStart(9)} req/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (${r.requests} in ${r.seconds.toFixed(1)} s)${extra}`
}

/** An authority, its point taking bookings, the hot slot and a few with places, APPLICANTS applications. */
async function scene(db: Db, passwordHash: string) {
  const now = new Date()
  const [authority] = await db('authorities')
    .insert({
      name: '预约基准教育局',
      region_code: '450103',
      level: 'county',
      certifies: true,
      qualification_types: ['1', '2', '3'],
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const [point] = await db('confirmation_points')
    .insert({
      authority_id: authority.id,
      name: '预约基准确认点',
      address: '青秀区',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  await db('booking_points').insert({ point_id: point.id, enabled: true, change_hours: 24, updated_at: now })
  // a week on (Beijing time): well before the change deadline
  const day = (n: number) => shanghaiDate(new Date(now.getTime() + n * 86_400_000))
  const slot = async (d: string, start: string, end: string, booked: number) => {
    const [row] = await db('booking_slots')
      .insert({
        point_id: point.id,
        starts_at: shanghaiDateToUtc(d, start),
        ends_at: shanghaiDateToUtc(d, end),
        places: PLACES,
        booked,
        created_at: now,
      })
      .returning('id')
    return Number(row.id)
  }
  const hot = await slot(day(7), '09:00', '12:00', PLACES - LAST)
  for (const [d, start, end] of [
    [day(7), '14:30', '17:30'],
    [day(8), '09:00', '12:00'],
    [day(8), '14:30', '17:30'],
  ])
    await slot(d, start, end, PLACES / 2)
  const [file] = await db('files')
    .insert({
      owner_kind: 'applicant',
      owner_id: 0,
      kind: 'id_photo',
      mime: 'image/jpeg',
      filename: 'photo.jpg',
      size: 1,
      sha256: '0'.repeat(64),
      content: Buffer.from([0xff]),
      created_at: now,
    })
    .returning('id')
  const people: { id: number; doc_number: string }[] = await db('applicants')
    .insert(
      Array.from({ length: APPLICANTS }, (_, k) =>
        verifiedApplicant({
          doc_number: makeIdNumber(
            '450103',
            new Date(Date.UTC(1980, 0, 1) + k * 86_400_000).toISOString().slice(0, 10).replace(/-/g, ''),
            '088',
          ),
          name: '陆晓红',
          password_hash: passwordHash,
          email: `booker${k}@example.com`,
          phone: `137${String(k).padStart(8, '0')}`,
          now,
        }),
      ),
    )
    .returning(['id', 'doc_number'])
  const apps: { id: number }[] = await db('certification_applications')
    .insert(
      people.map((p, k) => ({
        number: `2026${String(authority.id).padStart(4, '0')}${String(k + 1).padStart(7, '0')}`,
        applicant_id: p.id,
        year: 2026,
        authority_id: authority.id,
        point_id: point.id,
        qualification_type: '2',
        subject: '语文',
        exam_route: 'non_national',
        data: JSON.stringify({}),
        photo_file_id: file.id,
        commitment_file_id: file.id,
        commitment_crop_file_id: file.id,
        submitted_at: now,
        updated_at: now,
      })),
    )
    .returning('id')
  return { hot: hot, people: people.map((p, k) => ({ ...p, applicationId: Number(apps[k].id) })) }
}

/** The whole comparison on an embedded PostgreSQL of its own (npm run bench:booking, npm run bench -- booking). */
export async function benchBooking(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-bench-booking-'))
  log(`starting embedded PostgreSQL in ${dataDir} ...`)
  const embedded = await startEmbeddedPostgres({ dataDir, database: 'bench', persistent: false })
  const cleanups: (() => Promise<unknown>)[] = [
    async () => {
      await embedded.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  ]
  try {
    const db = createDb(embedded.url, 2)
    cleanups.unshift(() => db.destroy())
    await migrateLatest(db)
    await runSeeds(db, { demo: false })
    const base = loadConfig({ NODE_ENV: 'test', CAPTCHA_DISABLED: '1' })
    const config: Config = {
      ...base,
      databaseUrl: embedded.url,
      logLevel: 'silent',
      rateLimits: { ...base.rateLimits, loginPerIpPerMinute: 100_000_000 },
    }
    const services = buildServices(config)
    cleanups.unshift(() => closeServices(services))
    const app = await listen(createApp(services))
    cleanups.unshift(() => new Promise((r) => app.server.close(r)))

    const { hot, people } = await scene(db, await services.passwords.hash(PASSWORD))
    log(`signing in ${people.length} applicants ...`)
    const requests: LoadRequest[] = []
    for (const p of people) {
      const cookie = await signIn(app.port, p.doc_number)
      const url = `/booking/certification/${p.applicationId}`
      const page = await request(app.port, 'GET', url, { cookie })
      if (page.status !== 200) throw new Error(`GET ${url} answered ${page.status}`)
      const body = new URLSearchParams({ _csrf: csrfFrom(page.text), slot: String(hot) }).toString()
      requests.push({
        method: 'POST',
        path: url,
        headers: {
          cookie: cookieFrom(page.headers, 'jszg.sid') || cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
        expectStatus: 303,
        expectLocation: url,
      })
    }

    // Back to the last places: the round's bookings ended, the counter at places - LAST.
    const lastPlaces = async () => {
      await db('bookings')
        .where({ slot_id: hot, state: 'booked' })
        .update({ state: 'cancelled', ended_at: new Date() })
      await db('booking_slots')
        .where({ id: hot })
        .update({ booked: PLACES - LAST })
    }
    const pool = new pg.Pool({ connectionString: embedded.url, max: CONCURRENCY })
    // idle connections hear the server stop at the end
    pool.on('error', () => undefined)
    cleanups.unshift(() => pool.end())
    const GUARDED = {
      name: 'bench_guarded_update',
      text: 'UPDATE booking_slots SET booked = booked + 1 WHERE id = $1 AND booked < places RETURNING id',
      values: [hot],
    }
    // The floor: the guarded UPDATE behind express + the session over HTTP (its places are not
    // counted: it is the bound, not a booking).
    const floor = await startSubmitFloor(
      embedded.url,
      () => pool.query(GUARDED).then(() => undefined),
      CONCURRENCY,
    )
    cleanups.unshift(floor.close)
    const floorRequests = Array.from({ length: CONCURRENCY }, (_, i) => floor.submit(i))
    const floorSide = async (seconds: number) => {
      await lastPlaces()
      return runLoad({
        port: floor.port,
        requests: floorRequests,
        concurrency: CONCURRENCY,
        seconds,
        reuse: true,
      })
    }
    let taken = { app: 0, bare: 0 }
    const countTaken = async (side: 'app' | 'bare') => {
      const row = await db('booking_slots').where({ id: hot }).first()
      if (row.booked > row.places) throw new Error(`overbooked: ${row.booked} of ${row.places}`)
      taken[side] += row.booked - (PLACES - LAST)
    }
    const appSide = async (seconds: number) => {
      await lastPlaces()
      const r = await runLoad({ port: app.port, requests, concurrency: CONCURRENCY, seconds, reuse: true })
      await countTaken('app')
      return r
    }
    const bareSide = async (seconds: number) => {
      await lastPlaces()
      const r = await runOps({ op: () => pool.query(GUARDED), concurrency: CONCURRENCY, seconds })
      await countTaken('bare')
      return r
    }

    log(
      `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), PostgreSQL embedded`,
    )
    log(
      `each side: ${TIMING.warmup} s warm-up, then ${TIMING.seconds} s in ${TIMING.rounds} interleaved rounds, concurrency ${CONCURRENCY}, ${people.length} applicants, the slot at its last ${LAST} places every round`,
    )
    await appSide(TIMING.warmup / 2)
    await bareSide(TIMING.warmup / 2)
    await floorSide(TIMING.warmup / 2)
    taken = { app: 0, bare: 0 }
    const [a, b, f] = await interleaveAll(
      TIMING.rounds,
      [
        () => appSide(TIMING.seconds / TIMING.rounds),
        () => bareSide(TIMING.seconds / TIMING.rounds),
        () => floorSide(TIMING.seconds / TIMING.rounds),
      ],
      merge,
    )
    log()
    log('booking at the last places:')
    log(describe('app POST /booking (book or refuse)', a.result))
    log(
      `    ${cpuPer(a.cpu, a.result.requests, 'request')}; places taken ${taken.app} of ${LAST * TIMING.rounds}`,
    )
    log(describe('bare guarded UPDATE, same row', b.result))
    log(
      `    ${cpuPer(b.cpu, b.result.requests, 'update')}; places taken ${taken.bare} of ${LAST * TIMING.rounds}`,
    )
    log(describe('floor: express + session + UPDATE', f.result))
    log(`    ${cpuPer(f.cpu, f.result.requests, 'request')}`)
    if (
      taken.app !== LAST * TIMING.rounds ||
      taken.bare !== LAST * TIMING.rounds ||
      a.result.wrong ||
      a.result.errors
    )
      process.exitCode = 1
    log()
    log(
      `ratio booking-vs-bare-update: ${(a.result.perSecond / b.result.perSecond).toFixed(2)} (goal ${GOAL.toFixed(2)})`,
    )
    // The bound: no booking over HTTP with a session can beat the floor, so the goal is out of reach
    // whenever this is below it.
    log(
      `bound booking-vs-bare-update: ${(f.result.perSecond / b.result.perSecond).toFixed(2)} (the floor over HTTP; the goal ${GOAL.toFixed(2)} is ${f.result.perSecond / b.result.perSecond < GOAL ? 'out of reach on this stack' : 'within reach'})`,
    )
    log(`ratio booking-of-floor: ${(a.result.perSecond / f.result.perSecond).toFixed(2)}`)
  } finally {
    for (const c of cleanups) await c().catch(() => undefined)
  }
}

if (require.main === module)
  benchBooking().catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`)
    process.exit(1)
  })
