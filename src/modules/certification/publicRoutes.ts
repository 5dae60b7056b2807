import { Router, type Request } from 'express'
import type { Services } from '../../services'
import { handler } from '../../web/async'
import type { CommitmentTemplateData } from '../applications/formData'
import { textBlocks } from '../../web/texts'
import { getSettings, textOf } from '../staff/settings'
import { MUST_READ_TITLE } from './messages'

// Pages anyone may read before applying (manual 000 §3.1): the 认定须知 and the blank 个人承诺书 the
// applicant prints, signs inside the dashed box and uploads in the wizard's 个人承诺书 step.

const TEMPLATE_FILENAME = '个人承诺书.pdf'

/** Signed-in people are limited per account, everyone else per IP, from the same 'pdf' budget. */
function pdfRateKey(req: Request): string {
  if (req.applicant) return `applicant:${req.applicant.id}`
  if (req.staff) return `staff:${req.staff.id}`
  return `ip:${req.ip}`
}

export function certificationPublicRoutes(services: Services): Router {
  const router = Router()
  // The 须知's text is the administrator's (系统设置), else the manual's.
  const notice = async (extra: { pdfError?: string } = {}) => ({
    title: MUST_READ_TITLE,
    blocks: textBlocks(textOf(await getSettings(services.db), 'certificationMustRead')),
    ...extra,
  })

  router.get(
    '/certification/notice',
    handler(async (_req, res) => {
      res.render('pages/certification/notice.njk', await notice())
    }),
  )

  router.get(
    '/certification/commitment-template.pdf',
    handler(async (req, res) => {
      const limited = await services.rateLimits.consume('pdf', pdfRateKey(req))
      if (!limited.ok) {
        res.set('Retry-After', String(limited.retryAfterSeconds))
        return res
          .status(429)
          .render('pages/certification/notice.njk', await notice({ pdfError: '下载过于频繁，请稍后再试。' }))
      }
      const data: CommitmentTemplateData = {}
      let pdf: Buffer
      try {
        pdf = await services.pdf.render('commitment-template', data)
      } catch (err) {
        services.logger.error({ err }, 'commitment template PDF failed')
        return res
          .status(503)
          .render(
            'pages/certification/notice.njk',
            await notice({ pdfError: '个人承诺书暂时无法生成，请稍后再试。' }),
          )
      }
      // The same blank form for everyone: browsers and proxies may keep it for a while.
      res.set({
        'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="commitment.pdf"; filename*=UTF-8''${encodeURIComponent(TEMPLATE_FILENAME)}`,
        'Cache-Control': 'public, max-age=3600',
      })
      res.send(pdf)
    }),
  )

  return router
}
