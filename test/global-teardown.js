const { Client } = require('pg')
const fs = require('node:fs')

module.exports = async function globalTeardown() {
  const { adminUrl, runId } = globalThis.__JSZG_TEST__ ?? {}
  if (adminUrl) {
    const client = new Client({ connectionString: adminUrl })
    await client.connect()
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `jszgt_${runId}_%`,
    ])
    for (const r of rows) await client.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`)
    await client.end()
  }
  const emb = globalThis.__JSZG_EMBEDDED__
  if (emb) {
    await emb.embedded.stop()
    fs.rmSync(emb.dataDir, { recursive: true, force: true })
  }
}
