import path from 'node:path'
import { loadConfig, type Config } from '../config'
import { checkPassword } from '../domain/password'
import { createStaffAccount } from '../modules/staff/service'
import { staffIdByUsername } from '../modules/staffSecurity/repository'
import { resetSecondFactor } from '../modules/staffSecurity/service'
import { createAudit } from '../services/audit'
import { systemClock } from '../services/clock'
import { argon2Passwords } from '../services/passwords'
import { restoreBackup, writeBackup } from './backup'
import { runningEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded'
import { createDb, migrateRollbackAll, runSeeds, type Db } from './knex'
import { BACKUP_MESSAGES } from './messages'
import { embeddedRoles, prepareDatabase, prepareSchema } from './prepare'
import { currentRole, EMBEDDED_DATABASE, withLogin } from './roles'
import { escapeIdentifier } from 'pg'

// npm run migrate | npm run seed [-- --demo] | tsx src/db/cli.ts rollback
// ADMIN_PASSWORD=... npm run create-admin -- <username> <name>   (compiled: node dist/src/db/cli.js create-admin ...)
// npm run reset-totp -- <username>   (an administrator's second factor, when no other administrator can reset it)
// npm run backup [-- <file>] | npm run restore -- <file> [--into <database>] [--force]
async function main() {
  const [command, ...args] = process.argv.slice(2)
  const config = loadConfig()
  if (command === 'backup') return backup(config, args)
  if (command === 'restore') return restore(config, args)
  const { config: ready, embedded } = config.databaseUrl
    ? { config, embedded: undefined }
    : await prepareDatabase(config, { seedDemo: false, log: console.log })
  // as the owner: the app's own role may not change the schema (src/db/roles.ts)
  const ownerUrl = ready.databaseOwnerUrl ?? ready.databaseUrl!
  const db = createDb(ownerUrl, 2)
  try {
    if (command === 'migrate')
      await prepareSchema(ownerUrl, ready.databaseUrl!, { seeds: false, demo: false })
    else if (command === 'rollback') await migrateRollbackAll(db)
    else if (command === 'seed') await runSeeds(db, { demo: args.includes('--demo') })
    else if (command === 'create-admin') await createAdmin(db, config, args)
    else if (command === 'reset-totp') await resetTotp(db, args)
    else
      throw new Error(
        `unknown command ${command}; use migrate, rollback, seed, create-admin, reset-totp, backup or restore`,
      )
    console.log(`${command}: done`)
  } finally {
    await db.destroy()
    if (embedded) await embedded.stop()
  }
}

/** The first administrator of a new instance (the staff pages add the others). */
async function createAdmin(db: Db, config: ReturnType<typeof loadConfig>, args: string[]): Promise<void> {
  const [username, name] = args
  const password = process.env.ADMIN_PASSWORD ?? ''
  if (!username || !name) throw new Error('usage: create-admin <username> <name>, password in ADMIN_PASSWORD')
  const weak = checkPassword(password)
  if (weak) throw new Error(`ADMIN_PASSWORD: ${weak}`)
  const clock = systemClock()
  const outcome = await createStaffAccount(
    { db, clock, audit: createAudit(clock), passwords: argon2Passwords(config.argon2) },
    { kind: 'system', label: 'create-admin' },
    {
      username,
      name,
      phone: '',
      email: '',
      password,
      grants: [{ role: 'admin', scope_type: 'instance', scope_id: null }],
    },
  )
  if (!outcome.ok) throw new Error(`${username}: ${outcome.message}`)
}

/** The last administrator lost their phone: their second factor goes, and they enrol again at the next login. */
async function resetTotp(db: Db, args: string[]): Promise<void> {
  const [username] = args
  if (!username) throw new Error('usage: reset-totp <username>')
  const id = await staffIdByUsername(db, username)
  if (id === undefined) throw new Error(`${username}: no such staff account`)
  const done = await resetSecondFactor(
    { db, audit: createAudit(systemClock()) },
    { kind: 'system', label: 'reset-totp' },
    id,
  )
  if (!done) throw new Error(`${username}: no second factor to reset`)
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const seconds = (ms: number) => (ms / 1000).toFixed(1)

/**
 * As the owner of the configured database; for the embedded one as its superuser, through the
 * socket of the server the running app started (found by its postmaster.pid), or else a server
 * this command starts and stops.
 */
async function backup(config: Config, args: string[]): Promise<void> {
  if (args.length > 1 || args[0]?.startsWith('-')) throw new Error(BACKUP_MESSAGES.usage)
  const clock = systemClock()
  const file = args[0] ?? path.join('backups', `jszg-${stamp(clock.now())}.dump`)
  let embedded: EmbeddedDatabase | undefined
  let url = config.databaseOwnerUrl ?? config.databaseUrl
  if (!url) {
    url = runningEmbeddedPostgres(config.dataDir, EMBEDDED_DATABASE)?.adminUrl
    if (!url) {
      embedded = await startEmbedded(config)
      url = withLogin(embedded.url, { database: EMBEDDED_DATABASE })
    }
  }
  try {
    const s = await writeBackup(url, file, clock)
    console.log(BACKUP_MESSAGES.backupDone(s.file, megabytes(s.bytes), seconds(s.ms), s.tables, s.rows))
  } finally {
    await embedded?.stop()
  }
}

/**
 * Into the configured database, or `--into` another one on the same server (created when the
 * owner may create databases); for the embedded server, with the app stopped, into its database or
 * `--into` another of its databases.
 */
async function restore(config: Config, args: string[]): Promise<void> {
  const into = args.includes('--into') ? args[args.indexOf('--into') + 1] : undefined
  const force = args.includes('--force')
  const [file, ...rest] = args.filter((a, i) => a !== '--force' && a !== '--into' && args[i - 1] !== '--into')
  if (!file || rest.length || (args.includes('--into') && !into)) throw new Error(BACKUP_MESSAGES.usage)
  let embedded: EmbeddedDatabase | undefined
  try {
    let ownerUrl: string
    let appUrl: string
    if (config.databaseUrl) {
      ownerUrl = config.databaseOwnerUrl ?? config.databaseUrl
      appUrl = config.databaseUrl
      if (into) {
        await createDatabaseIfMissing(ownerUrl, into)
        ownerUrl = withLogin(ownerUrl, { database: into })
        appUrl = withLogin(appUrl, { database: into })
      }
    } else {
      if (runningEmbeddedPostgres(config.dataDir, EMBEDDED_DATABASE))
        throw new Error(BACKUP_MESSAGES.appRunning(path.resolve(config.dataDir, 'pg')))
      embedded = await startEmbedded(config)
      ;({ ownerUrl, appUrl } = await embeddedRoles(embedded, into ?? EMBEDDED_DATABASE))
    }
    const s = await restoreBackup(file, { ownerUrl, appUrl, force })
    console.log(BACKUP_MESSAGES.restoreDone(s.database, megabytes(s.bytes), seconds(s.ms), s.tables, s.rows))
  } finally {
    await embedded?.stop()
  }
}

const startEmbedded = (config: Config) =>
  startEmbeddedPostgres({
    dataDir: config.dataDir,
    database: 'postgres',
    persistent: true,
    notice: console.log,
  })

async function createDatabaseIfMissing(ownerUrl: string, database: string): Promise<void> {
  const owner = createDb(ownerUrl, 1)
  try {
    if (await owner('pg_database').where({ datname: database }).first('datname')) return
    const role = await currentRole(owner)
    try {
      await owner.raw(`CREATE DATABASE ${escapeIdentifier(database)} OWNER ${escapeIdentifier(role)}`)
    } catch (err) {
      throw new Error(
        BACKUP_MESSAGES.cannotCreate(database, role, err instanceof Error ? err.message : String(err)),
      )
    }
  } finally {
    await owner.destroy()
  }
}

/** YYYYMMDD-HHMMSS in the machine's time. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
