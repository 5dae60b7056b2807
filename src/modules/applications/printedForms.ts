import type { Request, Response } from 'express'
import type { Services } from '../../services'
import type { DocNumberViewer } from '../../domain/idNumber'
import { fileContent } from '../files/repository'
import type { StoredFormKey } from './printedFormRepository'
import type { StoredFormRequest } from './storedForms'

// Printed forms (申请表) of any business: the PDF of one or many applications, filled by the
// business (formData.ts), and sending it: the per-account 'pdf' rate limit first, then the
// render; a refusal or a render failure answers with a page (views/pages/forms/refused.njk), never a broken
// file. Inline to preview unless `download`.

const FORM_MESSAGES = {
  rateLimited: '生成申请表过于频繁，请稍后再试。',
  failed: '申请表暂时无法生成，请稍后再试。',
}

async function sendPdfForms(
  res: Response,
  services: Pick<Services, 'rateLimits' | 'logger'>,
  opts: {
    account: string
    filename: string
    download: boolean
    back: string
    render: () => Promise<Buffer>
  },
): Promise<void> {
  const refuse = (status: number, message: string) =>
    res
      .status(status)
      .render('pages/forms/refused.njk', { pageTitle: '申请表预览/下载', message, back: opts.back })
  const limited = await services.rateLimits.consume('pdf', opts.account)
  if (!limited.ok) {
    res.set('Retry-After', String(limited.retryAfterSeconds))
    return refuse(429, FORM_MESSAGES.rateLimited)
  }
  let pdf: Buffer
  try {
    pdf = await opts.render()
  } catch (err) {
    services.logger.error({ err, filename: opts.filename }, 'form PDF failed')
    return refuse(503, FORM_MESSAGES.failed)
  }
  res.set({ 'Content-Type': 'application/pdf', 'Cache-Control': 'private, no-store' })
  res.attachment(opts.filename)
  if (!opts.download)
    res.set('Content-Disposition', res.get('Content-Disposition')!.replace(/^attachment/, 'inline'))
  res.send(pdf)
}

/** How a printed form is sent (its file name, preview or download) and for whom. */
export interface FormsOptions {
  account: string
  filename: string
  download: boolean
  back: string
  /** who the form is printed for: its 证件号码 is shown by that (shownDocNumber) */
  viewer: DocNumberViewer
}

/** A business's form data of one application (formData.ts), its 证件号码 shown for `viewer`. */
export type FormDataOf<Row, Data extends object> = (
  req: Request,
  services: Services,
  row: Row,
  viewer: DocNumberViewer,
) => Promise<Data>

/** An application a form prints: its business's row. */
export interface PrintedRow {
  id: number
  applicant_id: number
}

export interface PrintedForm<Row extends PrintedRow> {
  /** the form's name, for its file names (…-<number>.pdf) */
  name: string
  /**
   * The PDF of one or many applications (one file; each form starts on a new page). One
   * application's form is its stored copy while nothing it prints has changed (storedForms.ts).
   */
  pdf(req: Request, services: Services, rows: Row[], viewer: DocNumberViewer): Promise<Buffer>
  /** Sends the PDF (sendPdfForms: the rate limit first, a page on refusal or failure). */
  send(req: Request, res: Response, services: Services, rows: Row[], opts: FormsOptions): Promise<void>
  /**
   * Renders and stores the applicant's form in the background once `after` (a submit's or a 修改's
   * transaction) has committed, so their print is ready when they ask: `load` reads the committed
   * row. A failure is only logged; the print renders then. Off in tests unless they ask
   * (ServiceOverrides.prepareForms), so a test that submits starts no browser.
   */
  prepare(
    req: Request,
    services: Services,
    load: () => Promise<Row | undefined>,
    after?: Promise<unknown>,
  ): void
}

/** A business's 申请表: the template in views/pdf and how one application fills it. */
export function printedForm<Row extends PrintedRow, Data extends object>(
  business: StoredFormKey['business'],
  template: string,
  name: string,
  dataOf: FormDataOf<Row, Data>,
): PrintedForm<Row> {
  /** One application's form as stored forms name it: by its row and the fingerprint of its data. */
  const stored = (services: Services, row: Row, data: Data): StoredFormRequest => ({
    business,
    applicationId: Number(row.id),
    applicantId: Number(row.applicant_id),
    fingerprint: services.pdf.fingerprint(template, data),
    render: () => services.pdf.render(template, data),
  })
  const pdf = async (req: Request, services: Services, rows: Row[], viewer: DocNumberViewer) => {
    const data: Data[] = []
    for (const row of rows) data.push(await dataOf(req, services, row, viewer))
    if (data.length !== 1) return services.pdf.renderMany(template, data)
    return services.storedForms.pdf(stored(services, rows[0], data[0]))
  }
  return {
    name,
    pdf,
    send: (req, res, services, rows, { viewer, ...opts }) =>
      sendPdfForms(res, services, { ...opts, render: () => pdf(req, services, rows, viewer) }),
    prepare(req, services, load, after) {
      if (!services.storedForms.preparing) return
      Promise.resolve(after).then(
        () =>
          load()
            // the viewer of the applicant's own print (records.ts)
            .then(async (row) => {
              if (!row) return
              const data = await dataOf(req, services, row, 'holderChecking')
              await services.storedForms.prepare(stored(services, row, data))
            })
            .catch((err) =>
              services.logger.warn({ err, business }, 'stored form not prepared; the print renders it'),
            ),
        // rolled back: no application, nothing to print
        () => undefined,
      )
    },
  }
}

/** A stored image a form prints (the photo, the 承诺书 crop), if there is one. */
export const storedImage = (services: Pick<Services, 'db'>, id: string | null | undefined) =>
  id ? fileContent(services.db, id) : Promise.resolve(undefined)
