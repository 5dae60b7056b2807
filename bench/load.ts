import { Worker } from 'node:worker_threads'

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

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const { port, requests, concurrency, durationMs, reuse } = workerData
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
let next = 0, wrong = 0, errors = 0, firstWrong
const latencies = []

function send(req) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint()
    const r = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent },
      (res) => {
        res.resume()
        res.on('end', () =>
          resolve({ status: res.statusCode, location: res.headers.location, ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
        )
      },
    )
    r.on('error', (err) => resolve({ error: String(err) }))
    r.end(req.body)
  })
}

async function lane(deadline) {
  while (performance.now() < deadline) {
    if (!reuse && next >= requests.length) return
    const req = requests[next++ % requests.length]
    const r = await send(req)
    if (r.error) { errors++; firstWrong ??= r.error; continue }
    latencies.push(r.ms)
    const ok = r.status === req.expectStatus && (!req.expectLocation || r.location === req.expectLocation) &&
      (!req.expectLocationMatch || new RegExp(req.expectLocationMatch).test(r.location || ''))
    if (!ok) { wrong++; firstWrong ??= req.method + ' ' + req.path + ' answered ' + r.status + ' ' + (r.location || '') }
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
    p50: pick(0.5), p99: pick(0.99), firstWrong, latencies,
  })
})()
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
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        port: opts.port,
        requests: opts.requests,
        concurrency: opts.concurrency,
        durationMs: opts.seconds * 1000,
        reuse: opts.reuse,
      },
    })
    worker.once('message', (r: LoadResult) => {
      void worker.terminate()
      resolve(r)
    })
    worker.once('error', reject)
  })
}

/** The same closed loop for an in-process async operation (bare argon2 verify). */
export async function runOps(opts: {
  op: () => Promise<unknown>
  concurrency: number
  seconds: number
}): Promise<LoadResult> {
  const latencies: number[] = []
  let errors = 0
  const start = performance.now()
  const deadline = start + opts.seconds * 1000
  const lane = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now()
      try {
        await opts.op()
        latencies.push(performance.now() - t0)
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, lane))
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
    latencies,
  }
}

/** Several rounds of the same measurement as one result. */
export function merge(results: LoadResult[]): LoadResult {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b)
  const seconds = results.reduce((n, r) => n + r.seconds, 0)
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  return {
    requests: latencies.length,
    wrong: results.reduce((n, r) => n + r.wrong, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    seconds,
    perSecond: latencies.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
    firstWrong: results.find((r) => r.firstWrong)?.firstWrong,
    latencies,
  }
}
