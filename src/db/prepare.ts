import type { Config } from '../config'
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded'
import { createDb, migrateLatest, runSeeds } from './knex'

/**
 * With DATABASE_URL, use that server; without it, start the embedded PostgreSQL under DATA_DIR.
 * Then migrate and seed (the demo seed refuses itself in production).
 */
export async function prepareDatabase(
  config: Config,
  opts: { seedDemo: boolean; log: (line: string) => void },
): Promise<{ config: Config; embedded?: EmbeddedDatabase }> {
  let embedded: EmbeddedDatabase | undefined
  let url = config.databaseUrl
  if (!url) {
    opts.log(`starting embedded PostgreSQL in ${config.dataDir}/pg ...`)
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      database: 'jszg',
      persistent: true,
      notice: opts.log,
    })
    url = embedded.url
  }
  const db = createDb(url, 2)
  try {
    await migrateLatest(db)
    await runSeeds(db, { demo: opts.seedDemo && config.env !== 'production' })
  } finally {
    await db.destroy()
  }
  return { config: { ...config, databaseUrl: url }, embedded }
}
