import { Router } from 'express'
import type { Services } from '../../services'

export function healthRoutes(services: Services): Router {
  const router = Router()
  // The process answers: for a container's liveness probe.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })
  // The database answers: for a load balancer's readiness probe.
  router.get('/readyz', async (_req, res) => {
    try {
      await services.db.raw('select 1')
      res.json({ status: 'ok', database: 'ok' })
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' })
    }
  })
  return router
}
