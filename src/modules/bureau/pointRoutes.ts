import { Router } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { rolesFor } from '../../domain/roles'
import { handler } from '../../web/async'
import { flash, hasErrors, takeForm, validate } from '../../web/formValidation'
import { trimmed } from '../../web/values'
import * as repo from './repository'
import * as pointRepo from './pointRepository'
import { changePointSchools, savePoint } from './service'
import {
  checkPeriod,
  checkPhone,
  formatDateTime,
  pointSchema,
  pointSchoolsSchema,
  schoolLines,
  type PointForm,
} from './schemas'
import { m } from './messages'
import { addAdminForm, idParam, rowUnderAuthority, inOrder, pointView } from './pages'
import { ADMIN } from './authorityRoutes'

// The administrator's confirmation points: the form (新增 under an authority, 编辑 on the point's own
// page, which also lists and searches the schools it covers) and adding or removing schools.

const POINTS = '/staff/admin/points'

const POINT_ORDER = [
  'name',
  'scope',
  'freeSchools',
  'address',
  'phone',
  'confirmStart',
  'confirmEnd',
  'capacityPerDay',
]

const pointDefaults = (p?: pointRepo.PointRow): Record<string, unknown> =>
  p
    ? {
        name: p.name,
        scope: p.scope,
        freeSchools: p.free_schools.join('\n'),
        address: p.address ?? '',
        phone: p.phone ?? '',
        confirmStart: formatDateTime(p.confirm_start),
        confirmEnd: formatDateTime(p.confirm_end),
        capacityPerDay: p.capacity_per_day ?? '',
        enabled: p.enabled ? 'yes' : '',
      }
    : { enabled: 'yes' }

function checkPoint(body: unknown, authorityId: number) {
  const { value, errors } = validate<PointForm>(pointSchema, body)
  checkPhone(value.phone, 'phone', errors)
  const { start, end } = checkPeriod(
    { start: value.confirmStart, end: value.confirmEnd },
    errors,
    { start: 'confirmStart', end: 'confirmEnd' },
    { required: false, endMessage: m.CONFIRM_END_BEFORE_START },
  )
  const fields: pointRepo.PointFields = {
    authority_id: authorityId,
    name: value.name,
    scope: value.scope,
    free_schools: schoolLines(value.freeSchools ?? ''),
    address: value.address || null,
    phone: value.phone || null,
    confirm_start: start,
    confirm_end: end,
    capacity_per_day: value.capacityPerDay ?? null,
    enabled: !!value.enabled,
  }
  return { errors: inOrder(errors, POINT_ORDER), fields }
}

export function pointAdminRoutes(services: Services): Router {
  const { db, clock } = services
  const deps = { db, audit: services.audit, clock, perMinute: services.perMinute }
  const router = Router()
  const guard = requireStaff(...rolesFor('bureau.manage'))

  // create: the authority the point is added to; edit: the point (and its authority).
  addAdminForm<{ authority: repo.AuthorityRow; row?: pointRepo.PointRow }, pointRepo.PointFields>(
    router,
    guard,
    {
      paths: { create: `${ADMIN}/:id/points/new`, edit: `${POINTS}/:id` },
      load: (req, mode) => rowUnderAuthority(db, idParam(req.params.id), mode, pointRepo.pointById),
      formKey: ({ authority, row: point }) => (point ? `point${point.id}` : `pointNew${authority.id}`),
      async show(req, res, { authority, row: point }, _mode, formKey) {
        const form = takeForm(req, formKey, pointDefaults(point))
        if (!point) return res.render('pages/bureau/point-form.njk', { mode: 'create', authority, form })
        const schoolQ = trimmed(req.query.schoolQ).slice(0, 50)
        const schools = await pointRepo.schoolsOfPoint(db, point.id)
        const found = schoolQ ? await pointRepo.searchSchools(db, schoolQ) : null
        res.render('pages/bureau/point-form.njk', {
          mode: 'edit',
          authority,
          point: pointView(point),
          form,
          schools,
          schoolQ,
          found: found?.map((s) => ({ ...s, linked: schools.some((x) => x.id === s.id) })),
        })
      },
      check: async (req, { authority }) => checkPoint(req.body, authority.id),
      save: (req, { row: point }, _mode, fields) => savePoint(deps, req.actor, point?.id ?? null, fields),
      saved: ({ row: point }, _mode, fields, id) =>
        point
          ? { message: '确认点信息已保存。', to: `${POINTS}/${id}` }
          : {
              message: `已新增确认点“${fields.name}”。可在下方添加它覆盖的学校；为它分配现场确认人员后，申请人才能选择。`,
              to: `${POINTS}/${id}`,
            },
    },
  )

  router.post(
    `${POINTS}/:id/schools`,
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const point = id === null ? undefined : await pointRepo.pointById(db, id)
      if (!point) return next()
      const { value, errors } = validate<{ add: number[]; remove: number[] }>(pointSchoolsSchema, req.body)
      if (hasErrors(errors)) {
        flash(req, 'error', '请选择要添加或移除的学校。')
        return res.redirect(303, `${POINTS}/${point.id}`)
      }
      const done = await changePointSchools(deps, req.actor, point.id, value)
      flash(req, 'success', `已添加${done.added}所、移除${done.removed}所学校。`)
      const back = trimmed(req.body.schoolQ)
      res.redirect(303, `${POINTS}/${point.id}${back ? `?schoolQ=${encodeURIComponent(back)}` : ''}`)
    }),
  )

  return router
}
