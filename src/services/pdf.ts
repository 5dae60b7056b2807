import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import nunjucks from 'nunjucks'
import type { Browser, HTTPRequest, Page } from 'puppeteer'
import type { Logger } from 'pino'
import { viewsDir } from '../paths'
import { addViewFilters } from '../web/views'
import { shanghaiDateTime } from '../domain/time'
import { launchChromium } from './browser'
import type { Clock } from './clock'
import { fontCssFor, loadEmbeddedFont, FONT_FAMILY, type EmbeddedFont } from './pdfFonts'
import { groupVerifyCode } from '../domain/verifyCode'
import { qrSvgDataUrl, verifyUrl } from './qr'
import type { Metrics } from './metrics'

// Printed forms (申请表, 个人承诺书): a Nunjucks template from views/pdf/ rendered to HTML, printed to
// an A4 PDF by one warm Chromium.
//
// - One browser, launched on first use, shared by a small pool of pages (PDF_PAGES); if it dies it
//   is launched again on the next render, and a render caught by the crash is retried once.
// - Every page intercepts every request. The form's HTML is set with page.setContent on a page that
//   sits on PDF_ORIGIN (a name under .invalid, which never resolves); the only answers are that blank
//   document and the embedded font files from memory. Images arrive inside the HTML as data: URLs.
//   Anything else (file://, http(s)://, another host) is aborted and counted.
// - The embedded CJK font (pdfFonts.ts) makes Chinese print the same on any machine.

export const PDF_ORIGIN = 'https://pdf.invalid'
const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]*$/
/** Image fields a form may carry: a Buffer (JPEG or PNG) or a data:image URL; anything else is dropped. */
const IMAGE_FIELDS = ['photo', 'commitment']
const RENDER_TIMEOUT_MS = 30_000

export interface PdfServiceOptions {
  /** Pages printing at once (PDF_PAGES). */
  pages: number
  /** The app's public address, for the QR code of /verify?code=<核验码>. */
  publicUrl: string
  clock: Clock
  logger?: Pick<Logger, 'warn' | 'info'>
  /** How to start the browser (tests pass one with another environment). */
  launch?: () => Promise<Browser>
  /** Template folders searched in order (default: views/). */
  viewDirs?: string[]
  /** Counts each print, rendered or failed. */
  metrics?: Pick<Metrics, 'pdf'>
}

export interface PdfStats {
  launches: number
  renders: number
  /** Requests refused by interception, and the last few of their URLs. */
  aborted: number
  abortedUrls: string[]
  pagesOpen: number
  /** Prints under way, prints waiting for a free page, and of those the background ones. */
  busy: number
  waiting: number
  waitingInBackground: number
}

/** A background job: its result, and a way to move it ahead once someone waits for it. */
export interface BackgroundJob<T> {
  result: Promise<T>
  /** Someone now waits for this job: it starts at once (its prints queue with theirs). */
  urgent(): void
}

export interface PdfService {
  /** One form (a template of views/pdf/) as an A4 PDF. */
  render(template: string, data: object): Promise<Buffer>
  /**
   * `job` in a lull: at once when a page is free and no print waits, else when a print ends and
   * none waits, one job per page freed (urgent() starts it at once). The job holds no page: what
   * it prints queues as any print. Forms prepared ahead (stored forms) so never make an applicant's
   * own print wait, and on a busy morning they are left until the queue empties rather than added
   * to it.
   */
  inBackground<T>(job: () => Promise<T>): BackgroundJob<T>
  /** Many forms of one template in one PDF, each starting on a new page (bulk printing). */
  renderMany(template: string, dataList: object[]): Promise<Buffer>
  /**
   * A digest of everything a render of this form prints but its 生成时间: the data (images by their
   * bytes), the template (every file of views/pdf), the font and the QR's address. Two prints with
   * one fingerprint print the same form (stored forms: modules/applications/storedForms.ts).
   */
  fingerprint(template: string, data: object): string
  /** The HTML a render prints (for tests and the benchmark). */
  html(template: string, dataList: object[]): Promise<string>
  /** Prints HTML as it is, under the same interception (for tests and the benchmark). */
  printHtml(html: string): Promise<Buffer>
  stats(): PdfStats
  /**
   * Launches the browser and opens the pool's pages now (server.ts, at start), so the first prints
   * of the day do not wait for them; a failure leaves it to the first print, as before.
   */
  warm(): Promise<void>
  /** The browser's process id, once launched (tests kill it to prove the restart). */
  browserPid(): number | undefined
  close(): Promise<void>
}

