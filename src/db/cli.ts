import { loadConfig } from '../config'
import { createDb, migrateLatest, migrateRollbackAll, runSeeds } from './knex'
import { prepareDatabase } from './prepare'

// npm run migrate | npm run seed [-- --demo] | tsx src/db/cli.ts rollback
async function main() {
  const [command, ...args] = process.argv.slice(2)
  const config = loadConfig()
  const { config: ready, embedded } = config.databaseUrl
    ? { config, embedded: undefined }
    : await prepareDatabase(config, { seedDemo: false, log: console.log })
  const db = createDb(ready.databaseUrl!, 2)
  try {
    if (command === 'migrate') await migrateLatest(db)
    else if (command === 'rollback') await migrateRollbackAll(db)
    else if (command === 'seed') await runSeeds(db, { demo: args.includes('--demo') })
    else throw new Error(`unknown command ${command}; use migrate, rollback or seed`)
    console.log(`${command}: done`)
  } finally {
    await db.destroy()
    if (embedded) await embedded.stop()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
