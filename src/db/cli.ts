import { loadConfig } from '../config'
import { checkPassword } from '../domain/password'
import { createStaffAccount } from '../modules/staff/service'
import { staffIdByUsername } from '../modules/staffSecurity/repository'
import { resetSecondFactor } from '../modules/staffSecurity/service'
import { createAudit } from '../services/audit'
import { systemClock } from '../services/clock'
import { argon2Passwords } from '../services/passwords'
import { createDb, migrateRollbackAll, runSeeds, type Db } from './knex'
import { prepareDatabase, prepareSchema } from './prepare'

// npm run migrate | npm run seed [-- --demo] | tsx src/db/cli.ts rollback
// ADMIN_PASSWORD=... npm run create-admin -- <username> <name>   (compiled: node dist/src/db/cli.js create-admin ...)
// npm run reset-totp -- <username>   (an administrator's second factor, when no other administrator can reset it)
async function main() {
  const [command, ...args] = process.argv.slice(2)
  const config = loadConfig()
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
      throw new Error(`unknown command ${command}; use migrate, rollback, seed, create-admin or reset-totp`)
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

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
