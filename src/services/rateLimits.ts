import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible'
import type { Config } from '../config'
import type { Db } from '../db/knex'

// Per-IP limits kept in PostgreSQL so several app instances share them.
export type LimitName = 'login' | 'sms' | 'verify' | 'forgot'

export interface RateLimits {
  consume(name: LimitName, key: string): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>
}

export function postgresRateLimits(db: Db, limits: Config['rateLimits']): RateLimits {
  const make = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterPostgres({
      storeClient: db,
      storeType: 'knex',
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
  }
  return {
    async consume(name, key) {
      try {
        await limiters[name].consume(key)
        return { ok: true }
      } catch (err) {
        if (err instanceof RateLimiterRes)
          return { ok: false, retryAfterSeconds: Math.ceil(err.msBeforeNext / 1000) }
        throw err
      }
    },
  }
}
