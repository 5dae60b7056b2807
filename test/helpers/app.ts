import type express from 'express'
import { loadConfig, type Config } from '../../src/config'
import { createApp } from '../../src/app'
import { buildServices, closeServices, type ServiceOverrides, type Services } from '../../src/services'
import { TestClock } from '../../src/services/clock'
import { fixedCaptcha } from '../../src/services/captcha'
import { createTestDatabase } from './db'

export const TEST_CAPTCHA = 'abcd'

export interface TestApp {
  app: express.Express
  services: Services
  db: Services['db']
  clock: TestClock
  close(): Promise<void>
}

/**
 * The whole app on its own fresh database, with real sessions and CSRF; only the edges are swapped:
 * a movable clock, a CAPTCHA whose answer is TEST_CAPTCHA, and whatever else `overrides` says.
 */
export async function appWithAllRoutes(
  overrides: ServiceOverrides & { config?: Partial<Config> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase()
  const clock = (overrides.clock as TestClock) ?? new TestClock()
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test' }),
    databaseUrl: database.url,
    argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    // Per-IP limits would trip inside one test file (every request comes from 127.0.0.1); tests of
    // the limits themselves pass their own.
    rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 10_000, verifyPerIpPerHour: 10_000 },
    ...overrides.config,
  }
  const services = buildServices(config, {
    clock,
    captcha: overrides.captcha ?? fixedCaptcha(TEST_CAPTCHA),
    verifier: overrides.verifier,
    transport: overrides.transport ?? {},
  })
  const app = createApp(services)
  return {
    app,
    services,
    db: services.db,
    clock,
    async close() {
      await closeServices(services)
      await database.drop()
    },
  }
}
