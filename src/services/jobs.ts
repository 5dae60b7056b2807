import PgBoss from 'pg-boss'
import type { Logger } from './logger'

// Background jobs on the application's own PostgreSQL (pg-boss keeps its tables in the `pgboss`
// schema). The owner installs (or upgrades) that schema and creates the queues before the app starts
// (installJobs, from prepareDatabase): a queue is a table of its own, and the app's role may not
// create tables. Built by buildServices but started only by the server
// (and by tests that ask for it), so a test or a script that never starts it sends nothing: callers
// keep their own record of the work (e.g. registry_imports) and a starting worker sweeps it up.

/** Every queue the app works; installJobs creates them as the owner. */
export const JOB_QUEUES = {
  registryImport: 'registry-import',
  queueExport: 'queue-export',
  retentionDrafts: 'retention-drafts',
  retentionAccounts: 'retention-accounts',
  retentionAudit: 'retention-audit',
  bookingReminders: 'booking-reminders',
} as const

// pg-boss's own queue through which its clock sends scheduled jobs (timekeeper.js); the app's role
// could not create it when it first starts a schedule.
const SCHEDULE_QUEUE = '__pgboss__send-it'

export type JobHandler = (data: Record<string, unknown>) => Promise<void>

export interface Jobs {
  readonly started: boolean
  /** Starts pg-boss (once) and a worker for each queue. */
  start(workers: Record<string, JobHandler>): Promise<void>
  /** Queues a job; false when the queue is not running in this process. */
  send(queue: string, data: Record<string, unknown>): Promise<boolean>
  /** Sends an empty job to a running queue on a cron schedule (kept in pgboss.schedule). */
  schedule(queue: string, cron: string, tz: string): Promise<void>
  /** Lets running jobs finish (up to `timeoutMs`), then disconnects. */
  stop(timeoutMs?: number): Promise<void>
}

export function createJobs(databaseUrl: string, logger: Logger): Jobs {
  let boss: PgBoss | null = null
  const queues = new Set<string>()
  return {
    get started() {
      return boss !== null
    },
    async start(workers) {
      if (!boss) {
        const b = new PgBoss({
          connectionString: databaseUrl,
          max: 3,
          application_name: 'jszg-jobs',
          migrate: false,
        })
        b.on('error', (err) => logger.error({ err }, 'job queue'))
        await b.start()
        boss = b
      }
      for (const [queue, handle] of Object.entries(workers)) {
        if (queues.has(queue)) continue
        queues.add(queue)
        await boss.createQueue(queue)
        await boss.work<Record<string, unknown>>(
          queue,
          { batchSize: 1, pollingIntervalSeconds: 1 },
          async ([job]) => handle(job.data),
        )
      }
    },
    async send(queue, data) {
      if (!boss || !queues.has(queue)) return false
      await boss.send(queue, data, { retryLimit: 2, retryDelay: 5, expireInMinutes: 30 })
      return true
    },
    async schedule(queue, cron, tz) {
      if (!boss || !queues.has(queue)) throw new Error(`queue ${queue} is not running`)
      await boss.schedule(queue, cron, {}, { tz })
    },
    async stop(timeoutMs = 15_000) {
      const b = boss
      boss = null
      queues.clear()
      if (b) await b.stop({ graceful: true, timeout: timeoutMs, wait: true })
    },
  }
}

/** As the database's owner: pg-boss's schema at this pg-boss version, and every queue in JOB_QUEUES. */
export async function installJobs(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    max: 1,
    application_name: 'jszg-migrate',
    schedule: false,
    supervise: false,
  })
  await boss.start()
  try {
    for (const queue of [...Object.values(JOB_QUEUES), SCHEDULE_QUEUE]) await boss.createQueue(queue)
  } finally {
    await boss.stop({ graceful: false, wait: true })
  }
}
