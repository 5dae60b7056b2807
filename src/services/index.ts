import { Pool } from 'pg'
import type { DestinationStream } from 'pino'
import type { Config } from '../config'
import { createDb, type Db } from '../db/knex'
import { createAudit } from './audit'
import { svgCaptchaService, type Captcha } from './captcha'
import { systemClock, type Clock } from './clock'
import { createLogger } from './logger'
import { createOutbox, httpSmsTransport, smtpTransport, type Transport } from './outbox'
import { argon2Passwords } from './passwords'
import { createPdfService } from './pdf'
import { postgresRateLimits } from './rateLimits'
import { httpVerifier, registryVerifier, type Verifier } from './verifier'
import { createJobs } from './jobs'
import { createBureauReader, type BureauReader } from '../modules/bureau/reader'
import { BUSINESS_FINDERS, type ApplicationFinder } from '../modules/verify/finders'
import { createTotp } from './totp'
import { createMetrics } from './metrics'
import { createPerMinute } from './perMinute'
import { createStoredForms } from '../modules/applications/storedForms'

export interface ServiceOverrides {
  clock?: Clock
  captcha?: Captcha
  verifier?: Verifier
  transport?: Transport
  /** The bureau set-up as the businesses read it; parts named here replace the real reader's. */
  bureau?: Partial<BureauReader>
  /** Who /verify asks about a 核验码 (every business's finder when absent). */
  verifyFinders?: ApplicationFinder[]
  /** Registry uploads up to this many bytes are imported during the request; larger ones by the job queue. */
  registryImportInlineMaxBytes?: number
  /** Staff queue exports up to this many rows are written during the request; larger ones by the job queue. */
  queueExportInlineMaxRows?: number
  /**
   * Render each 申请表 right after its submit or 修改 (default); tests turn it on where they test it,
   * so the others start no browser.
   */
  prepareForms?: boolean
  /** Where the log goes (stdout when absent): tests read what the app wrote. */
  logDestination?: DestinationStream
}

/** The composition root: every edge is built here from config, and tests swap only the edges. */
export function buildServices(config: Config, overrides: ServiceOverrides = {}) {
  if (!config.databaseUrl)
    throw new Error('buildServices needs config.databaseUrl (start the database first)')
  const logger = createLogger(config.logLevel, overrides.logDestination)
  const db: Db = createDb(config.databaseUrl, 10, {
    warn: (m) => logger.warn({ knex: m }, 'database'),
    error: (m) => logger.error({ knex: m }, 'database'),
  })
  // connect-pg-simple wants a pg Pool of its own; sessions are read on every request.
  const sessionPool = new Pool({
    connectionString: config.databaseUrl,
    max: 10,
    application_name: 'jszg-session',
  })
  sessionPool.on('error', () => undefined)
  const clock = overrides.clock ?? systemClock(config.fakeNow)
  const metrics = createMetrics()
  // Printed forms: one Chromium, launched on the first print, a pool of PDF_PAGES pages.
  const pdf = createPdfService({
    pages: config.pdfPages,
    publicUrl: config.publicUrl,
    clock,
    logger,
    metrics,
  })
  metrics.watch({ db, sessionPool, pdf })
  // 申请表 rendered once and kept while nothing they print changes (printed_forms)
  const storedForms = createStoredForms(
    { db, clock, metrics, pdf },
    { prepare: overrides.prepareForms ?? true },
  )
  const transport: Transport = overrides.transport ?? {
    email: config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : undefined,
    sms: config.smsGatewayUrl ? httpSmsTransport(config.smsGatewayUrl, config.smsGatewayToken) : undefined,
  }
  return {
    config,
    db,
    sessionPool,
    clock,
    // the registration season and the like: read once a minute (services/perMinute.ts)
    perMinute: createPerMinute(clock),
    logger,
    captcha: overrides.captcha ?? svgCaptchaService(config.captchaDisabled),
    passwords: argon2Passwords(config.argon2),
    totp: createTotp(config.totpKey, clock, '教师资格网上申报系统'),
    outbox: createOutbox(db, clock),
    transport,
    audit: createAudit(clock),
    bureau: { ...createBureauReader(clock), ...overrides.bureau } satisfies BureauReader,
    verifyFinders: overrides.verifyFinders ?? BUSINESS_FINDERS,
    verifier:
      overrides.verifier ??
      (config.identityProviderUrl
        ? httpVerifier(config.identityProviderUrl, config.identityProviderToken)
        : registryVerifier(db)),
    rateLimits: postgresRateLimits(sessionPool, config.rateLimits, metrics),
    pdf,
    storedForms,
    metrics,
    // pg-boss; started by server.ts (startRegistryWorker), not by tests unless they ask.
    jobs: createJobs(config.databaseUrl, logger),
    registryImports: { inlineMaxBytes: overrides.registryImportInlineMaxBytes ?? 256 * 1024 },
    queueExports: { inlineMaxRows: overrides.queueExportInlineMaxRows ?? 2000 },
  }
}

export type Services = ReturnType<typeof buildServices>

export async function closeServices(services: Services): Promise<void> {
  await services.jobs.stop()
  await Promise.allSettled([services.db.destroy(), services.sessionPool.end(), services.pdf.close()])
}
