import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireStaff } from '../../middleware/auth'
import { shanghaiDateTime } from '../../domain/time'
import { flash } from '../../web/formValidation'
import { heldFor, MESSAGES, RESUME_PATHS } from './held'

// After signing in again: the form posted into the expired session, filled in as it was typed, to
// be sent to where it was going with the new session's CSRF token (one button, the person's own
// choice), or let go. Shown once: the page carries it from then on.

export function heldFormRoutes(services: Services): Router {
  const router = Router()
  const show = (realm: 'applicant' | 'staff', home: string) => (req: Request, res: Response) => {
    const userId = Number(req.session.userId)
    const held = heldFor(req.session.heldForm, { realm, userId }, services.clock.now().getTime())
    delete req.session.heldForm
    if (!held) {
      flash(req, 'info', MESSAGES.nothingHeld)
      return res.redirect(303, home)
    }
    res.render('pages/heldForms/resume.njk', {
      pageTitle: MESSAGES.title,
      held,
      postedAt: shanghaiDateTime(new Date(held.at)),
      back: held.action.split('?')[0],
    })
  }
  router.get(RESUME_PATHS.applicant, requireApplicant, show('applicant', '/platform'))
  router.get(RESUME_PATHS.staff, requireStaff(), show('staff', '/staff'))
  return router
}