/** A JPEG or PNG (by its first bytes) as a data: URL; undefined for anything else. */
export function imageDataUrl(image: Buffer): string | undefined {
  if (image.length > 3 && image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff)
    return `data:image/jpeg;base64,${image.toString('base64')}`
  if (
    image.length > 8 &&
    image.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return `data:image/png;base64,${image.toString('base64')}`
  return undefined
}

const isImageDataUrl = (v: unknown): v is string =>
  typeof v === 'string' && /^data:image\/(jpeg|png);base64,[A-Za-z0-9+/=]+$/.test(v)

const FONT_CSS_MARK = '/* the embedded font */'
/** Part of every fingerprint: raise it when a change of this file changes what forms print. */
const PRINT_FORMAT = 1

/** `v` for a digest: JSON with every Buffer as the digest of its bytes, object keys sorted. */
function digestable(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return { sha256: crypto.createHash('sha256').update(v).digest('hex') }
  if (Array.isArray(v)) return v.map(digestable)
  if (v instanceof Date) return v.toISOString()
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, digestable((v as Record<string, unknown>)[k])]),
    )
  return v
}

/** The digest of the PDF templates' files (views/pdf of each folder), the font's rules and the QR's address. */
function printDigest(viewDirs: string[], font: EmbeddedFont, publicUrl: string): string {
  const h = crypto.createHash('sha256').update(`${PRINT_FORMAT}\0${publicUrl}\0${font.rules.join('')}`)
  for (const dir of viewDirs) {
    const pdfDir = path.join(dir, 'pdf')
    const files = fs.existsSync(pdfDir) ? fs.readdirSync(pdfDir).sort() : []
    for (const file of files) h.update(`\0${file}\0`).update(fs.readFileSync(path.join(pdfDir, file)))
  }
  return h.digest('hex')
}

interface Slot {
  page: Page
  browser: Browser
}

