import { Router } from 'express'
import type { Services } from '../../services'
import { fileForViewer } from './service'
import { handler } from '../../web/async'
import { recordStaffView } from '../privacy/recordViews'

// GET /files/:id serves stored uploads to their owner and to staff in the scope of a record holding
// the file (service.ts, never a draft); a staff member's every opening is audited for the applicant's
// 查阅记录. Anyone who may not open a file is told it does not exist.

export function filesRoutes(services: Services): Router {
  const router = Router()
  router.get(
    '/files/:id',
    handler(async (req, res, next) => {
      const file = await fileForViewer(services.db, String(req.params.id), {
        applicant: req.applicant,
        staff: req.staff,
      })
      if (!file) return next()
      if (file.staffViewOf !== undefined)
        await recordStaffView(services, req, {
          applicantId: file.staffViewOf,
          what: 'file',
          record: file.kind,
        })
      res.set({
        'Content-Type': file.mime,
        'Content-Length': String(file.content.length),
        'Content-Disposition': contentDisposition(file.filename, `${file.kind}.jpg`),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      })
      res.send(file.content)
    }),
  )
  return router
}

/**
 * `inline; filename="photo.jpg"`, and for a Chinese name also the RFC 5987 form that browsers
 * prefer (`filename*=UTF-8''%E8%AF%81...`), with an ASCII fallback for the others.
 */
export function contentDisposition(filename: string, asciiFallback: string): string {
  if (/^[\w.-]+$/.test(filename)) return `inline; filename="${filename}"`
  const fallback = asciiFallback.replace(/[^\w.-]/g, '_')
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `inline; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
