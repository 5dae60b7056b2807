import type { Pool } from 'pg'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Db } from '../db/knex'
import type { LimitName } from './rateLimits'

// What /metrics reports (Prometheus text). One Registry per app, built in the composition root:
// tests build several apps in one process, and prom-client's default registry would mix them.
// Counters are moved where the events happen, through this object; gauges are read on scrape.

export type LoginResult = 'success' | 'bad_credentials' | 'locked' | 'captcha'

export interface Metrics {
  registry: Registry
  /** One answered HTTP request; `route` is the route's pattern (never the URL: ids would explode the series). */
  request(labels: { method: string; route: string; status: number }, seconds: number): void
  submitted(business: 'registration' | 'certification'): void
  pdf(outcome: 'rendered' | 'failed' | 'stored'): void
  login(realm: 'applicant' | 'staff', outcome: LoginResult): void
  lockout(realm: 'applicant' | 'staff'): void
  rateLimited(limit: LimitName): void
  /** Reads the pools and the PDF queue on every scrape. */
  watch(sources: {
    db: Db
    sessionPool: Pool
    pdf: { stats(): { busy: number; waiting: number; waitingInBackground: number } }
  }): void
}

/** Latency buckets (seconds): pages answer in milliseconds, a printed form or an export in seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** The knex pool (tarn) as far as the metrics read it. */
interface TarnPool {
  numUsed(): number
  numFree(): number
  numPendingAcquires(): number
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  const registers = [registry]
  // Process CPU, memory, handles, GC and the event loop's lag (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry })

  const requests = new Counter({
    name: 'jszg_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  })
  const latency = new Histogram({
    name: 'jszg_http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const submissions = new Counter({
    name: 'jszg_submissions_total',
    help: 'Applications submitted (committed), by business',
    labelNames: ['business'] as const,
    registers,
  })
  const pdfs = new Counter({
    name: 'jszg_pdf_total',
    help: 'Printed forms (PDF), by outcome: rendered, failed, or stored (a stored 申请表 sent again)',
    labelNames: ['outcome'] as const,
    registers,
  })
  const logins = new Counter({
    name: 'jszg_logins_total',
    help: 'Login attempts, by realm and outcome (success, bad_credentials, locked, captcha)',
    labelNames: ['realm', 'outcome'] as const,
    registers,
  })
  const lockouts = new Counter({
    name: 'jszg_lockouts_total',
    help: 'Login names locked after repeated wrong passwords, by realm',
    labelNames: ['realm'] as const,
    registers,
  })
  const refusals = new Counter({
    name: 'jszg_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit, by limit',
    labelNames: ['limit'] as const,
    registers,
  })

  // Every label value known in advance starts at 0, so a rate() sees the first event.
  for (const business of ['registration', 'certification']) submissions.inc({ business }, 0)
  for (const outcome of ['rendered', 'failed', 'stored']) pdfs.inc({ outcome }, 0)
  for (const realm of ['applicant', 'staff']) {
    lockouts.inc({ realm }, 0)
    for (const outcome of ['success', 'bad_credentials', 'locked', 'captcha'])
      logins.inc({ realm, outcome }, 0)
  }

  return {
    registry,
    request({ method, route, status }, seconds) {
      requests.inc({ method, route, status: String(status) })
      latency.observe({ method, route }, seconds)
    },
    submitted: (business) => submissions.inc({ business }),
    pdf: (outcome) => pdfs.inc({ outcome }),
    login: (realm, outcome) => logins.inc({ realm, outcome }),
    lockout: (realm) => lockouts.inc({ realm }),
    rateLimited: (limit) => refusals.inc({ limit }),
    watch({ db, sessionPool, pdf }) {
      new Gauge({
        name: 'jszg_db_pool_connections',
        help: 'PostgreSQL connections of the app, by pool (knex: the queries; session: sessions and rate limits) and state',
        labelNames: ['pool', 'state'] as const,
        registers,
        collect() {
          const knex = (db.client as { pool?: TarnPool }).pool
          this.set({ pool: 'knex', state: 'used' }, knex?.numUsed() ?? 0)
          this.set({ pool: 'knex', state: 'idle' }, knex?.numFree() ?? 0)
          this.set({ pool: 'session', state: 'used' }, sessionPool.totalCount - sessionPool.idleCount)
          this.set({ pool: 'session', state: 'idle' }, sessionPool.idleCount)
        },
      })
      new Gauge({
        name: 'jszg_db_pool_waiting',
        help: 'Queries waiting for a free PostgreSQL connection, by pool',
        labelNames: ['pool'] as const,
        registers,
        collect() {
          const knex = (db.client as { pool?: TarnPool }).pool
          this.set({ pool: 'knex' }, knex?.numPendingAcquires() ?? 0)
          this.set({ pool: 'session' }, sessionPool.waitingCount)
        },
      })
      new Gauge({
        name: 'jszg_pdf_queue',
        help: 'Printed forms now printing (busy), waiting for a free page (waiting), and of those the ones prepared ahead in the background (background)',
        labelNames: ['state'] as const,
        registers,
        collect() {
          const { busy, waiting, waitingInBackground } = pdf.stats()
          this.set({ state: 'busy' }, busy)
          this.set({ state: 'waiting' }, waiting)
          this.set({ state: 'background' }, waitingInBackground)
        },
      })
    },
  }
}
