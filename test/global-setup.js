// Starts the test database once for the whole run: the embedded PostgreSQL on a free port, or the
// server in DATABASE_URL. Builds a template database (migrated + reference seed); each test file
// then clones it (CREATE DATABASE ... TEMPLATE), so files run in parallel on their own data.
const os = require('node:os')
const path = require('node:path')
const fs = require('node:fs')
const { register } = require('tsx/cjs/api')

module.exports = async function globalSetup() {
  const unregister = register()
  const { startEmbeddedPostgres } = require('../src/db/embedded.ts')
  const { createDb, migrateLatest, runSeeds } = require('../src/db/knex.ts')
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
  await admin.raw(`CREATE DATABASE "${template}"`)
  await admin.destroy()
  const tmplDb = createDb(withDatabase(adminUrl, template), 2)
  await migrateLatest(tmplDb)
  await runSeeds(tmplDb, { demo: false })
  await tmplDb.destroy()
  unregister()
  process.env.JSZG_TEST_ADMIN_URL = adminUrl
  process.env.JSZG_TEST_TEMPLATE = template
  process.env.JSZG_TEST_RUN = runId
  globalThis.__JSZG_TEST__ = { adminUrl, runId }
}

function withDatabase(url, name) {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}
module.exports.withDatabase = withDatabase
