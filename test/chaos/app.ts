import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { request } from '../../bench/http'

// The app under test as `npm start` runs it, but in a child process of its own on a database the
// harness owns: a SIGKILL of the app then takes nothing else with it. Node runs src/server.ts with
// tsx as a loader (not the tsx command, which would put a second process between us and the app
// and leave the app running when only the first is killed).

const ROOT = path.resolve(__dirname, '../..')

/**
 * Every process under `pid` (Linux /proc): the app's Chromium and its helpers. Puppeteer starts the
 * browser in a process group of its own, so a SIGKILL of the app alone would leave it running.
 */
function descendants(pid: number): number[] {
  let children: number[] = []
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`))
      children = children.concat(
        fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
      )
  } catch {
    return []
  }
  return children.flatMap((c) => [c, ...descendants(c)])
}

/** SIGKILL for the app and everything it started, as a pulled plug takes them all. */
function killAll(child: ChildProcess): void {
  const under = child.pid ? descendants(child.pid) : []
  child.kill('SIGKILL')
  for (const pid of under)
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
}

export interface AppProcess {
  port: number
  /** Starts the app and waits until /readyz answers 200; throws with the log's tail otherwise. */
  start(): Promise<void>
  /** /readyz answers 200 (the app and its database are up). */
  ready(): Promise<boolean>
  /** SIGKILL, as a pulled plug would, to the app and its Chromium: no shutdown handler runs. */
  kill(): Promise<void>
  /** SIGTERM, as a deploy's restart: in-flight requests finish, then the process exits. */
  stop(): Promise<void>
  /** The running process's id (for its memory), undefined when none runs. */
  pid(): number | undefined
  /** The end of the app's output (for a failure's message). */
  tail(lines?: number): string
}

export function appProcess(opts: {
  port: number
  databaseUrl: string
  databaseOwnerUrl: string
  logFile: string
  /** Settings of this run over the harness's (npm run bench:opening-day: NODE_ENV=test). */
  env?: Record<string, string>
}): AppProcess {
  let child: ChildProcess | undefined
  // Never outlive the harness, however it ends.
  process.on('exit', () => child && killAll(child))
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(opts.port),
    PUBLIC_URL: `http://127.0.0.1:${opts.port}`,
    DATABASE_URL: opts.databaseUrl,
    DATABASE_OWNER_URL: opts.databaseOwnerUrl,
    SEED_DEMO: '0',
    CAPTCHA_DISABLED: '1',
    // every client signs in from 127.0.0.1
    RATE_LOGIN_PER_IP_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
    ...opts.env,
  }
  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
    })
  const tail = (lines = 30) => {
    try {
      const all = fs.readFileSync(opts.logFile, 'utf8').split('\n')
      return all
        .slice(-lines)
        .map((l) => l.slice(0, 300))
        .join('\n')
    } catch {
      return ''
    }
  }
  const ready = async () =>
    (await request(opts.port, 'GET', '/readyz', {}, undefined, 1000).catch(() => undefined))?.status === 200
  return {
    port: opts.port,
    tail,
    ready,
    async start() {
      const out = fs.openSync(opts.logFile, 'a')
      child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', out, out],
      })
      fs.closeSync(out)
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${tail()}`)
        if (await ready()) return
        await new Promise((r) => setTimeout(r, 200))
      }
      throw new Error(`the app did not become ready in 60 s:\n${tail()}`)
    },
    async kill() {
      if (child && child.exitCode === null && child.signalCode === null) killAll(child)
      await exited()
    },
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited()
    },
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
  }
}
