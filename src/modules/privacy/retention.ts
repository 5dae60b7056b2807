import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { JOB_QUEUES } from '../../services/jobs'
import type { Db } from '../../db/knex'
import * as repo from './repository'
import { retireAudit } from '../../services/auditRepository'

// How long the instance keeps what (README「个人信息的保存期限」). The periods are instance settings
// (系统设置 → 保存期限) with these defaults; each purge is a pg-boss job run daily, and each run
// writes its own audit entry with what it removed, also when that is nothing.

export interface Retention {
  /** 报名向导的草稿 and uploads no submission adopted: days since last touched */
  draftDays: number
  /** an account without any application: years since its last login (or registration) */
  abandonedYears: number
  /** audit entries online: months (网络安全法 art. 21: at least 6), then archived */
  auditMonths: number
  /** archived audit entries: years since the entry, then deleted */
  archiveYears: number
}

export const DEFAULT_RETENTION: Retention = {
  draftDays: 30,
  abandonedYears: 3,
  auditMonths: 6,
  archiveYears: 3,
}

const KEY = 'retention'

export async function getRetention(db: Db): Promise<Retention> {
  const stored = await repo.readSetting(db, KEY)
  const out = { ...DEFAULT_RETENTION }
  if (stored && typeof stored === 'object')
    for (const k of Object.keys(out) as (keyof Retention)[]) {
      const v = (stored as Record<string, unknown>)[k]
      if (Number.isInteger(v)) out[k] = v as number
    }
  // the database enforces the legal minimum as well (retire_audit_log)
  out.auditMonths = Math.max(out.auditMonths, DEFAULT_RETENTION.auditMonths)
  return out
}

export async function saveRetention(services: Services, actor: Actor, values: Retention): Promise<string[]> {
  return services.db.transaction(async (trx) => {
    const before = await getRetention(trx)
    const changed = (Object.keys(DEFAULT_RETENTION) as (keyof Retention)[]).filter(
      (k) => before[k] !== values[k],
    )
    if (!changed.length) return changed
    await repo.writeSetting(trx, KEY, values, services.clock.now())
    await services.audit.record(trx, actor, {
      action: 'retention.update',
      targetType: 'settings',
      detail: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: values[k] }])),
    })
    return changed
  })
}

/** What a purge needs: the database, the clock and the audit log (tests pass just these). */
export type RetentionDeps = Pick<Services, 'db' | 'clock' | 'audit'>

const SYSTEM: Actor = { kind: 'system', label: 'retention' }
const DAY_MS = 24 * 3600_000

/** `days` and `years` before `now` (calendar years in UTC; a day either way does not matter here). */
function before(now: Date, { days = 0, years = 0 }: { days?: number; years?: number }): Date {
  const d = new Date(now.getTime() - days * DAY_MS)
  d.setUTCFullYear(d.getUTCFullYear() - years)
  return d
}

export async function purgeDrafts(
  services: RetentionDeps,
): Promise<{ wizardDrafts: number; uploads: number }> {
  const { draftDays } = await getRetention(services.db)
  const cutoff = before(services.clock.now(), { days: draftDays })
  return services.db.transaction(async (trx) => {
    const removed = await repo.deleteStaleDrafts(trx, cutoff)
    await services.audit.record(trx, SYSTEM, {
      action: 'retention.drafts',
      detail: { ...removed, olderThan: cutoff.toISOString(), days: draftDays },
    })
    return removed
  })
}

export async function purgeAbandonedAccounts(services: RetentionDeps): Promise<{ accounts: number }> {
  const { abandonedYears } = await getRetention(services.db)
  const cutoff = before(services.clock.now(), { years: abandonedYears })
  return services.db.transaction(async (trx) => {
    const ids = await repo.deleteAbandonedAccounts(trx, cutoff)
    await services.audit.record(trx, SYSTEM, {
      action: 'retention.accounts',
      detail: { accounts: ids.length, ids, lastSeenBefore: cutoff.toISOString(), years: abandonedYears },
    })
    return { accounts: ids.length }
  })
}

/**
 * Entries past the online period into the archive, archived ones past theirs deleted (the owner's
 * retire_audit_log: the app's role may not delete from either). The entry about it is written after,
 * so it is never itself among what was moved.
 */
export async function retireAuditLog(
  services: RetentionDeps,
): Promise<{ archived: number; deleted: number }> {
  const { auditMonths, archiveYears } = await getRetention(services.db)
  return services.db.transaction(async (trx) => {
    const done = await retireAudit(trx, services.clock.now(), auditMonths, archiveYears)
    await services.audit.record(trx, SYSTEM, {
      action: 'retention.audit',
      detail: { ...done, months: auditMonths, archiveYears },
    })
    return done
  })
}

const PURGES = {
  [JOB_QUEUES.retentionDrafts]: purgeDrafts,
  [JOB_QUEUES.retentionAccounts]: purgeAbandonedAccounts,
  [JOB_QUEUES.retentionAudit]: retireAuditLog,
} as const

/** Once a night, Beijing time, one after the other so they never compete for the database. */
const SCHEDULES: Record<keyof typeof PURGES, string> = {
  [JOB_QUEUES.retentionDrafts]: '10 3 * * *',
  [JOB_QUEUES.retentionAccounts]: '20 3 * * *',
  [JOB_QUEUES.retentionAudit]: '30 3 * * *',
}

/** Starts the queue (if it is not yet) with the purge workers, and their daily schedules. */
export async function startRetentionJobs(services: Services): Promise<void> {
  await services.jobs.start(
    Object.fromEntries(
      Object.entries(PURGES).map(([queue, purge]) => [
        queue,
        async () => {
          const done = await purge(services)
          services.logger.info({ queue, ...done }, 'retention purge')
        },
      ]),
    ),
  )
  for (const [queue, cron] of Object.entries(SCHEDULES))
    await services.jobs.schedule(queue, cron, 'Asia/Shanghai')
}
