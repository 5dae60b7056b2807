import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const RUN = path.join(__dirname, '../fixtures/embedded/run.ts')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // a zombie (exited, not yet reaped) is gone for our purposes
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
}

function runFixture(mode: 'hold' | 'once', dataDir: string) {
  return spawn(process.execPath, ['--import', 'tsx', RUN, mode, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Starts the app's embedded server on `dataDir` in a process that is then killed with SIGKILL. */
async function crashHolder(dataDir: string): Promise<void> {
  const child = runFixture('hold', dataDir)
  let err = ''
  child.stderr.on('data', (c) => (err += c))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c) => String(c).includes('ready') && resolve())
    child.on('exit', (code) => reject(new Error(`holder exited (${code}): ${err}`)))
  })
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
}

/** Starts the embedded server on `dataDir` once more: what it said, and the rows it found. */
async function restart(dataDir: string): Promise<{ notices: string[]; rows: { note: string }[] }> {
  const child = runFixture('once', dataDir)
  let out = ''
  let err = ''
  child.stdout.on('data', (c) => (out += c))
  child.stderr.on('data', (c) => (err += c))
  const code = await new Promise((r) => child.once('exit', r))
  if (code !== 0) throw new Error(`restart failed (${code}): ${err}`)
  return JSON.parse(out)
}

// After `kill -9` of the app its embedded PostgreSQL lives on, orphaned, holding the data directory.
describe('embedded PostgreSQL after a crash of the app', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-crash-'))
    dirs.push(dir)
    return dir
  }

  it('stops the orphaned server cleanly, says so in Chinese, and starts on the same data', async () => {
    const dir = dataDir()
    await crashHolder(dir)
    const pidFile = path.join(dir, 'pg', 'postmaster.pid')
    const orphan = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])
    expect(alive(orphan)).toBe(true)

    const { notices, rows } = await restart(dir)

    expect(alive(orphan)).toBe(false)
    expect(notices.join('\n')).toContain(`发现上次未正常关闭的内嵌 PostgreSQL（进程 ${orphan}）`)
    expect(rows).toEqual([{ note: 'written before the crash' }])
  })

  it('removes the pid file of a server that died with the machine, and says so', async () => {
    const dir = dataDir()
    await crashHolder(dir)
    const pidFile = path.join(dir, 'pg', 'postmaster.pid')
    const orphan = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])
    // Stopped cleanly, then the pid file put back naming a process that no longer runs: what a
    // power cut leaves.
    const lines = fs.readFileSync(pidFile, 'utf8')
    process.kill(orphan, 'SIGINT')
    while (fs.existsSync(pidFile)) await new Promise((r) => setTimeout(r, 50))
    const gone = spawn('true')
    await new Promise((r) => gone.once('exit', r))
    fs.writeFileSync(pidFile, lines.replace(/^\d+/, String(gone.pid)))

    const { notices, rows } = await restart(dir)

    expect(notices.join('\n')).toContain(`进程 ${gone.pid} 已不在运行`)
    expect(rows).toEqual([{ note: 'written before the crash' }])
  })
})
