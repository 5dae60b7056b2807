import fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import pg from 'pg'

// A small closed-loop HTTP load generator: `concurrency` lanes, each sending its next request as
// soon as the previous answer has been read, over keep-alive connections. It runs in a worker
// thread so the servers under test (in the main thread) have their event loop to themselves.

export interface LoadRequest {
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
  /** The answer counts as correct only with this status (and location, when given). */
  expectStatus: number
  expectLocation?: string
  /** ... or with a location this regular expression (source) matches. */
  expectLocationMatch?: string
}

export interface LoadResult {
  requests: number
  wrong: number
  errors: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  firstWrong?: string
  /** Every latency in milliseconds, sorted (for merging rounds). */
  latencies: number[]
}

/** How long each comparison measures (env): BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (5). */
export const TIMING = {
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  warmup: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
}

// What every load worker shares: the keep-alive agent, send(), the counters, and the run itself:
// the body's `lane(deadline)` on each of `concurrency` lanes, then the figures and the body's `extra()`.
const WORKER_HEAD = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const { port, concurrency, durationMs, reuse } = workerData
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
let next = 0, wrong = 0, errors = 0, firstWrong
const latencies = []

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
`

const WORKER_TAIL = `
;(async () => {
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, () => lane(start + durationMs)))
  const seconds = (performance.now() - start) / 1000
  latencies.sort((a, b) => a - b)
  const pick = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN)
  agent.destroy()
  parentPort.postMessage({
    requests: latencies.length, wrong, errors, seconds, perSecond: latencies.length / seconds,
    p50: pick(0.5), p99: pick(0.99), firstWrong, latencies, ...extra(),
  })
})()
`

/** Runs a load worker: `body` (JavaScript) defines `lane(deadline)` and `extra()`; see WORKER_HEAD. */
export function runWorker<T>(
  body: string,
  data: { port: number; concurrency: number; seconds: number; reuse: boolean } & Record<string, unknown>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_HEAD + body + WORKER_TAIL, {
      eval: true,
      workerData: { ...data, durationMs: data.seconds * 1000 },
    })
    worker.once('message', (r: T) => {
      void worker.terminate()
      resolve(r)
    })
    worker.once('error', reject)
  })
}

const REQUESTS = `
const { requests } = workerData
const extra = () => ({})

