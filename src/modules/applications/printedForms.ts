import type { Response } from 'express'
import type { Services } from '../../services'

// Sending printed forms (申请表) of any business: the per-account 'pdf' rate limit first, then the
// render; a refusal or a render failure answers with a page (views/pages/forms/refused.njk), never a broken
// file. Inline to preview unless `download`.

export const FORM_MESSAGES = {
  rateLimited: '生成申请表过于频繁，请稍后再试。',
  failed: '申请表暂时无法生成，请稍后再试。',
}

export async function sendPdfForms(
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
