import { Router, type Request } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireVerified } from '../../middleware/auth'
import { handler } from '../../web/async'
import { flash, redirectWithErrors, takeForm } from '../../web/formValidation'
import { BUSINESS_LABELS, m } from './messages'
import { applicantView, book, cancel } from './applicantService'
import { isBookingBusiness, type BookingBusiness } from './service'

// The applicant's 现场确认预约 of one application: /booking/<business>/<id>, a server-rendered
// calendar of the point's slots with the places left (a radio per free slot, no JavaScript), the
// live booking with its change deadline, 取消预约, and the booking history. Another applicant's
// application does not exist here (404).

const ID = /^\d{1,15}$/

const target = (req: Request): { business: BookingBusiness; id: number } | null => {
  const business = String(req.params.business)
  const id = String(req.params.id)
  return isBookingBusiness(business) && ID.test(id) ? { business, id: Number(id) } : null
}

export const bookingUrl = (business: BookingBusiness, id: number) => `/booking/${business}/${id}`

export function bookingApplicantRoutes(services: Services): Router {
  const { db, clock } = services
  const deps = { db, clock, audit: services.audit }
  const router = Router()
  router.use('/booking', requireApplicant, requireVerified)

  router.get(
    '/booking/:business/:id',
    handler(async (req, res, next) => {
      const t = target(req)
      const view = t && (await applicantView(db, clock.now(), Number(req.applicant!.id), t.business, t.id))
      if (!t || !view) return next()
      res.set('Cache-Control', 'no-store')
      const point = await services.bureau.pointById(db, view.application.point_id)
      res.render('booking/apply.njk', {
        pageTitle: '现场确认预约',
        ...view,
        point,
        businessLabel: BUSINESS_LABELS[t.business],
        recordUrl: `/${t.business}/records/${t.id}`,
        here: bookingUrl(t.business, t.id),
        form: takeForm(req, `booking:${t.business}:${t.id}`, {
          slot: view.live ? String(view.live.slot_id) : '',
        }),
      })
    }),
  )

  router.post(
    '/booking/:business/:id',
    handler(async (req, res, next) => {
      const t = target(req)
      if (!t) return next()
      const here = bookingUrl(t.business, t.id)
      const key = `booking:${t.business}:${t.id}`
      const raw = req.body?.slot
      const slot = typeof raw === 'string' && ID.test(raw.trim()) ? Number(raw.trim()) : null
      if (slot === null) return redirectWithErrors(req, res, key, { slot: m.CHOOSE_SLOT }, {}, here)
      const outcome = await book(deps, {
        applicantId: Number(req.applicant!.id),
        business: t.business,
        applicationId: t.id,
        slotId: slot,
      })
      if (!outcome.ok && outcome.notFound) return next()
      if (!outcome.ok)
        return redirectWithErrors(req, res, key, { slot: outcome.message }, { slot: String(slot) }, here)
      flash(req, 'success', outcome.changed ? m.changed(outcome.label) : m.booked(outcome.label))
      res.redirect(303, here)
    }),
  )

  router.post(
    '/booking/:business/:id/cancel',
    handler(async (req, res, next) => {
      const t = target(req)
      if (!t) return next()
      const outcome = await cancel(deps, {
        applicantId: Number(req.applicant!.id),
        business: t.business,
        applicationId: t.id,
      })
      if (!outcome.ok && outcome.notFound) return next()
      flash(req, outcome.ok ? 'success' : 'error', outcome.ok ? m.cancelled : outcome.message)
      res.redirect(303, bookingUrl(t.business, t.id))
    }),
  )

  return router
}
