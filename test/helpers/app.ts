import type express from 'express'
import type { Environment } from 'nunjucks'
import { loadConfig, type Config } from '../../src/config'
import { createApp } from '../../src/app'
import { notFound } from '../../src/middleware/errors'
import { buildServices, closeServices, type ServiceOverrides, type Services } from '../../src/services'
import { TestClock } from './clock'
import { fixedCaptcha } from './captcha'
import { createDb } from '../../src/db/knex'
import { createTestDatabase } from './db'
import { startRegistryWorker } from '../../src/modules/registries/service'
import { startExportWorker } from '../../src/modules/queueExports/worker'

export const TEST_CAPTCHA = 'abcd'

export interface TestApp {
  app: express.Express
  services: Services
  db: Services['db']
  /** The database's owner, for arranging what the app's role may not do (creating tables, ...). */
  ownerDb: Services['db']
  clock: TestClock
  close(): Promise<void>
}

/**
 * The whole app on its own fresh database, with real sessions and CSRF; only the edges are swapped:
 * a movable clock, a CAPTCHA whose answer is TEST_CAPTCHA, and whatever else `overrides` says.
 */
export async function appWithAllRoutes(
  overrides: ServiceOverrides & {
    /** Config to change; rateLimits named here replace only those limits. */
    config?: Partial<Omit<Config, 'rateLimits'>> & { rateLimits?: Partial<Config['rateLimits']> }
    /** Test-only routes (e.g. an example wizard), mounted before the 404 handler. */
    routes?: (services: Services) => express.Router
    /** Extra template folders searched after views/ (for those routes' pages). */
    viewDirs?: string[]
    /** Start the pg-boss job queue and its workers (off by default: tests run jobs themselves). */
    jobs?: boolean
    /** A migrated database of the test's own (kept on close) instead of a fresh clone of the template. */
    databaseUrl?: string
  } = {},
): Promise<TestApp> {
  const database = overrides.databaseUrl
    ? { url: overrides.databaseUrl, ownerUrl: overrides.databaseUrl, drop: async () => undefined }
    : await createTestDatabase()
  const clock = (overrides.clock as TestClock) ?? new TestClock()
  // Per-IP limits would trip inside one test file (every request comes from 127.0.0.1); tests of
  // the limits themselves name the ones they test.
  const roomyLimits: Config['rateLimits'] = {
    loginPerIpPerMinute: 10_000,
    smsPerIpPerHour: 10_000,
    verifyPerIpPerHour: 10_000,
    lookupPerIpPerMinute: 10_000,
    pdfPerUserPerMinute: 10_000,
  }
  const config: Config = {
    ...loadConfig({ NODE_ENV: 'test' }),
    databaseUrl: database.url,
    argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    // Administrators sign in with the password alone unless a test names the second factor
    // (test/routes/staff-security.test.ts): a frozen test clock allows one code per login window.
    adminTotp: false,
    ...overrides.config,
    rateLimits: { ...roomyLimits, ...overrides.config?.rateLimits },
  }
  const services = buildServices(config, {
    clock,
    captcha: overrides.captcha ?? fixedCaptcha(TEST_CAPTCHA),
    verifier: overrides.verifier,
    transport: overrides.transport ?? {},
    bureau: overrides.bureau,
    verifyFinders: overrides.verifyFinders,
    registryImportInlineMaxBytes: overrides.registryImportInlineMaxBytes,
    queueExportInlineMaxRows: overrides.queueExportInlineMaxRows,
    logDestination: overrides.logDestination,
    // a submit renders its 申请表 in the background only where a test asks (stored-forms.test.ts)
    prepareForms: overrides.prepareForms ?? false,
  })
  if (overrides.jobs) {
    await startRegistryWorker(services)
    await startExportWorker(services)
  }
  const app = createApp(services)
  if (overrides.routes) mountBeforeNotFound(app, overrides.routes(services))
  if (overrides.viewDirs) {
    const env = app.get('nunjucksEnv') as Environment & { loaders: { searchPaths: string[] }[] }
    env.loaders[0].searchPaths.push(...overrides.viewDirs)
  }
  const ownerDb = createDb(database.ownerUrl, 2)
  return {
    app,
    services,
    db: services.db,
    ownerDb,
    clock,
    async close() {
      await Promise.all([closeServices(services), ownerDb.destroy()])
      await database.drop()
    },
  }
}

// createApp ends with the 404 and error handlers; test routes go in just before them.
function mountBeforeNotFound(app: express.Express, router: express.Router): void {
  const stack = (app as unknown as { router: { stack: { handle: unknown }[] } }).router.stack
  app.use(router)
  const layer = stack.pop()!
  stack.splice(
    stack.findIndex((l) => l.handle === notFound),
    0,
    layer,
  )
}

/**
 * The app for the tests of one file: built before them, closed after, and handed to `each` before
 * every test (which keeps it and sets the scene: clock, bureau, ...).
 */
export function appPerFile(each: (t: TestApp) => Promise<unknown>): void {
  let t: TestApp | undefined
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(async () => {
    await t?.close()
  })
  beforeEach(async () => {
    await each(t!)
  })
}
