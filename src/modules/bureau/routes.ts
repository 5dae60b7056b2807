import { Router } from 'express'
import type { Services } from '../../services'
import { bureauLookupRoutes } from './lookupRoutes'
import { authorityAdminRoutes } from './authorityRoutes'
import { pointAdminRoutes } from './pointRoutes'
import { windowAdminRoutes } from './windowRoutes'

// Bureau set-up: the public look-ups (网报时间查询, 确认点查询) of both businesses, and the
// administrator's pages for authorities, confirmation points and online windows, one file each.

export function bureauRoutes(services: Services): Router {
  const router = Router()
  router.use(bureauLookupRoutes(services))
  router.use(authorityAdminRoutes(services))
  router.use(pointAdminRoutes(services))
  router.use(windowAdminRoutes(services))
  return router
}
