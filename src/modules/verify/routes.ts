import { Router } from 'express'
import type { Services } from '../../services'
import { normaliseVerifyCode } from '../../domain/verifyCode'
import { clientIp, handler } from '../../web/async'
import { lookupApplicationByCode } from './finders'

export const VERIFY_MESSAGES = {
  notFound: '未找到与该核验码对应的申请表',
  invalid: '请输入申请表上的核验码（26位字母和数字）',
  numberAlone: '报名号不能用于核验，请扫描申请表上的二维码，或输入申请表底部的核验码。',
  rateLimited: '查询过于频繁，请稍后再试。',
}

const VIEW = 'pages/verify/index.njk'
const TITLE = '申请表核验'

// GET /verify?code=<核验码>: what the QR code on a printed form opens. No login; shows the number,
// the masked name and the status, nothing else. Only the 核验码 finds an application: the 报名号
// (?no=, as forms printed before carried it) counts up and is refused with a word on where the code is.
export function verifyRoutes(services: Services): Router {
  const router = Router()
  router.get(
    '/verify',
    handler(async (req, res) => {
      res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' })
      const raw = typeof req.query.code === 'string' ? req.query.code.trim() : ''
      if (!raw) {
        const byNumber = typeof req.query.no === 'string' && req.query.no.trim() !== ''
        return res.status(byNumber ? 400 : 200).render(VIEW, {
          pageTitle: TITLE,
          code: '',
          error: byNumber ? VERIFY_MESSAGES.numberAlone : undefined,
        })
      }
      const limited = await services.rateLimits.consume('lookup', clientIp(req))
      if (!limited.ok) {
        res.set('Retry-After', String(limited.retryAfterSeconds))
        return res
          .status(429)
          .render(VIEW, { pageTitle: TITLE, code: raw, error: VERIFY_MESSAGES.rateLimited })
      }
      if (!normaliseVerifyCode(raw))
        return res.status(400).render(VIEW, { pageTitle: TITLE, code: raw, error: VERIFY_MESSAGES.invalid })
      const found = await lookupApplicationByCode(services.verifyFinders, services.db, raw)
      res.status(found ? 200 : 404).render(VIEW, {
        pageTitle: TITLE,
        code: raw,
        found,
        notFound: found ? undefined : VERIFY_MESSAGES.notFound,
      })
    }),
  )
  return router
}
