import type { Knex } from 'knex'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { onSiteRefusal } from '../../domain/confirmation'
import type { TransitionActor, TransitionTable } from '../../domain/transitions'
import { applicationById, insertStatusHistory, updateGuarded, type HistoryTable } from './repository'

// A status change of an application, the same in every business: in one transaction the UPDATE
// guarded by the status and version that were seen (someone else changed it first: nothing
// written), a status-history row and an audit entry. The business names its tables and its
// transitions table (src/domain/<business>.ts); scope checks (which point's or authority's staff)
// are the caller's.

/** A business's tables and audit names as a status change writes them. */
export interface StatusTables extends HistoryTable {
  table: string
  /** audit entries are `${audit.prefix}.<transition>` on `audit.targetType` */
  audit: { prefix: string; targetType: string }
}

export interface TransitionInput<N extends string> {
  applicationId: number
  /** The version the actor saw: a guarded UPDATE refuses when someone changed it first. */
  version: number
  name: N
  actor: { kind: TransitionActor; id: number; audit: Actor }
  reason?: string
  /** 确认未通过: the materials still missing. */
  missingMaterials?: string[]
  /** 退回修改: the fields to correct (wizard answer names) and the note shown with them. */
  correction?: { fields: string[]; note: string }
}

export type TransitionOutcome<
  S extends string,
  More extends object = object,
  Refusal extends string = never,
> =
  | ({ ok: true; status: S; version: number } & Partial<More>)
  | { ok: false; reason: 'not_found' | 'not_allowed' | 'reason_required' | 'changed_first' | Refusal }
  | { ok: false; reason: 'too_early'; message: string }

/**
 * The guarded write of one status change, inside the caller's transaction: the application moves
 * from `row.status` (at `version`) to `to` with `patch`; then the business's `effect` (what it writes
 * with the change), the history row and the audit entry `${prefix}.${name}` with `detail` and what
 * the effect answered. Null when the guarded UPDATE matched nothing (nothing written).
 */
export async function writeTransition<More extends object>(
  trx: Knex.Transaction,
  services: Pick<Services, 'audit'>,
  t: StatusTables,
  w: {
    row: { id: number; status: string }
    version: number
    name: string
    to: string
    patch: Record<string, unknown>
    actor: { kind: 'applicant' | 'staff'; id: number; audit: Actor }
    reason: string | null
    at: Date
    detail: Record<string, unknown>
    effect?: () => Promise<More | null>
  },
): Promise<Partial<More> | null> {
  const { row } = w
  const seen = { id: row.id, status: row.status, version: w.version }
  if (!(await updateGuarded(trx, t.table, seen, { status: w.to, ...w.patch }))) return null
  const more: Partial<More> = (await w.effect?.()) ?? {}
  await insertStatusHistory(trx, t, {
    applicationId: row.id,
    from_status: row.status,
    to_status: w.to,
    actor_kind: w.actor.kind,
    actor_id: w.actor.id,
    reason: w.reason,
    at: w.at,
  })
  await services.audit.record(trx, w.actor.audit, {
    action: `${t.audit.prefix}.${w.name}`,
    targetType: t.audit.targetType,
    targetId: row.id,
    detail: { ...w.detail, ...more },
  })
  return more
}

/**
 * Moves one application along the business's transitions table in its own transaction: the
 * transition must exist, have its reason (or materials, or note) when it needs one, be the actor's to
 * make from the application's status, and not come before the point's 现场确认 start
 * (onSiteRefusal); `refusal` adds the business's own, `effect` what it writes with the change.
 */
export async function transitionApplication<
  S extends string,
  N extends string,
  Row extends { id: number; status: S; point_id: number | string },
  More extends object = object,
  Refusal extends string = never,
>(
  services: Pick<Services, 'db' | 'clock' | 'audit' | 'bureau'>,
  b: {
    tables: StatusTables
    rules: Pick<TransitionTable<S, N>, 'transitionNamed' | 'canTransition'>
    refusal?: (trx: Knex.Transaction, row: Row, name: N) => Promise<Refusal | null>
    effect?: (trx: Knex.Transaction, row: Row, name: N, now: Date) => Promise<More | null>
  },
  input: TransitionInput<N>,
): Promise<TransitionOutcome<S, More, Refusal>> {
  const t = b.rules.transitionNamed(input.name)
  if (!t) return { ok: false, reason: 'not_allowed' }
  const reason =
    input.reason?.trim() ||
    (input.missingMaterials?.length ? input.missingMaterials.join('、') : '') ||
    input.correction?.note.trim() ||
    ''
  if (t.reasonRequired && !reason) return { ok: false, reason: 'reason_required' }
  return services.db.transaction(async (trx): Promise<TransitionOutcome<S, More, Refusal>> => {
    const row = await applicationById<Row>(trx, b.tables.table, Number(input.applicationId))
    if (!row) return { ok: false, reason: 'not_found' }
    const to = b.rules.canTransition(row.status, input.name, input.actor.kind)
    if (!to) return { ok: false, reason: 'not_allowed' }
    const now = services.clock.now()
    const early = onSiteRefusal(input.name, await services.bureau.pointById(trx, Number(row.point_id)), now)
    if (early) return { ok: false, reason: 'too_early', message: early }
    const refused = await b.refusal?.(trx, row, input.name)
    if (refused) return { ok: false, reason: refused }
    const staffDecision = input.actor.kind !== 'applicant'
    const more = await writeTransition<More>(trx, services, b.tables, {
      row,
      version: input.version,
      name: input.name,
      to,
      patch: {
        updated_at: now,
        reason: reason || null,
        missing_materials: input.name === 'fail_confirmation' ? (input.missingMaterials ?? [reason]) : null,
        correction:
          input.name === 'return_for_correction'
            ? JSON.stringify(input.correction ?? { fields: [], note: reason })
            : null,
        ...(staffDecision ? { decided_by: input.actor.id, decided_at: now } : {}),
      },
      actor: { kind: staffDecision ? 'staff' : 'applicant', id: input.actor.id, audit: input.actor.audit },
      reason: reason || null,
      at: now,
      detail: { from: row.status, to, reason: reason || undefined },
      effect: b.effect && (() => b.effect!(trx, row, input.name, now)),
    })
    if (!more) return { ok: false, reason: 'changed_first' }
    return { ok: true, status: to, version: input.version + 1, ...more } as TransitionOutcome<
      S,
      More,
      Refusal
    >
  })
}
