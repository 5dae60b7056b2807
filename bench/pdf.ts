// PDF part of `npm run bench` (alone: BENCH_ONLY=pdf; the 教师资格认定申请表 with BENCH_ONLY=certification):
// warm renders of a printed form (by default the 定期注册申请表) through services.pdf.render (Nunjucks + QR + setContent + page.pdf on the pooled, intercepted page) against
// a bare `setContent` + `page.pdf()` of the same HTML on a bare puppeteer page of its own browser
// (fonts inlined as data: URLs there, since that page has no interception to serve them). Both sides
// print one form at a time, in interleaved rounds; the pool's throughput at PDF_PAGES at once is
// printed beside them. Settings (env): BENCH_PDF_SECONDS (10), BENCH_PDF_ROUNDS (4).
import { launchChromium } from '../src/services/browser'
import type { Services } from '../src/services'
import { PDF_ORIGIN } from '../src/services/pdf'
import { loadEmbeddedFont } from '../src/services/pdfFonts'
import { FORM_TEMPLATE } from '../src/modules/certification/form'
import { fakeCertificationForm, fakeRegistrationForm } from '../test/fixtures/pdfForms'
import { interleave, merge, runOps, type LoadResult } from './load'

const SECONDS = Number(process.env.BENCH_PDF_SECONDS ?? 10)
const ROUNDS = Number(process.env.BENCH_PDF_ROUNDS ?? 4)

/** A printed form to measure: its name in the ratio lines, its template and its data. */
export interface PdfForm {
  name: string
  label: string
  template: string
  data: () => Promise<object>
}

export const REGISTRATION_PDF: PdfForm = {
  name: 'pdf',
  label: '定期注册申请表 (2 pages, 一式两份)',
  template: 'registration-form',
  data: () => fakeRegistrationForm(),
}

/** 教师资格认定申请表 as src/modules/certification/form.ts renders it, filled as the fixture fills it. */
export const CERTIFICATION_PDF: PdfForm = {
  name: 'certification-pdf',
  label: '教师资格认定申请表 (photo, 个人承诺书 crop, 4 CV rows)',
  template: FORM_TEMPLATE,
  data: () => fakeCertificationForm(),
}

export interface PdfBench {
  name: string
  ours: LoadResult
  bare: LoadResult
  pool: LoadResult
  pages: number
}

const line = (name: string, r: LoadResult) =>
  `  ${name.padEnd(40)} ${r.perSecond.toFixed(2).padStart(7)} PDFs/s   p50 ${r.p50.toFixed(0).padStart(5)} ms   p99 ${r.p99.toFixed(0).padStart(5)} ms   (${r.requests} in ${r.seconds.toFixed(1)} s${r.errors ? `, ${r.errors} errors` : ''})`

export async function benchPdf(
  services: Services,
  log: (line?: string) => void,
  of: PdfForm = REGISTRATION_PDF,
): Promise<PdfBench> {
  const form = await of.data()
  const render = () => services.pdf.render(of.template, form)

  // The bare side: the HTML our render prints, fonts inlined, set once on a plain page.
  const font = loadEmbeddedFont(PDF_ORIGIN)
  const html = (await services.pdf.html(of.template, [form])).replace(
    new RegExp(`${PDF_ORIGIN.replace(/\./g, '\\.')}/fonts/([^)]+)`, 'g'),
    (_m, file: string) => `data:font/woff2;base64,${font.files.get(file)!.toString('base64')}`,
  )
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    // the same work a print needs once the HTML is written: load it into the page, then print it
    const bare = async () => {
      await page.setContent(html, { waitUntil: 'load' })
      return page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, waitForFonts: true })
    }

    log(`PDF: ${of.label}, ${SECONDS} s per side in ${ROUNDS} interleaved rounds`)
    // warm-up: the browser launch, the font slices, the compiled template
    for (let i = 0; i < 3; i++) {
      await render()
      await bare()
    }
    const once = (op: () => Promise<unknown>) => () =>
      runOps({ op, concurrency: 1, seconds: SECONDS / ROUNDS })
    const [ours, bares] = await interleave(ROUNDS, once(render), once(bare), merge)
    const pages = services.config.pdfPages
    const pool = await runOps({ op: render, concurrency: pages, seconds: SECONDS / 2 })
    const result = { name: of.name, ours, bare: bares, pool, pages }
    log(line('services.pdf.render (one at a time)', result.ours))
    log(line('bare setContent + page.pdf() of the HTML', result.bare))
    log(line(`services.pdf.render (${pages} at once)`, result.pool))
    return result
  } finally {
    await browser.close()
  }
}

export function pdfRatioLines(r: PdfBench): string[] {
  return [
    `ratio ${r.name}: ${(r.ours.perSecond / r.bare.perSecond).toFixed(2)} (goal 0.90)`,
    `${r.name} p50: ${r.ours.p50.toFixed(0)} ms (goal < 300 ms warm)`,
  ]
}
