import crypto from 'node:crypto'
import { createDb, type Db } from '../../src/db/knex'

function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** A fresh database for one test file, cloned from the migrated template the global setup built. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.JSZG_TEST_ADMIN_URL
  const template = process.env.JSZG_TEST_TEMPLATE
  if (!adminUrl || !template)
    throw new Error('test database not prepared: run the tests with jest (global setup)')
  const name = `jszgt_${process.env.JSZG_TEST_RUN}_${crypto.randomBytes(5).toString('hex')}`
  const admin = createDb(adminUrl, 1)
  try {
    // Cloning needs the template to be idle; parallel files may clone at the same moment.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.raw(`CREATE DATABASE "${name}" TEMPLATE "${template}"`)
        break
      } catch (err) {
        if (attempt > 20 || !/being accessed by other users/.test(String(err))) throw err
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200))
      }
    }
  } finally {
    await admin.destroy()
  }
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const a = createDb(adminUrl, 1)
      await a.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await a.destroy()
    },
  }
}

export type { Db }
