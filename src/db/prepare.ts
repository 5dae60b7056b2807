import crypto from 'node:crypto'
import type { Config } from '../config'
import { installJobs } from '../services/jobs'
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded'
import { createDb, migrateLatest, runSeeds } from './knex'
import { MESSAGES } from './messages'
import {
  auditLogUnprotected,
  currentRole,
  EMBEDDED_DATABASE,
  EMBEDDED_ROLES,
  ensureDatabase,
  ensureLoginRole,
  grantRuntimeRights,
  withLogin,
} from './roles'

/**
 * With DATABASE_URL, use that server (migrating as DATABASE_OWNER_URL where given); without it,
 * start the embedded PostgreSQL under DATA_DIR with its owner and app roles. Then migrate and seed
 * as the owner (the demo seed refuses itself in production) and grant the app's role its rights.
 */
export async function prepareDatabase(
  config: Config,
  opts: { seedDemo: boolean; log: (line: string) => void },
): Promise<{ config: Config; embedded?: EmbeddedDatabase; notes: string[] }> {
  let embedded: EmbeddedDatabase | undefined
  let { databaseUrl: appUrl, databaseOwnerUrl: ownerUrl } = config
  if (!appUrl) {
    if (ownerUrl) throw new Error('DATABASE_OWNER_URL is set without DATABASE_URL (the app role)')
    opts.log(`starting embedded PostgreSQL in ${config.dataDir}/pg ...`)
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      database: 'postgres',
      persistent: true,
      notice: opts.log,
    })
    ;({ appUrl, ownerUrl } = await embeddedRoles(embedded, EMBEDDED_DATABASE))
  }
  ownerUrl ??= appUrl
  const notes = await prepareSchema(ownerUrl, appUrl, {
    seeds: true,
    demo: opts.seedDemo && config.env !== 'production',
  })
  const app = createDb(appUrl, 1)
  try {
    if (await auditLogUnprotected(app)) opts.log(MESSAGES.auditUnprotected(await currentRole(app)))
  } finally {
    await app.destroy()
  }
  return { config: { ...config, databaseUrl: appUrl, databaseOwnerUrl: ownerUrl }, embedded, notes }
}

/**
 * As the superuser of the embedded server: its two roles, with new passwords at every start (the
 * app is told them here and nowhere else), and `database` owned by the owner.
 */
export async function embeddedRoles(
  embedded: EmbeddedDatabase,
  database: string,
): Promise<{ appUrl: string; ownerUrl: string }> {
  const admin = createDb(embedded.url, 1)
  const urls = { appUrl: '', ownerUrl: '' }
  try {
    for (const [key, role] of [
      ['ownerUrl', EMBEDDED_ROLES.owner],
      ['appUrl', EMBEDDED_ROLES.app],
    ] as const) {
      const password = crypto.randomBytes(18).toString('base64url')
      await ensureLoginRole(admin, role, password)
      urls[key] = withLogin(embedded.url, { user: role, password, database })
    }
    await ensureDatabase(
      admin,
      () => createDb(withLogin(embedded.url, { database }), 1),
      database,
      EMBEDDED_ROLES.owner,
    )
  } finally {
    await admin.destroy()
  }
  return urls
}

/**
 * As the owner: migrations, seeds (unless `seeds` is false), pg-boss's schema and queues, and the
 * app role's rights (none to grant when the app runs as the owner itself). Returns the seeds'
 * start-up notes.
 */
export async function prepareSchema(
  ownerUrl: string,
  appUrl: string,
  opts: { seeds: boolean; demo: boolean },
): Promise<string[]> {
  const owner = createDb(ownerUrl, 2)
  const app = createDb(appUrl, 1)
  try {
    await migrateLatest(owner)
    const notes = opts.seeds ? await runSeeds(owner, { demo: opts.demo }) : []
    await installJobs(ownerUrl)
    const [ownerRole, appRole] = [await currentRole(owner), await currentRole(app)]
    if (appRole !== ownerRole) await grantRuntimeRights(owner, appRole)
    return notes
  } finally {
    await Promise.all([owner.destroy(), app.destroy()])
  }
}
