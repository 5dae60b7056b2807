import { Pool } from 'pg'
import type { Config } from '../config'
import { createDb, type Db } from '../db/knex'
import { createAudit } from './audit'
import { svgCaptchaService, type Captcha } from './captcha'
import { systemClock, type Clock } from './clock'
import { createLogger } from './logger'
import { createOutbox, httpSmsTransport, smtpTransport, type Transport } from './outbox'
import { argon2Passwords } from './passwords'
import { postgresRateLimits } from './rateLimits'
import { httpVerifier, registryVerifier, type Verifier } from './verifier'

export interface ServiceOverrides {
  clock?: Clock
  captcha?: Captcha
  verifier?: Verifier
  transport?: Transport
}

/** The composition root: every edge is built here from config, and tests swap only the edges. */
export function buildServices(config: Config, overrides: ServiceOverrides = {}) {
  if (!config.databaseUrl)
    throw new Error('buildServices needs config.databaseUrl (start the database first)')
  const db: Db = createDb(config.databaseUrl)
  // connect-pg-simple wants a pg Pool of its own; sessions are read on every request.
  const sessionPool = new Pool({
    connectionString: config.databaseUrl,
    max: 10,
    application_name: 'jszg-session',
  })
  sessionPool.on('error', () => undefined)
  const clock = overrides.clock ?? systemClock(config.fakeNow)
  const logger = createLogger(config.logLevel)
  const transport: Transport = overrides.transport ?? {
    email: config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : undefined,
    sms: config.smsGatewayUrl ? httpSmsTransport(config.smsGatewayUrl, config.smsGatewayToken) : undefined,
  }
  return {
    config,
    db,
    sessionPool,
    clock,
    logger,
    captcha: overrides.captcha ?? svgCaptchaService(config.captchaDisabled),
    passwords: argon2Passwords(config.argon2),
    outbox: createOutbox(db, clock),
    transport,
    audit: createAudit(clock),
    verifier:
      overrides.verifier ??
      (config.identityProviderUrl
        ? httpVerifier(config.identityProviderUrl, config.identityProviderToken)
        : registryVerifier(db)),
    rateLimits: postgresRateLimits(db, config.rateLimits),
  }
}

export type Services = ReturnType<typeof buildServices>

export async function closeServices(services: Services): Promise<void> {
  await Promise.allSettled([services.db.destroy(), services.sessionPool.end()])
}
