import { Router } from 'express'
import type { Services } from '../../services'
import { clientIp, handler } from '../../web/async'
import { APPLICATION_NUMBER, lookupApplicationByNumber } from './finders'

export const VERIFY_MESSAGES = {
  notFound: '未找到该报名号',
  invalid: '请输入正确的报名号',
  rateLimited: '查询过于频繁，请稍后再试。',
}

// GET /verify?no=<number>: what the QR code on a printed form opens. No login; shows the number,
// the masked name and the status, nothing else.
export function verifyRoutes(services: Services): Router {
  const router = Router()
  router.get(
    '/verify',
    handler(async (req, res) => {
      res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' })
      const raw = typeof req.query.no === 'string' ? req.query.no.trim().toUpperCase() : ''
      if (!raw) return res.render('pages/verify/index.njk', { pageTitle: '申请表核验', no: '' })
      const limited = await services.rateLimits.consume('lookup', clientIp(req))
      if (!limited.ok) {
        res.set('Retry-After', String(limited.retryAfterSeconds))
        return res.status(429).render('pages/verify/index.njk', {
          pageTitle: '申请表核验',
          no: raw,
          error: VERIFY_MESSAGES.rateLimited,
        })
      }
      if (!APPLICATION_NUMBER.test(raw))
        return res.status(400).render('pages/verify/index.njk', {
          pageTitle: '申请表核验',
          no: raw,
          error: VERIFY_MESSAGES.invalid,
        })
      const found = await lookupApplicationByNumber(services.db, raw)
      res.status(found ? 200 : 404).render('pages/verify/index.njk', {
        pageTitle: '申请表核验',
        no: raw,
        found,
        notFound: found ? undefined : VERIFY_MESSAGES.notFound,
      })
    }),
  )
  return router
}
