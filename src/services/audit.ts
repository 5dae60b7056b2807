import type { Db } from '../db/knex'
import { appendAudit } from './auditRepository'
import type { Clock } from './clock'

export interface Actor {
  kind: 'applicant' | 'staff' | 'anonymous' | 'system'
  id?: number | null
  label?: string | null
  ip?: string | null
  userAgent?: string | null
}

/** An actor who is signed in: the audit entry and what it touches name them by id. */
export type SignedInActor = Actor & { kind: 'applicant' | 'staff'; id: number }

/** Where a request came from, for a service that names the actor itself (e.g. an account just made). */
export type RequestContext = Pick<Actor, 'ip' | 'userAgent'>

export interface AuditEntry {
  action: string
  targetType?: string
  targetId?: string | number
  detail?: Record<string, unknown>
}

export interface Audit {
  record(trx: Db, actor: Actor, entry: AuditEntry): Promise<void>
  /** The audit_log row `record` would insert, for a caller that writes it inside a larger statement. */
  row(actor: Actor, entry: AuditEntry): Record<string, unknown>
}

export function createAudit(clock: Clock): Audit {
  const row = (actor: Actor, entry: AuditEntry) => ({
    at: clock.now(),
    actor_kind: actor.kind,
    actor_id: actor.id ?? null,
    actor_label: actor.label ?? null,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId === undefined ? null : String(entry.targetId),
    detail: JSON.stringify(entry.detail ?? {}),
    ip: actor.ip ?? null,
    user_agent: actor.userAgent?.slice(0, 300) ?? null,
  })
  return {
    row,
    async record(trx, actor, entry) {
      await appendAudit(trx, row(actor, entry))
    },
  }
}
