import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import puppeteer, { type Browser } from 'puppeteer'

// The Chromium that prints PDFs (and drives the browser tests): the machine's own when it has one,
// else the one @sparticuz/chromium ships inside its npm tarball, so `npm ci && npm start` prints on a
// machine where nobody installed a browser. Never one that puppeteer downloads (.puppeteerrc.cjs).
//
// PDF_BROWSER picks: auto (default: the system one when found, else the packaged one), system, or
// packaged (CI runs the PDF tests once so, to prove the fallback). PUPPETEER_EXECUTABLE_PATH names
// a system browser outside the usual paths.
//
// Debian's chromium-headless-shell comes first: the same Chromium without the desktop browser around
// it (what puppeteer calls headless: 'shell', and what the packaged one is). It renders the same
// pages and PDFs for half the work: the every-page sweep's 1330 page loads took 102 s of navigation
// in /usr/bin/chromium and 53 s in the shell (test/browser/every-page.test.ts, one lane, 2026-12-07).
// The binary itself, not /usr/bin/chromium-headless-shell: that wrapper script does not exec, so
// the process puppeteer holds would be the shell script's, and a browser that dies would not be seen.
const CANDIDATES = [
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
]
const MODES = ['auto', 'system', 'packaged'] as const
export const PACKAGED_CHROMIUM = '@sparticuz/chromium'

type Env = Record<string, string | undefined>

/** The first usable system Chromium: PUPPETEER_EXECUTABLE_PATH, then the usual Debian/Ubuntu paths. */
export function findChromium(env: Env = process.env): string | undefined {
  const configured = env.PUPPETEER_EXECUTABLE_PATH
  for (const candidate of configured ? [configured, ...CANDIDATES] : CANDIDATES) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      return candidate
    } catch {
      // not here; try the next one
    }
  }
  return undefined
}

export const CHROMIUM_ARGS = [
  // Running as root (CI, containers) needs --no-sandbox; the pages we open are our own.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--font-render-hinting=none',
]

export type BrowserChoice =
  { source: 'system'; executablePath: string } | { source: 'packaged'; version: string; binDir: string }

export class ChromiumNotFound extends Error {
  constructor(mode: string) {
    super(
      mode === 'system'
        ? `PDF_BROWSER=system，但没有找到系统 Chromium（试过 PUPPETEER_EXECUTABLE_PATH、${CANDIDATES.join('、')}）：` +
            '请 apt-get install chromium，或去掉 PDF_BROWSER 以使用随 npm 包提供的 Chromium'
        : `没有找到 Chromium：系统中没有（试过 PUPPETEER_EXECUTABLE_PATH、${CANDIDATES.join('、')}），` +
            `npm 包 ${PACKAGED_CHROMIUM} 也未安装（请重新运行 npm ci）`,
    )
  }
}

/** Which browser PDF_BROWSER (and what is installed) gives; throws when there is none. */
export function chooseBrowser(env: Env = process.env): BrowserChoice {
  const mode = env.PDF_BROWSER || 'auto'
  if (!(MODES as readonly string[]).includes(mode))
    throw new Error(`PDF_BROWSER="${mode}" 无效，应为 ${MODES.join('、')} 之一`)
  if (mode !== 'packaged') {
    const system = findChromium(env)
    if (system) return { source: 'system', executablePath: system }
  }
  const packaged = mode === 'system' ? undefined : packagedChromium()
  if (!packaged) throw new ChromiumNotFound(mode)
  return { source: 'packaged', ...packaged }
}

/** One line for the start-up log. */
export function describeBrowser(choice: BrowserChoice): string {
  return choice.source === 'system'
    ? `PDF 打印用系统 Chromium：${choice.executablePath}`
    : `PDF 打印用随 npm 包 ${PACKAGED_CHROMIUM}@${choice.version} 提供的 Chromium（未找到系统 Chromium，或 PDF_BROWSER=packaged；首次打印前解压到 ${packagedDir(choice.version)}）`
}

function packagedChromium(): { version: string; binDir: string } | undefined {
  let main: string
  try {
    main = require.resolve(PACKAGED_CHROMIUM)
  } catch {
    return undefined
  }
  // build/cjs/index.cjs → the package's folder
  const root = path.resolve(path.dirname(main), '..', '..')
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string
  }
  return { version, binDir: path.join(root, 'bin') }
}

// Per version and per user: another user's folder in the shared temp directory is never run.
const packagedDir = (version: string) =>
  path.join(os.tmpdir(), `jszg-chromium-${version}-${os.userInfo().uid}`)

