import { Router } from 'express'
import type { Services } from '../../services'
import { requireApplicant } from '../../middleware/auth'
import { handler } from '../../web/async'
import { flash, redirectWithErrors, takeForm } from '../../web/formValidation'
import { MESSAGES } from './messages'
import { completeProfile, completeProfilePage } from './profile'

export function profileRoutes(services: Services): Router {
  const router = Router()

  router.get(
    '/account/complete',
    requireApplicant,
    handler(async (req, res) => {
      const page = await completeProfilePage(services, req.applicant!.id)
      if (!page) return res.redirect(303, '/platform')
      res.render('pages/auth/complete-profile.njk', { ...takeForm(req, 'completeProfile'), ...page })
    }),
  )

  router.post(
    '/account/complete',
    requireApplicant,
    handler(async (req, res) => {
      const outcome = await completeProfile(services, req.applicant!.id, req.body, req.actor)
      if (outcome.kind === 'absent') return res.redirect(303, '/platform')
      if (outcome.kind === 'invalid')
        return redirectWithErrors(req, res, 'completeProfile', outcome.errors, req.body ?? {})
      if (outcome.completed) flash(req, 'success', MESSAGES.profileCompleted)
      const returnTo = req.session.returnTo
      delete req.session.returnTo
      res.redirect(303, typeof returnTo === 'string' && /^\/(?!\/)/.test(returnTo) ? returnTo : '/platform')
    }),
  )

  return router
}
