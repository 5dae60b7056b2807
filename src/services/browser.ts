import fs from 'node:fs'
import puppeteer, { type Browser } from 'puppeteer'

// The system Chromium, never a downloaded one (.puppeteerrc.cjs skips the download). Browser tests
// use it now; the PDF service will use it to print documents.
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/** The first usable Chromium: PUPPETEER_EXECUTABLE_PATH, then the usual Debian/Ubuntu paths. */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
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

export class ChromiumNotFound extends Error {
  constructor() {
    super(
      `no Chromium found (tried PUPPETEER_EXECUTABLE_PATH, ${CANDIDATES.join(', ')}); ` +
        'install it with `apt-get install chromium fonts-noto-cjk` or set PUPPETEER_EXECUTABLE_PATH',
    )
  }
}

/** Launches the system Chromium headless; the caller closes it. */
export async function launchChromium(
  opts: { executablePath?: string; args?: string[]; env?: Record<string, string | undefined> } = {},
): Promise<Browser> {
  const executablePath = opts.executablePath ?? findChromium(opts.env)
  if (!executablePath) throw new ChromiumNotFound()
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
  })
}
