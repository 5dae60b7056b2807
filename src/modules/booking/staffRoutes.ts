import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { rolesFor } from '../../domain/roles'
import { shanghaiDate } from '../../domain/time'
import { handler } from '../../web/async'
import { trimmed } from '../../web/values'
import { flash, redirectWithErrors, takeForm } from '../../web/formValidation'
import { slotLabel } from './calendar'
import { ATTENDANCE_LABELS, BUSINESS_LABELS, m } from './messages'
import { isIsoDay } from '../staff/holidays'
import { pointSettings } from './service'
import {
  bookingById,
  dayView,
  handlesPoint,
  markAttendance,
  moveBooking,
  moveChoices,
  pointFigures,
  staffPointList,
} from './staffService'

// The point's staff (现场确认): /staff/booking lists their points; a point's page shows the day's
// booked applicants (photo, 报名号) by slot with 已到 / 未到 and 调整, the bookings per slot and the
// no-show rate; a print view of the day. A point outside the staff member's grants, and any booking
// of it, does not exist for them (404), as in the staff queues.

const ID = /^\d{1,15}$/

export function bookingStaffRoutes(services: Services): Router {
  const { db, clock } = services
  const deps = { db, clock, audit: services.audit }
  const router = Router()
  router.use('/staff/booking', requireStaff(...rolesFor('confirmation.handle')))

  const pointOf = async (req: Request) => {
    const id = trimmed(req.params.id)
    if (!ID.test(id) || !handlesPoint(req.staff!, Number(id))) return undefined
    return services.bureau.pointById(db, Number(id))
  }
  /** The booking by :id when its slot is at one of the staff member's points and it is live. */
  const bookingOf = async (req: Request) => {
    const id = trimmed(req.params.id)
    const b = ID.test(id) ? await bookingById(db, Number(id)) : undefined
    return b && handlesPoint(req.staff!, b.point_id) ? b : undefined
  }
  const dayOf = (req: Request) => {
    const d = trimmed(req.query.day)
    return isIsoDay(d) ? d : shanghaiDate(clock.now())
  }
  const render = (res: Response, page: string, data: Record<string, unknown>) =>
    res.render(`booking/${page}.njk`, {
      businessLabels: BUSINESS_LABELS,
      attendanceLabels: ATTENDANCE_LABELS,
      ...data,
    })

  router.get(
    '/staff/booking',
    handler(async (req, res) => {
      const points = await staffPointList(db, req.staff!, clock.now())
      render(res, 'staff-points', { pageTitle: '现场确认预约', points })
    }),
  )

  router.get(
    '/staff/booking/points/:id',
    handler(async (req, res, next) => {
      const point = await pointOf(req)
      if (!point) return next()
      const day = dayOf(req)
      const [view, figures, settings] = await Promise.all([
        dayView(db, point.id, day),
        pointFigures(db, point.id, clock.now()),
        pointSettings(db, point.id),
      ])
      const prev = new Date(Date.parse(`${day}T00:00:00Z`) - 86400_000).toISOString().slice(0, 10)
      const next_ = new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10)
      render(res, 'staff-day', {
        pageTitle: `${point.name} - 现场确认预约`,
        point,
        settings,
        view,
        figures,
        prev,
        next: next_,
        today: shanghaiDate(clock.now()),
      })
    }),
  )

  router.get(
    '/staff/booking/points/:id/print',
    handler(async (req, res, next) => {
      const point = await pointOf(req)
      if (!point) return next()
      render(res, 'staff-print', {
        pageTitle: `${point.name} 预约名单`,
        point,
        view: await dayView(db, point.id, dayOf(req)),
      })
    }),
  )

  const backToDay = (b: { point_id: number; starts_at: Date }) =>
    `/staff/booking/points/${b.point_id}?day=${shanghaiDate(b.starts_at)}`

  router.post(
    '/staff/booking/bookings/:id/attendance',
    handler(async (req, res, next) => {
      const b = await bookingOf(req)
      if (!b) return next()
      const attendance = trimmed(req.body?.attendance)
      if (attendance !== 'arrived' && attendance !== 'absent') {
        flash(req, 'error', '请选择已到或未到')
        return res.redirect(303, backToDay(b))
      }
      if (b.state !== 'booked') {
        flash(req, 'error', m.NOT_LIVE)
        return res.redirect(303, backToDay(b))
      }
      const outcome = await markAttendance(deps, req.actor, b, attendance)
      flash(
        req,
        outcome.ok ? 'success' : 'error',
        outcome.ok ? `已标记为${ATTENDANCE_LABELS[attendance]}。` : outcome.message,
      )
      res.redirect(303, `${backToDay(b)}#booking-${b.id}`)
    }),
  )

  router.get(
    '/staff/booking/bookings/:id/move',
    handler(async (req, res, next) => {
      const b = await bookingOf(req)
      if (!b || b.state !== 'booked') return next()
      const [{ application: app, slots }, point] = await Promise.all([
        moveChoices(db, b, clock.now()),
        services.bureau.pointById(db, b.point_id),
      ])
      render(res, 'staff-move', {
        pageTitle: '调整预约时段',
        booking: { ...b, label: slotLabel(b) },
        app,
        point,
        options: slots
          .filter((s) => s.id !== b.slot_id && s.booked < s.places)
          .map((s) => ({ value: String(s.id), text: `${slotLabel(s)}（剩余${s.places - s.booked}个）` })),
        form: takeForm(req, `booking:move:${b.id}`),
      })
    }),
  )

  router.post(
    '/staff/booking/bookings/:id/move',
    handler(async (req, res, next) => {
      const b = await bookingOf(req)
      if (!b) return next()
      const key = `booking:move:${b.id}`
      const here = `/staff/booking/bookings/${b.id}/move`
      if (b.state !== 'booked') {
        flash(req, 'error', m.NOT_LIVE)
        return res.redirect(303, backToDay(b))
      }
      const slot = trimmed(req.body?.slot)
      const note = trimmed(req.body?.note)
      const errors: Record<string, string> = {}
      if (!ID.test(slot)) errors.slot = '请选择新的时段'
      if (!note) errors.note = m.NOTE_REQUIRED
      else if (note.length > 200) errors.note = m.NOTE_TOO_LONG
      if (Object.keys(errors).length) return redirectWithErrors(req, res, key, errors, { slot, note }, here)
      const outcome = await moveBooking(deps, req.actor, b, Number(slot), note)
      if (!outcome.ok)
        return redirectWithErrors(req, res, key, { slot: outcome.message }, { slot, note }, here)
      flash(req, 'success', `已调整到：${outcome.label}。原时段的名额已释放。`)
      res.redirect(303, backToDay(b))
    }),
  )

  return router
}
