import { Router, type Request } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { rolesFor } from '../../domain/roles'
import { shanghaiDate } from '../../domain/time'
import { handler } from '../../web/async'
import { trimmed } from '../../web/values'
import { flash, redirectWithErrors, takeForm, type FieldErrors } from '../../web/formValidation'
import { daysBetween, parsePeriods, slotLabel } from './calendar'
import { m } from './messages'
import { pointSettings } from './service'
import { addSlots, changeSlotPlaces, deleteSlot, saveSettings, slotById, slotsByDay } from './setupService'
import { pointFigures } from './staffService'
import { isIsoDay } from '../staff/holidays'

// The bureau administrator's 现场确认预约 of a point: /staff/admin/points/<id>/booking — the switch
// and the change deadline, the slot plan (dates, periods, places; closed days from the holiday
// table), the slots with their places and bookings (change places, delete an unused slot), and the
// figures (bookings per slot, no-show rate). Every change is in the audit log.

const ID = /^\d{1,15}$/
const INT = /^\d{1,6}$/
const MAX_DAYS = 92

const realDate = isIsoDay

export function bookingAdminRoutes(services: Services): Router {
  const { db, clock } = services
  const deps = { db, clock, audit: services.audit }
  const router = Router()
  const guard = requireStaff(...rolesFor('bureau.manage'))
  const base = (id: number) => `/staff/admin/points/${id}/booking`

  const pointOf = async (req: Request) => {
    const id = trimmed(req.params.id)
    return ID.test(id) ? services.bureau.pointById(db, Number(id)) : undefined
  }

  router.get(
    '/staff/admin/points/:id/booking',
    guard,
    handler(async (req, res, next) => {
      const point = await pointOf(req)
      if (!point) return next()
      const settings = await pointSettings(db, point.id)
      const now = clock.now()
      const today = shanghaiDate(now)
      res.render('booking/admin.njk', {
        pageTitle: `${point.name} - 现场确认预约`,
        point,
        settingsForm: takeForm(req, `booking:settings:${point.id}`, {
          enabled: settings?.enabled ? 'yes' : '',
          changeHours: String(settings?.change_hours ?? 24),
        }),
        planForm: takeForm(req, `booking:plan:${point.id}`, {
          from: today,
          to: today,
          periods: '09:00-12:00\n14:30-17:30',
          places: '20',
        }),
        slotErrors: takeForm(req, `booking:slot:${point.id}`),
        days: await slotsByDay(db, point.id, now),
        figures: await pointFigures(db, point.id, now),
      })
    }),
  )

  router.post(
    '/staff/admin/points/:id/booking',
    guard,
    handler(async (req, res, next) => {
      const point = await pointOf(req)
      if (!point) return next()
      const enabled = trimmed(req.body?.enabled) === 'yes'
      const hours = trimmed(req.body?.changeHours)
      if (!INT.test(hours) || Number(hours) > 720)
        return redirectWithErrors(
          req,
          res,
          `booking:settings:${point.id}`,
          { changeHours: m.HOURS },
          { enabled: enabled ? 'yes' : '', changeHours: hours },
          base(point.id),
        )
      await saveSettings(deps, req.actor, point.id, { enabled, change_hours: Number(hours) })
      flash(req, 'success', enabled ? '已开通现场确认预约，设置已保存。' : '已关闭现场确认预约，设置已保存。')
      res.redirect(303, base(point.id))
    }),
  )

  router.post(
    '/staff/admin/points/:id/booking/slots',
    guard,
    handler(async (req, res, next) => {
      const point = await pointOf(req)
      if (!point) return next()
      const body = {
        from: trimmed(req.body?.from),
        to: trimmed(req.body?.to),
        periods: trimmed(req.body?.periods),
        places: trimmed(req.body?.places),
      }
      const errors: FieldErrors = {}
      const today = shanghaiDate(clock.now())
      if (!realDate(body.from)) errors.from = m.FROM
      else if (body.from < today) errors.from = m.PAST
      if (!realDate(body.to) || (realDate(body.from) && body.to < body.from)) errors.to = m.TO
      else if (realDate(body.from) && daysBetween(body.from, body.to).length > MAX_DAYS) errors.to = m.RANGE
      const { periods, error } = parsePeriods(body.periods)
      if (error) errors.periods = error
      if (!INT.test(body.places) || Number(body.places) < 1 || Number(body.places) > 10000)
        errors.places = m.PLACES
      const key = `booking:plan:${point.id}`
      if (Object.keys(errors).length) return redirectWithErrors(req, res, key, errors, body, base(point.id))
      const done = await addSlots(deps, req.actor, point.id, {
        from: body.from,
        to: body.to,
        periods,
        places: Number(body.places),
      })
      if (!done.planned)
        return redirectWithErrors(req, res, key, { from: m.NO_WORKING_DAY }, body, base(point.id))
      flash(
        req,
        'success',
        `已添加${done.added}个时段` +
          (done.added < done.planned ? `（另有${done.planned - done.added}个与已有时段重叠，未添加）` : '') +
          '。',
      )
      res.redirect(303, base(point.id))
    }),
  )

  router.post(
    '/staff/admin/booking/slots/:id',
    guard,
    handler(async (req, res, next) => {
      const id = trimmed(req.params.id)
      const slot = ID.test(id) ? await slotById(db, Number(id)) : undefined
      if (!slot) return next()
      const back = `${base(slot.point_id)}#slot-${slot.id}`
      const key = `booking:slot:${slot.point_id}`
      if (trimmed(req.body?.action) === 'delete') {
        const outcome = await deleteSlot(deps, req.actor, slot)
        if (!outcome.ok)
          return redirectWithErrors(req, res, key, { [`slot${slot.id}`]: outcome.message }, {}, back)
        flash(req, 'success', `已删除时段：${slotLabel(slot)}。`)
        return res.redirect(303, base(slot.point_id))
      }
      const places = trimmed(req.body?.places)
      if (!INT.test(places) || Number(places) < 1 || Number(places) > 10000)
        return redirectWithErrors(
          req,
          res,
          key,
          { [`slot${slot.id}`]: m.PLACES },
          { [`slot${slot.id}`]: places },
          back,
        )
      const outcome = await changeSlotPlaces(deps, req.actor, slot, Number(places))
      if (!outcome.ok)
        return redirectWithErrors(
          req,
          res,
          key,
          { [`slot${slot.id}`]: outcome.message },
          { [`slot${slot.id}`]: places },
          back,
        )
      flash(req, 'success', `已将 ${slotLabel(slot)} 的名额改为${places}个。`)
      res.redirect(303, back)
    }),
  )

  return router
}
