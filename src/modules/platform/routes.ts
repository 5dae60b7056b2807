import { Router } from 'express'
import type { Services } from '../../services'
import { requireApplicant } from '../../middleware/auth'
import { isVerified } from '../../domain/identity'
import { handler } from '../../web/async'
import { preloadedHasApplications } from '../../middleware/session'
import { textBlocks } from '../../web/texts'
import { getSettings, textOf } from '../staff/settings'
import { BUSINESSES, findBusiness } from './businesses'

export function platformRoutes(services: Services): Router {
  const router = Router()

  // 业务平台: one login serves both businesses, each with its 须知, 报名 and records.
  router.get(
    '/platform',
    requireApplicant,
    handler(async (req, res) => {
      const applicant = req.applicant!
      const verified = isVerified(applicant.identity_status)
      // Most who open the platform have applied for nothing yet: no record queries for them.
      const none = preloadedHasApplications(req) === false
      const businesses = await Promise.all(
        BUSINESSES.map(async (b) => {
          const closed = b.season ? await b.season(services) : null
          return {
            key: b.key,
            name: b.name,
            available: b.available,
            noticeHref: b.noticeUrl ?? `/platform/${b.key}/notice`,
            lookups: b.lookups ?? [],
            closedLines: closed?.lines ?? [],
            // 报名 while unverified leads to 实名核验 first.
            applyHref:
              b.available && b.applyUrl && !closed ? (verified ? b.applyUrl : '/identity/verify') : null,
            recordsTitle: b.recordsTitle,
            recordColumns: b.recordColumns,
            records: b.loadRecords && !none ? await b.loadRecords(services, applicant.id) : [],
          }
        }),
      )
      res.render('pages/platform/index.njk', { businesses, verified })
    }),
  )

  router.get(
    '/platform/:key/notice',
    requireApplicant,
    handler(async (req, res, next) => {
      const business = findBusiness(String(req.params.key))
      if (!business) return next()
      if (business.noticeUrl) return res.redirect(303, business.noticeUrl)
      const { mustRead } = business
      if (!mustRead) return next()
      res.render('pages/platform/notice.njk', {
        business,
        title: mustRead.title,
        blocks: textBlocks(textOf(await getSettings(services.db), mustRead.field)),
      })
    }),
  )

  return router
}
