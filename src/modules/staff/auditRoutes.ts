import { Router, type Request } from 'express'
import type { Services } from '../../services'
import { guard, render } from './pages'
import { shanghaiDate } from '../../domain/time'
import { handler } from '../../web/async'
import { hasErrors, validate, type FieldErrors } from '../../web/formValidation'
import { auditFilterSchema } from './schemas'
import { auditCsv, compactDetail, distinctActions, searchAudit, type AuditFilter } from './auditLog'
import { ACTION_LABELS, actionLabel, ACTOR_KIND_LABELS } from './messages'

// 审计日志 (/staff/audit): search the log and export what was found as CSV.

export function auditRoutes(services: Services): Router {
  const router = Router()
  const { db, audit, clock } = services

  const readFilter = (req: Request) => {
    const { value, errors } = validate<AuditFilter & { page: number }>(auditFilterSchema, req.query)
    if (!errors.from && !errors.to && value.from && value.to && value.from > value.to)
      errors.to = '结束日期不能早于开始日期'
    return { value, errors }
  }
  const filterQuery = (f: AuditFilter, page?: number) => {
    const params = new URLSearchParams()
    for (const k of ['from', 'to', 'actorKind', 'action', 'q', 'ip'] as const)
      if (f[k]) params.set(k, String(f[k]))
    if (page && page > 1) params.set('page', String(page))
    const s = params.toString()
    return s ? `?${s}` : ''
  }
  const errorList = (errors: FieldErrors) => Object.entries(errors).map(([field, text]) => ({ field, text }))

  router.get(
    '/audit',
    guard('audit.read'),
    handler(async (req, res) => {
      const { value, errors } = readFilter(req)
      const filter: AuditFilter = hasErrors(errors) ? {} : value
      const result = hasErrors(errors)
        ? { rows: [], total: 0, page: 1, pages: 1 }
        : await searchAudit(db, filter, value.page)
      const actions = [...new Set([...(await distinctActions(db)), ...Object.keys(ACTION_LABELS)])].sort()
      render(res, 'audit', {
        values: req.query,
        errors,
        errorList: errorList(errors),
        searched: !hasErrors(errors),
        result: {
          ...result,
          rows: result.rows.map((r) => ({
            ...r,
            actorKindText: ACTOR_KIND_LABELS[r.actor_kind] ?? r.actor_kind,
            actionText: actionLabel(r.action),
            detailText: compactDetail(r.detail),
          })),
        },
        prevHref: result.page > 1 ? `/staff/audit${filterQuery(filter, result.page - 1)}` : null,
        nextHref: result.page < result.pages ? `/staff/audit${filterQuery(filter, result.page + 1)}` : null,
        exportHref: `/staff/audit/export${filterQuery(filter)}`,
        actorKinds: Object.entries(ACTOR_KIND_LABELS).map(([v, text]) => ({ value: v, text })),
        actions: actions.map((a) => ({
          value: a,
          text: ACTION_LABELS[a] ? `${ACTION_LABELS[a]}（${a}）` : a,
        })),
      })
    }),
  )

  router.get(
    '/audit/export',
    guard('audit.read'),
    handler(async (req, res) => {
      const { value, errors } = readFilter(req)
      if (hasErrors(errors))
        return res.redirect(303, `/staff/audit${filterQuery({ ...value, from: '', to: '' })}`)
      const filter: AuditFilter = {
        from: value.from,
        to: value.to,
        actorKind: value.actorKind,
        action: value.action,
        q: value.q,
        ip: value.ip,
      }
      const { csv, rows } = await auditCsv(db, filter)
      await db.transaction((trx) =>
        audit.record(trx, req.actor, {
          action: 'audit.export',
          targetType: 'audit_log',
          detail: { filter, rows },
        }),
      )
      const stamp = shanghaiDate(clock.now()).replace(/-/g, '')
      res.set('Content-Type', 'text/csv; charset=utf-8')
      res.set('Content-Disposition', `attachment; filename="audit-${stamp}.csv"`)
      res.set('Cache-Control', 'no-store')
      res.send(csv)
    }),
  )

  return router
}
