import { Router } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { rolesFor } from '../../domain/roles'
import { handler } from '../../web/async'
import { loadDashboard } from './service'

// 运行概况 (/staff/dashboard): the administrator's figures of the day, a table and an SVG chart.
export function dashboardRoutes(services: Services): Router {
  const router = Router()
  router.get(
    '/',
    requireStaff(...rolesFor('dashboard.read')),
    handler(async (_req, res) => {
      res.render('pages/dashboard/index.njk', await loadDashboard(services))
    }),
  )
  return router
}
