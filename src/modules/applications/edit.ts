import type { Knex } from 'knex'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { updateGuarded } from './repository'
import type { StatusTables } from './transitions'

// 修改, the applicant's change of a submitted application, the same in every business: in one
// transaction the applicant's own application (else not_found), refused when the business says so
// (status, 确认结束时间, window), the changed answers saved over the snapshot with an UPDATE guarded
// by status 网报待确认 and version, the staff's correction note cleared (the fields it named were
// open to change), audited with the names of what changed.

export type EditOutcome = { ok: true; version: number } | { ok: false; error: string }

/** An applicant's change of their application: which, whose, the version their page showed, who. */
export interface ApplicantChange {
  applicationId: number
  applicantId: number
  version: number
  actor: Actor
}

/** What a business's change of an application reads. */
export type ChangeServices = Pick<Services, 'db' | 'clock' | 'audit' | 'bureau'>

/** What a business adds to an edit: more snapshot data, more columns, more names of what changed. */
export interface EditExtra {
  data?: Record<string, unknown>
  columns?: Record<string, unknown>
  changed?: string[]
}

export async function saveEdit<Row extends { id: number; data: Record<string, unknown> }>(
  services: Pick<Services, 'db' | 'clock' | 'audit'>,
  o: {
    /** the business's table; the edit is audited as `${audit.prefix}.edit` */
    tables: Pick<StatusTables, 'table' | 'audit'>
    load: (trx: Knex.Transaction) => Promise<Row | undefined>
    /** why the applicant may not change the application now, or null */
    refusal: (row: Row, now: Date) => Promise<string | null>
    /** the version the applicant's page showed */
    version: number
    /** the answers, checked by the caller with the wizard's own checks */
    changes: Record<string, unknown>
    actor: Actor
    /** 该申请已被他人处理: the guarded UPDATE matched nothing */
    changedFirst: string
    extra?: (trx: Knex.Transaction, row: Row) => Promise<EditExtra | { error: string }>
  },
): Promise<EditOutcome> {
  const { db, clock, audit } = services
  return db.transaction(async (trx) => {
    const row = await o.load(trx)
    if (!row) return { ok: false as const, error: 'not_found' }
    const now = clock.now()
    const refusal = await o.refusal(row, now)
    if (refusal) return { ok: false as const, error: refusal }
    const extra = (await o.extra?.(trx, row)) ?? {}
    if ('error' in extra) return { ok: false as const, error: extra.error }
    const changed = Object.keys(o.changes).filter(
      (k) => JSON.stringify(row.data[k] ?? '') !== JSON.stringify(o.changes[k] ?? ''),
    )
    const updated = await updateGuarded(
      trx,
      o.tables.table,
      { id: row.id, status: 'pending_confirmation', version: o.version },
      {
        data: JSON.stringify({ ...row.data, ...o.changes, ...extra.data }),
        ...extra.columns,
        correction: null,
        updated_at: now,
      },
    )
    if (!updated) return { ok: false as const, error: o.changedFirst }
    await audit.record(trx, o.actor, {
      action: `${o.tables.audit.prefix}.edit`,
      targetType: o.tables.audit.targetType,
      targetId: row.id,
      detail: { changed: [...changed, ...(extra.changed ?? [])] },
    })
    return { ok: true as const, version: o.version + 1 }
  })
}
