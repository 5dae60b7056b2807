import { Router } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { rolesFor } from '../../domain/roles'
import { BUSINESSES, isBusiness, type Business } from '../../domain/windows'
import { handler } from '../../web/async'
import { flash, takeForm, validate } from '../../web/formValidation'
import * as repo from './repository'
import { removeWindow, saveWindow, suggestedWindow } from './service'
import { checkPeriod, formatDateTime, windowSchema, type WindowForm } from './schemas'
import { BUSINESS_LABELS, m } from './messages'
import { addAdminForm, idParam, rowUnderAuthority } from './pages'
import { ADMIN } from './authorityRoutes'

// The administrator's 网报时间 of an authority: the form (新增 under the authority, 编辑 on its own
// page; a window keeps its business) and deleting one.

const WINDOWS = '/staff/admin/windows'

function businessOptions(a: repo.AuthorityRow) {
  return BUSINESSES.filter((b) => (b === 'registration' ? a.registers : a.certifies)).map((b) => ({
    value: b,
    text: BUSINESS_LABELS[b],
  }))
}

type WindowFields = { authorityId: number; business: Business; start: Date; end: Date }

export function windowAdminRoutes(services: Services): Router {
  const { db, clock } = services
  const deps = { db, audit: services.audit, clock, perMinute: services.perMinute }
  const router = Router()
  const guard = requireStaff(...rolesFor('bureau.manage'))

  // create: the authority; edit: the window (and its authority).
  addAdminForm<{ authority: repo.AuthorityRow; row?: repo.WindowRow }, WindowFields>(router, guard, {
    paths: { create: `${ADMIN}/:id/windows/new`, edit: `${WINDOWS}/:id` },
    load: (req, mode) => rowUnderAuthority(db, idParam(req.params.id), mode, repo.windowById),
    formKey: ({ authority, row: window }) => (window ? `window${window.id}` : `windowNew${authority.id}`),
    async show(req, res, { authority, row: window }, _mode, formKey) {
      const common = { authority, businessOptions: businessOptions(authority) }
      if (window)
        return res.render('pages/bureau/window-form.njk', {
          mode: 'edit',
          ...common,
          window: { ...window, businessText: BUSINESS_LABELS[window.business] },
          form: takeForm(req, formKey, {
            business: window.business,
            start: formatDateTime(window.start),
            end: formatDateTime(window.end),
          }),
        })
      const business: Business = isBusiness(req.query.business)
        ? req.query.business
        : authority.registers
          ? 'registration'
          : 'certification'
      const suggested = await suggestedWindow(db, business, clock.now())
      res.render('pages/bureau/window-form.njk', {
        mode: 'create',
        ...common,
        form: takeForm(req, formKey, {
          business,
          start: formatDateTime(suggested?.start),
          end: formatDateTime(suggested?.end),
        }),
      })
    },
    async check(req, { authority, row: window }) {
      // The business of a window does not change; a different business is a new window.
      const body = window ? { ...req.body, business: window.business } : req.body
      const { value, errors } = validate<WindowForm>(windowSchema, body)
      const { start, end } = checkPeriod(
        value,
        errors,
        { start: 'start', end: 'end' },
        { required: true, endMessage: m.END_BEFORE_START },
      )
      if (!window && !errors.business && !businessOptions(authority).some((o) => o.value === value.business))
        errors.business = '该机构未开展这项业务，请先在机构信息中勾选'
      const fields =
        start && end ? { authorityId: authority.id, business: value.business, start, end } : undefined
      return { errors, fields }
    },
    save: (req, { row: window }, _mode, fields) => saveWindow(deps, req.actor, window?.id ?? null, fields),
    saved: ({ authority, row: window }, _mode, fields) =>
      window
        ? { message: '网报时间已保存。', to: `${ADMIN}/${authority.id}` }
        : { message: `已新增${BUSINESS_LABELS[fields.business]}网报时间。`, to: `${ADMIN}/${authority.id}` },
  })

  router.post(
    `${WINDOWS}/:id/delete`,
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const window = id === null ? undefined : await repo.windowById(db, id)
      if (!window) return next()
      await removeWindow(deps, req.actor, window.id)
      flash(req, 'success', '网报时间已删除。')
      res.redirect(303, `${ADMIN}/${window.authority_id}`)
    }),
  )

  return router
}
