import { Router } from 'express'
import type { Services } from '../../services'
import { addressAllowed, allowList } from '../../domain/addressList'
import { handler } from '../../web/async'
import { databaseAnswers } from './repository'

export function healthRoutes(services: Services): Router {
  const router = Router()
  // The process answers: for a container's liveness probe.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })
  // The database answers: for a load balancer's readiness probe.
  router.get('/readyz', async (_req, res) => {
    try {
      await databaseAnswers(services.db)
      res.json({ status: 'ok', database: 'ok' })
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' })
    }
  })
  // Prometheus text for the addresses METRICS_ALLOW lists; to anyone else a page that is not there.
  const allowed = allowList(services.config.metricsAllow)
  const { registry } = services.metrics
  router.get(
    '/metrics',
    handler(async (req, res, next) => {
      if (!addressAllowed(allowed, req.ip)) return next()
      res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store')
      res.send(await registry.metrics())
    }),
  )
  return router
}
