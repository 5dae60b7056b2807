// Starts the test database once for the whole run: the embedded PostgreSQL on a free port, or the
// server in DATABASE_URL (as a superuser). Builds a template database (migrated + reference seed)
// owned by the test owner role, with the app's rights granted to the test app role, as
// `npm start` does; each test file then clones it (CREATE DATABASE ... TEMPLATE), so files run in
// parallel on their own data, and the app under test connects as the app role.
const os = require('node:os')
const path = require('node:path')
const fs = require('node:fs')
const { register } = require('tsx/cjs/api')

module.exports = async function globalSetup() {
  const unregister = register()
  const { startEmbeddedPostgres } = require('../src/db/embedded.ts')
  const { createDb } = require('../src/db/knex.ts')
  const { prepareSchema } = require('../src/db/prepare.ts')
  const { ensureLoginRole } = require('../src/db/roles.ts')
  const { TEST_ROLES, testLogin } = require('./helpers/db.ts')
  const runId = `${process.pid}_${Date.now().toString(36)}`
  let adminUrl = process.env.DATABASE_URL
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-test-pg-'))
    const embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres', persistent: false })
    globalThis.__JSZG_EMBEDDED__ = { embedded, dataDir }
    adminUrl = embedded.adminUrl
  }
  const template = `jszgt_${runId}_tmpl`
  const admin = createDb(adminUrl, 1)
  try {
    // Roles belong to the whole server (CI's is shared between runs): created once, never dropped.
    for (const role of Object.values(TEST_ROLES)) await ensureLoginRole(admin, role, role)
    await admin.raw(`CREATE DATABASE "${template}" OWNER ${TEST_ROLES.owner}`)
  } finally {
    await admin.destroy()
  }
  await prepareSchema(testLogin(adminUrl, 'owner', template), testLogin(adminUrl, 'app', template), {
    seeds: true,
    demo: false,
  })
  unregister()
  process.env.JSZG_TEST_ADMIN_URL = adminUrl
  process.env.JSZG_TEST_TEMPLATE = template
  process.env.JSZG_TEST_RUN = runId
  globalThis.__JSZG_TEST__ = { adminUrl, runId }
}
