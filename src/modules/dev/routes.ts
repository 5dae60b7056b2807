import { Router } from 'express'
import type { Services } from '../../services'

// Outside production, with no sender configured, testers read SMS codes and e-mails here.
export function devRoutes(services: Services): Router {
  const router = Router()
  router.get('/outbox', async (_req, res) => {
    const rows = await services.outbox.recent(200)
    res.render('pages/dev/outbox.njk', {
      rows,
      senders: { email: !!services.transport.email, sms: !!services.transport.sms },
    })
  })
  return router
}
