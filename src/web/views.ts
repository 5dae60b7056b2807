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
  // A select's options: the same markup selectField's loop wrote, in one pass of JavaScript; a
  // list such as 所学专业 has hundreds, and a template loop costs a frame and its loop variables each.
  env.addFilter('selectOptions', selectOptions)
  env.addFilter('maskPhone', (v: unknown) => (typeof v === 'string' ? maskPhone(v) : ''))
  env.addFilter('docTypeLabel', (v: unknown) => DOC_TYPE_LABELS[v as keyof typeof DOC_TYPE_LABELS] ?? '')
  env.addFilter(
    'identityStatusLabel',
    (v: unknown) => IDENTITY_STATUS_LABELS[v as keyof typeof IDENTITY_STATUS_LABELS] ?? '',
  )
}

// What nunjucks' autoescape writes for a value: nothing for null/undefined, a SafeString as it is.
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '&#92;',
}
const escaped = (v: unknown): string =>
  v === undefined || v === null
    ? ''
    : v instanceof nunjucks.runtime.SafeString
      ? v.toString()
      : escapeText(String(v))
const escapeText = (s: string) => (/[&"'<>\\]/.test(s) ? s.replace(/[&"'<>\\]/g, (c) => ESCAPES[c]) : s)

type SelectOption = { value?: unknown; text?: unknown; group?: unknown }

/**
 * `<option>`s of `options` ([{value, text, group?}]), the one whose value is `current` selected;
 * consecutive options of one group inside its `<optgroup>`, in order of appearance.
 */
export function selectOptions(options: unknown, current: unknown): nunjucks.runtime.SafeString {
  const selected = String(current)
  let html = ''
  let group: unknown = ''
  for (const o of Array.isArray(options) ? (options as SelectOption[]) : []) {
    if (o.group && o.group !== group) {
      if (group) html += '</optgroup>'
      html += `<optgroup label="${escaped(o.group)}">`
      group = o.group
    } else if (!o.group && group) {
      html += '</optgroup>'
      group = ''
    }
    html += `<option value="${escaped(o.value)}"${String(o.value) === selected ? ' selected' : ''}>${escaped(o.text)}</option>`
  }
  if (group) html += '</optgroup>'
  return new nunjucks.runtime.SafeString(html)
}
