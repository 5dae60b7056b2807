import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible'
import type { Config } from '../config'
import type { Pool } from 'pg'
import type { Metrics } from './metrics'

// Per-IP (and, for printed forms, per-account) limits kept in PostgreSQL so several app instances share them.
export type LimitName = 'login' | 'sms' | 'verify' | 'forgot' | 'lookup' | 'pdf'

export interface RateLimits {
  consume(name: LimitName, key: string): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>
}

// On the plain pg pool the sessions use: a limit is checked on every login, and knex's query
// building around one upsert costs more than the upsert.
export function postgresRateLimits(
  pool: Pool,
  limits: Config['rateLimits'],
  metrics: Pick<Metrics, 'rateLimited'>,
): RateLimits {
  const make = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      keyPrefix,
      points,
      duration,
    })
  const limiters: Record<LimitName, RateLimiterPostgres> = {
    login: make('login', limits.loginPerIpPerMinute, 60),
    sms: make('sms', limits.smsPerIpPerHour, 3600),
    verify: make('verify', limits.verifyPerIpPerHour, 3600),
    forgot: make('forgot', limits.smsPerIpPerHour, 3600),
    lookup: make('lookup', limits.lookupPerIpPerMinute, 60),
    pdf: make('pdf', limits.pdfPerUserPerMinute, 60),
  }
  return {
    async consume(name, key) {
      try {
        await limiters[name].consume(key)
        return { ok: true }
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          metrics.rateLimited(name)
          return { ok: false, retryAfterSeconds: Math.ceil(err.msBeforeNext / 1000) }
        }
        throw err
      }
    },
  }
}