interface Unpacked {
  executablePath: string
  /** For the browser process only: the libraries and fonts that came with it. */
  env: Env
}

/**
 * The packaged Chromium, unpacked once into the temp directory (about 200 MB; it takes a few
 * seconds): the binary, the NSS/NSPR/expat libraries of its Amazon Linux build (so it needs nothing
 * but glibc from the machine) and a fontconfig with its Latin font. Chinese comes from the embedded
 * font of the PDF service, as with the system browser. Unpacked under a temporary name and renamed,
 * so concurrent starts (jest workers) never run a half-written binary.
 */
export async function unpackPackagedChromium(choice: { version: string; binDir: string }): Promise<Unpacked> {
  const dir = packagedDir(choice.version)
  const unpacked = (): Unpacked => ({
    executablePath: path.join(dir, 'chromium'),
    env: { LD_LIBRARY_PATH: path.join(dir, 'lib'), FONTCONFIG_FILE: path.join(dir, 'fonts.conf') },
  })
  if (isOurs(dir)) return unpacked()
  const temp = await fs.promises.mkdtemp(`${dir}.unpacking-`)
  try {
    const brotli = (file: string) =>
      zlib.brotliDecompressSync(fs.readFileSync(path.join(choice.binDir, file)))
    await fs.promises.writeFile(path.join(temp, 'chromium'), brotli('chromium.br'), { mode: 0o700 })
    untar(brotli('al2023.tar.br'), temp)
    untar(brotli('fonts.tar.br'), temp)
    await fs.promises.writeFile(
      path.join(temp, 'fonts.conf'),
      // the machine's fonts where it has any (Debian's fonts-noto-cjk has the CJK extension B
      // characters the embedded font lacks), and the package's own Latin font in any case
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>${path.join(dir, 'fonts')}</dir><cachedir>${path.join(dir, 'fonts-cache')}</cachedir></fontconfig>\n`,
    )
    try {
      await fs.promises.rename(temp, dir)
    } catch (err) {
      // another process finished first
      if (!isOurs(dir)) throw err
      await fs.promises.rm(temp, { recursive: true, force: true })
    }
  } catch (err) {
    await fs.promises.rm(temp, { recursive: true, force: true })
    throw err
  }
  return unpacked()
}

function isOurs(dir: string): boolean {
  try {
    const stat = fs.statSync(dir)
    const binary = fs.statSync(path.join(dir, 'chromium'))
    return stat.uid === os.userInfo().uid && (stat.mode & 0o022) === 0 && binary.uid === stat.uid
  } catch {
    return false
  }
}

/** Regular files and folders of a ustar archive, written under `into`. */
function untar(archive: Buffer, into: string): void {
  const field = (block: Buffer, from: number, length: number) =>
    block.toString('utf8', from, from + length).replace(/\0.*$/s, '')
  for (let at = 0; at + 512 <= archive.length;) {
    const header = archive.subarray(at, at + 512)
    const name = field(header, 0, 100)
    if (!name) break
    const prefix = field(header, 345, 155)
    const size = parseInt(field(header, 124, 12).trim() || '0', 8)
    const type = field(header, 156, 1) || '0'
    const target = path.resolve(into, prefix ? `${prefix}/${name}` : name)
    if (!target.startsWith(`${path.resolve(into)}${path.sep}`))
      throw new Error(`tar: ${name} leaves the folder`)
    if (type === '5') fs.mkdirSync(target, { recursive: true })
    else if (type === '0') {
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, archive.subarray(at + 512, at + 512 + size), { mode: 0o644 })
    }
    at += 512 + Math.ceil(size / 512) * 512
  }
}

/** Launches the chosen Chromium headless (unpacking the packaged one first if need be); the caller closes it. */
export async function launchChromium(
  opts: {
    executablePath?: string
    args?: string[]
    /** Where PDF_BROWSER and PUPPETEER_EXECUTABLE_PATH are read (default: process.env). */
    env?: Env
    /** Added to the browser process's environment (tests hide the machine's fonts with it). */
    browserEnv?: Env
  } = {},
): Promise<Browser> {
  let executablePath = opts.executablePath
  let browserEnv: Env = {}
  if (!executablePath) {
    const choice = chooseBrowser(opts.env)
    if (choice.source === 'system') executablePath = choice.executablePath
    else ({ executablePath, env: browserEnv } = await unpackPackagedChromium(choice))
  }
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
    env: { ...process.env, ...browserEnv, ...opts.browserEnv },
  })
}
