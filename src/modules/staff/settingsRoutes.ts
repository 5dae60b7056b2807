import { Router } from 'express'
import type { Services } from '../../services'
import { guard, render } from './pages'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate } from '../../web/formValidation'
import { settingsSchema } from './schemas'
import {
  getSettings,
  REGISTRATION_HALF_LABELS,
  REGISTRATION_HALVES,
  saveSettings,
  settingsForm,
  withoutDefaults,
  type InstanceSettings,
} from './settings'
import { checkEmail } from '../../domain/password'

// 系统设置 (/staff/admin/settings).

export function settingsRoutes(services: Services): Router {
  const router = Router()
  const { db, audit, clock } = services

  router.get(
    '/admin/settings',
    guard('settings.manage'),
    handler(async (req, res) => {
      const current = await getSettings(db)
      render(res, 'settings', {
        form: takeForm(req, 'settings', settingsForm(current)),
        halves: REGISTRATION_HALVES.map((h) => ({ value: h, text: REGISTRATION_HALF_LABELS[h] })),
      })
    }),
  )

  router.post(
    '/admin/settings',
    guard('settings.manage'),
    handler(async (req, res) => {
      const { value, errors } = validate<InstanceSettings>(settingsSchema, req.body)
      if (!errors.contactEmail && value.contactEmail) {
        const e = checkEmail(value.contactEmail)
        if (e) errors.contactEmail = e
      }
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'settings', errors, req.body)
      const { changed } = await saveSettings(
        db,
        { audit, now: clock.now() },
        req.actor,
        withoutDefaults(value),
      )
      // the registration season's sentence names the half of the year set here
      services.perMinute.forget()
      flash(req, 'success', changed.length ? '系统设置已保存。' : '没有修改任何设置。')
      res.redirect(303, '/staff/admin/settings')
    }),
  )

  return router
}
