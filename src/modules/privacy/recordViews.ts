import type { Request } from 'express'
import type { Services } from '../../services'
import type { Db } from '../../db/knex'
import { IMAGE_RULES, isImageKind } from '../../domain/imageRules'
import { roleLabel, type RoleGrant } from '../../domain/roles'
import { shanghaiDateTime } from '../../domain/time'
import { VIEW_LABELS, type RecordView } from './messages'
import * as repo from './repository'

// Staff views of an applicant's record are audited, and the applicant reads them (个人信息中心 →
// 查阅记录). Each entry keeps the viewer's name and roles as they were at the time, so a later change
// of post does not rewrite who looked.

export interface ViewedRecord {
  applicantId: number | string
  what: RecordView
  /** the record's number or id, as the applicant knows it (报名号), when there is one */
  record?: string | number
}

/** One entry per staff GET of an applicant's record, form, review or file. */
export async function recordStaffView(services: Services, req: Request, view: ViewedRecord): Promise<void> {
  const staff = req.staff
  if (!staff) return
  await services.audit.record(services.db, req.actor, {
    action: repo.RECORD_VIEWED,
    targetType: 'applicant',
    targetId: Number(view.applicantId),
    detail: {
      what: view.what,
      ...(view.record === undefined ? {} : { record: String(view.record) }),
      name: staff.name,
      grants: staff.roles.map((g) => ({ role: g.role, scope_type: g.scope_type, scope_id: g.scope_id })),
    },
  })
}

export const VIEWS_SHOWN = 500

/** The application's number, or for a file what it is (证件照, 学历证书扫描件, ...). */
function recordText(detail: Record<string, unknown>): string {
  const record = typeof detail.record === 'string' ? detail.record : ''
  return detail.what === 'file' && isImageKind(record) ? IMAGE_RULES[record].label : record
}

export interface RecordViewLine {
  at: string
  name: string
  roles: string
  what: string
  record: string
}

/** The applicant's 查阅记录, newest first: who (name, role and unit), when, what. */
export async function recordViewsFor(db: Db, applicantId: number): Promise<RecordViewLine[]> {
  const rows = await repo.recordViewsOf(db, applicantId, VIEWS_SHOWN)
  const grantsOf = (r: repo.AuditAboutRow) =>
    (Array.isArray(r.detail.grants) ? r.detail.grants : []) as RoleGrant[]
  const ids = { authorities: new Set<number>(), points: new Set<number>() }
  for (const g of rows.flatMap(grantsOf)) {
    if (g.scope_type === 'authority') ids.authorities.add(Number(g.scope_id))
    if (g.scope_type === 'point') ids.points.add(Number(g.scope_id))
  }
  const names = await repo.scopeNames(db, { authorities: [...ids.authorities], points: [...ids.points] })
  const unitOf = (g: RoleGrant) =>
    g.scope_type === 'authority'
      ? names.authorities.get(Number(g.scope_id))
      : g.scope_type === 'point'
        ? names.points.get(Number(g.scope_id))
        : undefined
  return rows.map((r) => ({
    at: shanghaiDateTime(r.at),
    name: typeof r.detail.name === 'string' ? r.detail.name : (r.actor_label ?? ''),
    roles: grantsOf(r)
      .map((g) => {
        const unit = unitOf(g)
        return unit ? `${roleLabel(g.role)}（${unit}）` : roleLabel(g.role)
      })
      .join('、'),
    what: VIEW_LABELS[r.detail.what as RecordView] ?? String(r.detail.what ?? ''),
    record: recordText(r.detail),
  }))
}
