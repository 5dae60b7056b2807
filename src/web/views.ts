import nunjucks from 'nunjucks'
import type express from 'express'
import { viewsDir } from '../paths'
import { shanghaiDate, shanghaiDateTime } from '../domain/time'
import { DOC_TYPE_LABELS, maskPhone, shownDocNumber } from '../domain/idNumber'
import { IDENTITY_STATUS_LABELS } from '../domain/identity'

export function configureViews(app: express.Express, opts: { watch: boolean }): nunjucks.Environment {
  const env = nunjucks.configure(viewsDir, {
    autoescape: true,
    express: app,
    watch: false,
    noCache: opts.watch,
  })
  app.set('view engine', 'njk')
  addViewFilters(env)
  return env
}

/** The filters every template may use; the PDF service's own environment (no express) adds them too. */
export function addViewFilters(env: nunjucks.Environment): void {
  const asDate = (v: unknown) =>
    v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : null
  env.addFilter('date', (v: unknown) => {
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v
    const d = asDate(v)
    return d && !Number.isNaN(d.getTime()) ? shanghaiDate(d) : ''
  })
  env.addFilter('datetime', (v: unknown) => {
    const d = asDate(v)
    return d && !Number.isNaN(d.getTime()) ? shanghaiDateTime(d) : ''
  })
  // Every 证件号码 on a page or form: `{{ n | docNumber(docViewer) }}`, the route naming the viewer
  // (src/domain/idNumber.ts, DocNumberViewer); without one it is masked.
  env.addFilter('docNumber', (v: unknown, viewer?: unknown) =>
    typeof v === 'string' ? shownDocNumber(v, viewer) : '',
  )
  env.addFilter('maskPhone', (v: unknown) => (typeof v === 'string' ? maskPhone(v) : ''))
  env.addFilter('docTypeLabel', (v: unknown) => DOC_TYPE_LABELS[v as keyof typeof DOC_TYPE_LABELS] ?? '')
  env.addFilter(
    'identityStatusLabel',
    (v: unknown) => IDENTITY_STATUS_LABELS[v as keyof typeof IDENTITY_STATUS_LABELS] ?? '',
  )
}
