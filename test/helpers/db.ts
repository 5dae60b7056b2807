import crypto from 'node:crypto'
import { createDb, type Db } from '../../src/db/knex'
import { withLogin } from '../../src/db/roles'

/**
 * The two roles of every test database (password = name): the owner, who migrated it, and the
 * app's role, as which the app under test connects (src/db/roles.ts).
 */
export const TEST_ROLES = { owner: 'jszg_test_owner', app: 'jszg_test_app' } as const

/** The server in `adminUrl`, logged in as one of the test roles, on `database`. */
export function testLogin(adminUrl: string, role: keyof typeof TEST_ROLES, database: string): string {
  return withLogin(adminUrl, { user: TEST_ROLES[role], password: TEST_ROLES[role], database })
}

/**
 * A fresh database for one test file, cloned from the migrated template the global setup built:
 * `url` is the app's role (what the app under test uses), `ownerUrl` the owner's (for arranging
 * what the app may not do itself, such as creating tables).
 */
export async function createTestDatabase(): Promise<{
  url: string
  ownerUrl: string
  drop(): Promise<void>
}> {
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
        await admin.raw(`CREATE DATABASE "${name}" TEMPLATE "${template}" OWNER ${TEST_ROLES.owner}`)
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
    url: testLogin(adminUrl, 'app', name),
    ownerUrl: testLogin(adminUrl, 'owner', name),
    async drop() {
      const a = createDb(adminUrl, 1)
      await a.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await a.destroy()
    },
  }
}

export type { Db }
