import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { can, type Permission } from '../../domain/roles'
import { shanghaiDate } from '../../domain/time'
import { formatBytes } from '../../domain/imageRules'
import { handler } from '../../web/async'
import { hasErrors, redirectWithErrors, takeForm, type FieldErrors } from '../../web/formValidation'
import { uploadedFile } from '../../web/uploadFields'
import { registryByKey, type RegistryDef } from './definitions'
import { MESSAGES, MODE_LABELS, PHASE_LABELS, STATUS_LABELS } from './messages'
import { findImport, recentImports } from './repository'
import { checkImportForm } from './schemas'
import { exportRegistry, outcomeText, registryOverview, startImport, templateCsv } from './service'
import { FORMAT_LABELS, type SourceFormat } from './source'

// 数据库导入导出 for administrators: the list (/staff/registries), one page per registry with the
// import form, template and exports, and the status page of each import. The identity registry keeps
// its older address /staff/identity-registry (the same pages and engine).

const VIEWS = 'pages/registries'
const FORM = 'registryImport'

/** Where a registry's page lives. */
export const registryPath = (def: RegistryDef) =>
  def.key === 'identity' ? '/staff/identity-registry' : `/staff/registries/${def.key}`

const permissionOf = (def: RegistryDef): Permission =>
  def.key === 'identity' ? 'identity.registry' : 'registries.manage'

const forbidden = (res: Response) => res.status(403).render('pages/errors/403.njk')

function download(res: Response, filename: string, type: string, body: Buffer | string): void {
  res.set({
    'Content-Type': type,
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.send(body)
}

const CSV_TYPE = 'text/csv; charset=utf-8'
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export function registriesRoutes(services: Services): Router {
  const router = Router()
  const { db, clock } = services

  /** Resolves the registry of the URL and checks the staff member may manage it. */
  const registryOf = (req: Request, res: Response, fixed?: RegistryDef): RegistryDef | null => {
    const def = fixed ?? registryByKey(String(req.params.key))
    if (!def) {
      res.status(404).render('pages/errors/404.njk')
      return null
    }
    if (!can(req.staff, permissionOf(def))) {
      forbidden(res)
      return null
    }
    return def
  }

  router.get(
    '/staff/registries',
    requireStaff(),
    handler(async (req, res) => {
      if (!can(req.staff, 'registries.manage')) return forbidden(res)
      const overview = await registryOverview(services)
      res.render(`${VIEWS}/list.njk`, {
        registries: overview.map((o) => ({ ...o, path: registryPath(o.def) })),
      })
    }),
  )

  router.get(
    '/staff/registries/imports/:id',
    requireStaff(),
    handler(async (req, res) => {
      const id = /^\d{1,15}$/.test(String(req.params.id)) ? Number(req.params.id) : null
      const row = id === null ? undefined : await findImport(db, id)
      const def = row && registryByKey(row.registry)
      if (!row || !def) return res.status(404).render('pages/errors/404.njk')
      if (!can(req.staff, permissionOf(def))) return forbidden(res)
      const running = row.status === 'queued' || row.status === 'running'
      res.render(`${VIEWS}/status.njk`, {
        def,
        path: registryPath(def),
        row,
        running,
        statusText: STATUS_LABELS[row.status],
        phaseText: PHASE_LABELS[row.phase] ?? row.phase,
        modeText: MODE_LABELS[row.mode],
        formatText: row.format ? FORMAT_LABELS[row.format as SourceFormat] : null,
        outcome: outcomeText(row),
        sizeText: formatBytes(row.file_bytes),
        percent: row.rows_total ? Math.floor((100 * row.rows_checked) / row.rows_total) : 0,
      })
    }),
  )

  const pages = (base: string, fixed?: RegistryDef) => {
    router.get(
      base,
      requireStaff(),
      handler(async (req, res) => {
        const def = registryOf(req, res, fixed)
        if (!def) return
        const overview = (await registryOverview(services)).find((o) => o.def.key === def.key)!
        const imports = await recentImports(db, def.key)
        res.render(`${VIEWS}/registry.njk`, {
          ...takeForm(req, FORM),
          def,
          path: registryPath(def),
          stats: overview,
          header: def.columns.map((c) => c.header).join(','),
          modes: Object.entries(MODE_LABELS).map(([value, text]) => ({ value, text })),
          imports: imports.map((i) => ({
            ...i,
            statusText: STATUS_LABELS[i.status],
            modeText: MODE_LABELS[i.mode],
          })),
        })
      }),
    )

    router.get(
      `${base}/template.csv`,
      requireStaff(),
      handler(async (req, res) => {
        const def = registryOf(req, res, fixed)
        if (def) download(res, `${def.key}-template.csv`, CSV_TYPE, templateCsv(def))
      }),
    )

    for (const format of ['csv', 'xlsx'] as const)
      router.get(
        `${base}/export.${format}`,
        requireStaff(),
        handler(async (req, res) => {
          const def = registryOf(req, res, fixed)
          if (!def) return
          const { body } = await exportRegistry(services, def, format, req.actor)
          const name = `${def.key}-${shanghaiDate(clock.now())}.${format}`
          download(res, name, format === 'csv' ? CSV_TYPE : XLSX_TYPE, body)
        }),
      )

    router.post(
      base,
      requireStaff(),
      handler(async (req, res) => {
        const def = registryOf(req, res, fixed)
        if (!def) return
        const { value, errors } = checkImportForm(req.body)
        const fileErrors: FieldErrors = {}
        const file = uploadedFile(req, 'file')
        if (res.locals.uploadError) fileErrors.file = MESSAGES.fileTooLarge
        else if (!file || file.size === 0) fileErrors.file = MESSAGES.fileMissing
        const all = { ...fileErrors, ...errors }
        if (hasErrors(all)) return redirectWithErrors(req, res, FORM, all, { mode: req.body?.mode })
        const id = await startImport(services, {
          def,
          mode: value.mode,
          fileName: file!.originalname,
          content: file!.buffer,
          actor: req.actor,
          staffId: Number(req.staff!.id),
        })
        res.redirect(303, `/staff/registries/imports/${id}`)
      }),
    )
  }

  pages('/staff/identity-registry', registryByKey('identity'))
  pages('/staff/registries/:key')
  return router
}
