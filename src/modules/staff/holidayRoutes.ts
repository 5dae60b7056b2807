import { Router } from 'express'
import type { Services } from '../../services'
import { guard, render } from './pages'
import { shanghaiDate } from '../../domain/time'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate } from '../../web/formValidation'
import { holidayBulkSchema, holidaySchema } from './schemas'
import {
  addHolidays,
  deleteHoliday,
  holidayYears,
  listHolidays,
  parseHolidayLines,
  type HolidayRow,
} from './holidays'
import { HOLIDAY_KIND_LABELS } from './messages'

// 节假日设置 (/staff/admin/holidays): the year's list, adding one day or many lines at once, deleting.

export function holidayRoutes(services: Services): Router {
  const router = Router()
  const { db, audit, clock } = services

  router.get(
    '/admin/holidays',
    guard('holidays.manage'),
    handler(async (req, res) => {
      const thisYear = Number(shanghaiDate(clock.now()).slice(0, 4))
      const asked = Number(req.query.year)
      const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear
      const years = [...new Set([...(await holidayYears(db)), thisYear, thisYear + 1, year])].sort()
      render(res, 'holidays', {
        year,
        years,
        rows: (await listHolidays(db, year)).map((r) => ({ ...r, kindText: HOLIDAY_KIND_LABELS[r.kind] })),
        form: takeForm(req, 'holidayAdd', { kind: 'holiday' }),
        bulk: takeForm(req, 'holidayBulk'),
        kinds: Object.entries(HOLIDAY_KIND_LABELS).map(([value, text]) => ({ value, text })),
      })
    }),
  )

  const holidaysPage = (day?: string) => `/staff/admin/holidays${day ? `?year=${day.slice(0, 4)}` : ''}`

  router.post(
    '/admin/holidays',
    guard('holidays.manage'),
    handler(async (req, res) => {
      const { value, errors } = validate<HolidayRow>(holidaySchema, req.body)
      if (hasErrors(errors))
        return redirectWithErrors(req, res, 'holidayAdd', errors, req.body, holidaysPage())
      await addHolidays(db, audit, req.actor, [value])
      flash(req, 'success', `已保存 ${value.day}（${HOLIDAY_KIND_LABELS[value.kind]}）。`)
      res.redirect(303, holidaysPage(value.day))
    }),
  )

  router.post(
    '/admin/holidays/bulk',
    guard('holidays.manage'),
    handler(async (req, res) => {
      const { value, errors } = validate<{ lines: string }>(holidayBulkSchema, req.body)
      const parsed = hasErrors(errors) ? { rows: [], errors: [] } : parseHolidayLines(value.lines)
      if (!hasErrors(errors) && parsed.errors.length) {
        const shown = parsed.errors.slice(0, 20).map((e) => e.message)
        if (parsed.errors.length > shown.length)
          shown.push(`另有${parsed.errors.length - shown.length}行有误`)
        errors.lines = `有${parsed.errors.length}行不正确，未导入任何日期。${shown.join('；')}`
      } else if (!hasErrors(errors) && !parsed.rows.length) errors.lines = '请填写节假日列表'
      if (hasErrors(errors))
        return redirectWithErrors(req, res, 'holidayBulk', errors, req.body, holidaysPage())
      await addHolidays(db, audit, req.actor, parsed.rows)
      flash(req, 'success', `已导入${parsed.rows.length}个日期。`)
      res.redirect(303, holidaysPage(parsed.rows[0].day))
    }),
  )

  router.post(
    '/admin/holidays/delete',
    guard('holidays.manage'),
    handler(async (req, res) => {
      const day = String(req.body?.day ?? '')
      const done = /^\d{4}-\d{2}-\d{2}$/.test(day) && (await deleteHoliday(db, audit, req.actor, day))
      flash(
        req,
        done ? 'success' : 'error',
        done ? `已删除 ${day}。` : '该日期不在节假日表中，可能已被删除。',
      )
      res.redirect(303, holidaysPage(done ? day : undefined))
    }),
  )

  return router
}
