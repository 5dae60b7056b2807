import { Router } from 'express'
import type { Services } from '../../services'

export function publicRoutes(_services: Services): Router {
  const router = Router()
  router.get('/', (req, res) => {
    if (req.applicant) return res.redirect(303, '/platform')
    if (req.staff) return res.redirect(303, '/staff')
    res.render('pages/public/home.njk')
  })
  return router
}