async function lane(deadline) {
  while (performance.now() < deadline) {
    if (!reuse && next >= requests.length) return
    const req = requests[next++ % requests.length]
    const r = await send(req.method, req.path, req.headers, req.body, false)
    if (r.error) { errors++; firstWrong ??= r.error; continue }
    latencies.push(r.ms)
    const ok = r.status === req.expectStatus && (!req.expectLocation || r.location === req.expectLocation) &&
      (!req.expectLocationMatch || new RegExp(req.expectLocationMatch).test(r.location || ''))
    if (!ok) { wrong++; firstWrong ??= req.method + ' ' + req.path + ' answered ' + r.status + ' ' + (r.location || '') }
  }
}
`

/**
 * Sends `requests` (cycling through them when `reuse`, else each at most once) at `concurrency`
 * for `seconds`; returns requests/s and latency percentiles in milliseconds.
 */
export function runLoad(opts: {
  port: number
  requests: LoadRequest[]
  concurrency: number
  seconds: number
  reuse: boolean
}): Promise<LoadResult> {
  return runWorker<LoadResult>(REQUESTS, opts)
}

const pick = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]

function summary(
  latencies: number[],
  seconds: number,
  o: { wrong: number; errors: number; firstWrong?: string },
): LoadResult {
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    ...o,
    seconds,
    perSecond: latencies.length / seconds,
    p50: pick(latencies, 0.5),
    p99: pick(latencies, 0.99),
    latencies,
  }
}

/** The closed loop in process: `concurrency` lanes, each running `take()`'s next op until there is none. */
async function closedLoop(
  concurrency: number,
  take: () => (() => Promise<unknown>) | undefined,
): Promise<LoadResult> {
  const latencies: number[] = []
  let errors = 0
  let firstWrong: string | undefined
  const start = performance.now()
  const lane = async () => {
    for (let op = take(); op; op = take()) {
      const t0 = performance.now()
      try {
        await op()
        latencies.push(performance.now() - t0)
      } catch (err) {
        errors++
        firstWrong ??= String(err)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return summary(latencies, (performance.now() - start) / 1000, { wrong: 0, errors, firstWrong })
}

/** The same closed loop for an in-process async operation (bare argon2 verify), time-bound. */
export function runOps(opts: {
  op: () => Promise<unknown>
  concurrency: number
  seconds: number
}): Promise<LoadResult> {
  const deadline = performance.now() + opts.seconds * 1000
  return closedLoop(opts.concurrency, () => (performance.now() < deadline ? opts.op : undefined))
}

/** ... and count-bound: `op` once per item, until the items run out (bare INSERTs). */
export function runItems<T>(
  items: T[],
  concurrency: number,
  op: (item: T) => Promise<void>,
): Promise<LoadResult> {
  let next = 0
  return closedLoop(concurrency, () => {
    if (next >= items.length) return undefined
    const item = items[next++]
    return () => op(item)
  })
}

/** Several rounds of the same measurement as one result. */
export function merge(results: LoadResult[]): LoadResult {
  return summary(
    results.flatMap((r) => r.latencies),
    results.reduce((n, r) => n + r.seconds, 0),
    {
      wrong: results.reduce((n, r) => n + r.wrong, 0),
      errors: results.reduce((n, r) => n + r.errors, 0),
      firstWrong: results.find((r) => r.firstWrong)?.firstWrong,
    },
  )
}

/** CPU time a side used while it ran: this process (servers, load workers) and PostgreSQL's processes. */
export interface CpuUse {
  nodeMs: number
  postgresMs: number
  wallMs: number
  /** statements this process sent to PostgreSQL (every pool's, through pg) */
  statements: number
}

/**
 * How many statements this process has sent through pg so far (the app's knex and session store,
 * the baseline's pools, the bare side's): each is a round trip. Counted from the first call on, by
 * wrapping pg's Client.prototype.query (every pool's client is one), so a side's count is its own
 * as long as the sides take turns.
 */
function statementsSent(): number {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; sent?: number }
  if (proto.sent === undefined) {
    const query = proto.query
    proto.sent = 0
    proto.query = function (this: unknown, ...args: unknown[]) {
      proto.sent!++
      return query.apply(this, args)
    }
  }
  return proto.sent
}

/**
 * CPU milliseconds so far of this bench's own PostgreSQL: the server this process started (embedded
 * PostgreSQL spawns it as a child) and its backends. Other PostgreSQL servers on the machine (other
 * runs, tests) are left out, so a busy neighbour does not land in the figures (0 where there is none).
 */
function postgresCpuMs(): number {
  let entries: string[] = []
  try {
    entries = fs.readdirSync('/proc')
  } catch {
    return 0
  }
  const procs: { pid: number; ppid: number; ticks: number }[] = []
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (!stat.includes('(postgres)')) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // utime, stime, and cutime, cstime: the server's backends that ended meanwhile (a pool closing
      // its connections) count in their parent's children's time once reaped
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])
      procs.push({ pid: Number(pid), ppid: Number(fields[1]), ticks })
    } catch {
      // the process ended meanwhile
    }
  }
  const servers = new Set(procs.filter((p) => p.ppid === process.pid).map((p) => p.pid))
  const ticks = procs
    .filter((p) => servers.has(p.pid) || servers.has(p.ppid))
    .reduce((n, p) => n + p.ticks, 0)
  return ticks * 10 // USER_HZ = 100
}

/**
 * Sides of a comparison in short turns (A B C, C B A, A B C ...), so a noisy neighbour on the
 * machine slows all alike instead of whichever happened to run at the time; each side's rounds
 * merged, with the CPU it used.
 */
export async function interleaveAll<T, R>(
  rounds: number,
  sides: ((round: number) => Promise<T>)[],
  mergeAll: (rs: T[]) => R,
): Promise<{ result: R; cpu: CpuUse }[]> {
  const results: T[][] = sides.map(() => [])
  const cpu: CpuUse[] = sides.map(() => ({ nodeMs: 0, postgresMs: 0, wallMs: 0, statements: 0 }))
  for (let round = 0; round < rounds; round++) {
    const order = sides.map((_, i) => i)
    if (round % 2 === 1) order.reverse()
    for (const i of order) {
      const node0 = process.cpuUsage()
      const pg0 = postgresCpuMs()
      const sent0 = statementsSent()
      const t0 = performance.now()
      results[i].push(await sides[i](round))
      cpu[i].statements += statementsSent() - sent0
      const node = process.cpuUsage(node0)
      cpu[i].nodeMs += (node.user + node.system) / 1000
      cpu[i].postgresMs += postgresCpuMs() - pg0
      cpu[i].wallMs += performance.now() - t0
    }
  }
  return results.map((rs, i) => ({ result: mergeAll(rs), cpu: cpu[i] }))
}

/** Two sides (A B, B A, A B ...); see interleaveAll. */
export async function interleave<T, R>(
  rounds: number,
  a: (round: number) => Promise<T>,
  b: (round: number) => Promise<T>,
  mergeAll: (rs: T[]) => R,
): Promise<[R, R]> {
  const [x, y] = await interleaveAll(rounds, [a, b], mergeAll)
  return [x.result, y.result]
}

/** "CPU per <unit>: this process X ms, PostgreSQL Y ms (… cores busy), N statements" for `count` units done. */
export function cpuPer(cpu: CpuUse, count: number, unit: string): string {
  const per = (ms: number) => (count ? ms / count : 0).toFixed(2)
  return `CPU per ${unit}: this process ${per(cpu.nodeMs)} ms, PostgreSQL ${per(cpu.postgresMs)} ms (${((cpu.nodeMs + cpu.postgresMs) / cpu.wallMs).toFixed(2)} cores busy), ${per(cpu.statements)} statements`
}
