// The child process behind ownPostgres() (postgresProcess.ts): an embedded PostgreSQL of one test
// file's own, stopped and started on command. One command a line on stdin (stop, start), one reply
// a line on stdout; stdin closing stops the server and removes its cluster.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')
const { register } = require('tsx/cjs/api')

register()
const { startEmbeddedPostgres } = require('../../src/db/embedded.ts')

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-own-pg-'))
  // Persistent, so that stop() keeps the cluster for start(); the directory goes when stdin closes.
  const pg = await startEmbeddedPostgres({ dataDir, database: 'own', persistent: true })
  const commands = { stop: () => pg.stop(), start: () => pg.start() }
  let queue = Promise.resolve()
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const command = line.trim()
    queue = queue.then(async () => {
      await commands[command]()
      process.stdout.write(`${command} done\n`)
    })
  })
  process.stdin.on('end', () =>
    queue.then(async () => {
      await pg.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
      process.exit(0)
    }),
  )
  process.stdout.write(`${pg.url}\n`)
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`)
  process.exit(1)
})