export function createPdfService(opts: PdfServiceOptions): PdfService {
  const size = Math.max(1, opts.pages)
  const font: EmbeddedFont = loadEmbeddedFont(PDF_ORIGIN)
  const viewDirs = opts.viewDirs ?? [viewsDir]
  const printed = printDigest(viewDirs, font, opts.publicUrl)
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(viewDirs), {
    autoescape: true,
  })
  addViewFilters(env)
  // Each form gets only the font rules its own text needs (fontCssFor), put in after rendering.
  env.addGlobal('fontCss', new nunjucks.runtime.SafeString(FONT_CSS_MARK))
  env.addGlobal('fontFamily', FONT_FAMILY)
  const launch = opts.launch ?? (() => launchChromium())

  let browserPromise: Promise<Browser> | undefined
  let current: Browser | undefined
  let closed = false
  const idle: Slot[] = []
  const open = new Set<Page>()
  let busy = 0
  /** waiting for a page: the prints someone waits for, first come first served; then the background jobs */
  const waiters: (() => void)[] = []
  const later: (() => void)[] = []
  const stats = { launches: 0, renders: 0, aborted: 0, abortedUrls: [] as string[] }

  function getBrowser(): Promise<Browser> {
    if (closed) return Promise.reject(new Error('the PDF service is closed'))
    if (!browserPromise) {
      const starting = launch().then(
        (browser) => {
          stats.launches++
          current = browser
          browser.once('disconnected', () => {
            if (current !== browser) return
            opts.logger?.warn('PDF browser disconnected; the next render starts a new one')
            forget(browser)
          })
          return browser
        },
        (err) => {
          browserPromise = undefined
          throw err
        },
      )
      browserPromise = starting
    }
    return browserPromise
  }

  function forget(browser: Browser): void {
    if (current !== browser) return
    current = undefined
    browserPromise = undefined
    for (let i = idle.length - 1; i >= 0; i--) if (idle[i].browser === browser) idle.splice(i, 1)
    for (const page of [...open]) if (page.browser() === browser) open.delete(page)
  }

  function onRequest(request: HTTPRequest): void {
    const url = request.url()
    if (url === `${PDF_ORIGIN}/`)
      return void request.respond({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html>',
      })
    if (url.startsWith(`${PDF_ORIGIN}/fonts/`)) {
      const file = font.files.get(url.slice(PDF_ORIGIN.length + 7))
      if (file)
        return void request.respond({
          status: 200,
          contentType: 'font/woff2',
          headers: { 'cache-control': 'max-age=31536000, immutable' },
          body: file,
        })
    }
    if (url === `${PDF_ORIGIN}/favicon.ico`) return void request.respond({ status: 404, body: '' })
    if (url.startsWith('data:')) return void request.continue()
    stats.aborted++
    stats.abortedUrls.push(url.slice(0, 200))
    if (stats.abortedUrls.length > 20) stats.abortedUrls.shift()
    void request.abort('blockedbyclient')
  }

  async function openPage(browser: Browser): Promise<Page> {
    const page = await browser.newPage()
    open.add(page)
    try {
      // The forms have no scripts, and none may run.
      await page.setJavaScriptEnabled(false)
      await page.setRequestInterception(true)
      // Interception turns the cache off; the font slices are worth keeping between forms.
      await page.setCacheEnabled(true)
      page.on('request', onRequest)
      await page.goto(`${PDF_ORIGIN}/`, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS })
      return page
    } catch (err) {
      open.delete(page)
      await page.close().catch(() => undefined)
      throw err
    }
  }

  async function acquireTurn(): Promise<void> {
    if (busy < size) {
      busy++
      return
    }
    await new Promise<void>((resolve) => waiters.push(resolve))
  }

  /** A page is free and no print waits. */
  const inLull = () => busy < size && !waiters.length

  function releaseTurn(): void {
    const next = waiters.shift()
    if (next) return next()
    busy--
    // a lull: the next background job starts
    later.shift()?.()
  }

  function inBackground<T>(job: () => Promise<T>): BackgroundJob<T> {
    let start!: () => void
    const lull = new Promise<void>((resolve) => (start = resolve))
    if (inLull()) start()
    else later.push(start)
    return {
      // a job that printed nothing freed no page: the next one starts if the lull goes on
      result: lull.then(job).finally(() => {
        if (inLull()) later.shift()?.()
      }),
      urgent() {
        const at = later.indexOf(start)
        if (at < 0) return
        later.splice(at, 1)
        start()
      },
    }
  }

  async function withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
    await acquireTurn()
    try {
      for (let attempt = 1; ; attempt++) {
        const browser = await getBrowser()
        let slot: Slot | undefined
        try {
          slot = idle.pop() ?? { page: await openPage(browser), browser }
          const result = await work(slot.page)
          if (browser.connected && !slot.page.isClosed() && current === browser) idle.push(slot)
          else open.delete(slot.page)
          return result
        } catch (err) {
          if (slot) {
            open.delete(slot.page)
            await slot.page.close().catch(() => undefined)
          }
          const died = !browser.connected
          if (died) forget(browser)
          if (died && attempt < 2 && !closed) {
            opts.logger?.warn({ err }, 'PDF browser died during a render; retrying on a new one')
            continue
          }
          throw err
        }
      }
    } finally {
      releaseTurn()
    }
  }

  async function print(html: string): Promise<Buffer> {
    try {
      const pdf = await printOnPage(html)
      opts.metrics?.pdf('rendered')
      return pdf
    } catch (err) {
      opts.metrics?.pdf('failed')
      throw err
    }
  }

  async function printOnPage(html: string): Promise<Buffer> {
    return withPage(async (page) => {
      await page.setContent(html, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS })
      const pdf = await page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        waitForFonts: true,
        timeout: RENDER_TIMEOUT_MS,
      })
      stats.renders++
      return Buffer.from(pdf)
    })
  }

  async function prepare(data: object, now: string): Promise<Record<string, unknown>> {
    const form: Record<string, unknown> = { ...(data as Record<string, unknown>) }
    for (const field of IMAGE_FIELDS) {
      const v = form[field]
      form[field] = Buffer.isBuffer(v) ? imageDataUrl(v) : isImageDataUrl(v) ? v : undefined
    }
    if (typeof form.verifyCode === 'string' && form.verifyCode) {
      form.verifyUrl = verifyUrl(opts.publicUrl, form.verifyCode)
      form.verifyCodeText = groupVerifyCode(form.verifyCode)
      form.qr = await qrSvgDataUrl(form.verifyUrl as string)
    }
    if (!form.generatedAt) form.generatedAt = now
    return form
  }

  async function html(template: string, dataList: object[]): Promise<string> {
    if (!TEMPLATE_NAME.test(template)) throw new Error(`not a PDF template name: ${template}`)
    const now = shanghaiDateTime(opts.clock.now())
    const forms = await Promise.all(dataList.map((d) => prepare(d, now)))
    const rendered = env.render(path.posix.join('pdf', `${template}.njk`), { forms })
    return rendered.replace(FONT_CSS_MARK, () => fontCssFor(font, rendered))
  }

  return {
    render: async (template, data) => print(await html(template, [data])),
    inBackground,
    renderMany: async (template, dataList) => {
      if (!dataList.length) throw new Error('renderMany needs at least one form')
      return print(await html(template, dataList))
    },
    fingerprint: (template, data) =>
      crypto
        .createHash('sha256')
        .update(`${printed}\0${template}\0${JSON.stringify(digestable(data))}`)
        .digest('hex'),
    html,
    printHtml: print,
    stats: () => ({
      ...stats,
      abortedUrls: [...stats.abortedUrls],
      pagesOpen: open.size,
      busy,
      waiting: waiters.length + later.length,
      waitingInBackground: later.length,
    }),
    async warm() {
      const browser = await getBrowser()
      const pages = await Promise.all(
        Array.from({ length: Math.max(0, size - idle.length - busy) }, () => openPage(browser)),
      )
      for (const page of pages)
        if (current === browser && !closed) idle.push({ page, browser })
        else {
          open.delete(page)
          await page.close().catch(() => undefined)
        }
    },
    browserPid: () => current?.process()?.pid,
    async close() {
      closed = true
      const starting = browserPromise
      browserPromise = undefined
      current = undefined
      idle.length = 0
      open.clear()
      const browser = await starting?.catch(() => undefined)
      await browser?.close().catch(() => undefined)
    },
  }
}
