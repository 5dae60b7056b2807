import { Router } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { handler } from '../../web/async'
import { sendExport } from '../applications/exportFiles'
import { BUSINESS_LABELS, STATUS_LABELS } from './messages'
import { exportProgress, findOwnExport, ownExportFile } from './service'

// A large export's progress page (/staff/exports/:id, refreshing itself without JavaScript) and its
// download. Only the staff member who asked sees either; for anyone else the export does not exist.

const BACK: Record<string, string> = {
  registrations: '/staff/registrations',
  certifications: '/staff/certifications',
}

export function queueExportRoutes(services: Services): Router {
  const router = Router()
  const idOf = (raw: unknown) => (/^\d{1,15}$/.test(String(raw)) ? Number(raw) : null)

  router.get(
    '/staff/exports/:id',
    requireStaff(),
    handler(async (req, res, next) => {
      const id = idOf(req.params.id)
      const row = id === null ? undefined : await findOwnExport(services.db, id, Number(req.staff!.id))
      if (!row) return next()
      res.set('Cache-Control', 'no-store')
      res.render('pages/queueExports/status.njk', {
        row,
        ...exportProgress(row),
        statusText: STATUS_LABELS[row.status],
        businessText: BUSINESS_LABELS[row.business] ?? row.business,
        back: BACK[row.business] ?? '/staff',
      })
    }),
  )

  router.get(
    '/staff/exports/:id/download',
    requireStaff(),
    handler(async (req, res, next) => {
      const id = idOf(req.params.id)
      const file = id === null ? undefined : await ownExportFile(services.db, id, Number(req.staff!.id))
      if (!file) return next()
      sendExport(res, file.format, file.file_name.replace(/\.(csv|xlsx)$/, ''), file.content)
    }),
  )

  return router
}
