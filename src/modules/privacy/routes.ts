import { Router } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireStaff } from '../../middleware/auth'
import { signedIn } from '../../middleware/actor'
import { rolesFor } from '../../domain/roles'
import { shanghaiDate, shanghaiDateTime } from '../../domain/time'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate } from '../../web/formValidation'
import { textBlocks } from '../../web/texts'
import { agreementDue, agreementHistory, consentTo, currentAgreement, publishAgreement } from './agreement'
import { MESSAGES } from './messages'
import { myDataZip } from './myData'
import { recordViewsFor } from './recordViews'
import { DEFAULT_RETENTION, getRetention, saveRetention, type Retention } from './retention'
import { agreementSchema, retentionSchema } from './schemas'

// 个人信息中心 → 下载我的信息 · 查阅记录, the agreement shown again after a change (the login gate
// sends the applicant here), and the administrator's 用户协议 and 保存期限 pages.

const VIEWS = 'pages/privacy'

export function privacyRoutes(services: Services): Router {
  const router = Router()
  const { db } = services

  router.get('/account/my-data', requireApplicant, (_req, res) => res.render(`${VIEWS}/my-data.njk`))

  router.get(
    '/account/my-data.zip',
    requireApplicant,
    handler(async (req, res) => {
      const { zip } = await myDataZip(services, signedIn(req))
      const name = `我的信息-${shanghaiDate(services.clock.now())}.zip`
      res.set({
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="my-data.zip"; filename*=UTF-8''${encodeURIComponent(name)}`,
        'Cache-Control': 'no-store',
      })
      res.send(zip)
    }),
  )

  router.get(
    '/account/record-views',
    requireApplicant,
    handler(async (req, res) => {
      res.set('Cache-Control', 'no-store')
      res.render(`${VIEWS}/record-views.njk`, { views: await recordViewsFor(db, req.applicant!.id) })
    }),
  )

  // ---- the agreement after a change ---------------------------------------------------------------

  router.get(
    '/account/agreement',
    requireApplicant,
    handler(async (req, res) => {
      const agreement = await currentAgreement(db)
      res.render(`${VIEWS}/agreement.njk`, {
        agreement,
        blocks: textBlocks(agreement.lines),
        publishedOn: shanghaiDate(agreement.publishedAt),
        due: req.session.agreementDue !== undefined,
      })
    }),
  )

  router.post(
    '/account/agreement',
    requireApplicant,
    handler(async (req, res) => {
      const due = await agreementDue(db, req.applicant!.id)
      // The version agreed to is the one the page showed; a newer one published meanwhile is shown next.
      const shown = Number(req.body?.version)
      if (due !== null && shown === due) await consentTo(services, signedIn(req), due)
      if (due !== null && shown !== due) return res.redirect(303, '/account/agreement')
      delete req.session.agreementDue
      flash(req, 'success', MESSAGES.agreed)
      if (!req.applicant!.profile_completed_at) return res.redirect(303, '/account/complete')
      const returnTo = req.session.returnTo
      delete req.session.returnTo
      res.redirect(303, returnTo ?? '/platform')
    }),
  )

  // ---- administrator: 用户协议 and 保存期限 ----------------------------------------------------------

  const adminOnly = requireStaff(...rolesFor('settings.manage'))

  router.get(
    '/staff/admin/agreement',
    adminOnly,
    handler(async (req, res) => {
      const current = await currentAgreement(db)
      res.render(`${VIEWS}/staff-agreement.njk`, {
        form: takeForm(req, 'agreement', { body: current.lines.join('\n') }),
        current,
        versions: (await agreementHistory(db)).map((v) => ({
          ...v,
          publishedAt: v.version === 1 ? '系统内置' : shanghaiDateTime(v.published_at),
        })),
      })
    }),
  )

  router.post(
    '/staff/admin/agreement',
    adminOnly,
    handler(async (req, res) => {
      const { value, errors } = validate<{ body: string }>(agreementSchema, req.body)
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'agreement', errors, req.body)
      const version = await publishAgreement(services, signedIn(req), value.body)
      flash(req, 'success', version ? MESSAGES.agreementPublished(version) : MESSAGES.agreementUnchanged)
      res.redirect(303, '/staff/admin/agreement')
    }),
  )

  router.get(
    '/staff/admin/retention',
    adminOnly,
    handler(async (req, res) => {
      const current = await getRetention(db)
      res.render(`${VIEWS}/staff-retention.njk`, {
        form: takeForm(req, 'retention', { ...current }),
        defaults: DEFAULT_RETENTION,
      })
    }),
  )

  router.post(
    '/staff/admin/retention',
    adminOnly,
    handler(async (req, res) => {
      const { value, errors } = validate<Retention>(retentionSchema, req.body)
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'retention', errors, req.body)
      const changed = await saveRetention(services, signedIn(req), value)
      flash(req, 'success', changed.length ? MESSAGES.retentionSaved : MESSAGES.retentionUnchanged)
      res.redirect(303, '/staff/admin/retention')
    }),
  )

  return router
}
