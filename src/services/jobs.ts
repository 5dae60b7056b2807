import PgBoss from 'pg-boss'
import type { Logger } from './logger'

// Background jobs on the application's own PostgreSQL (pg-boss keeps its tables in the `pgboss`
// schema and creates them on first start). Built by buildServices but started only by the server
// (and by tests that ask for it), so a test or a script that never starts it sends nothing: callers
// keep their own record of the work (e.g. registry_imports) and a starting worker sweeps it up.

export type JobHandler = (data: Record<string, unknown>) => Promise<void>

export interface Jobs {
  readonly started: boolean
  /** Starts pg-boss (once) and a worker for each queue. */
  start(workers: Record<string, JobHandler>): Promise<void>
  /** Queues a job; false when the queue is not running in this process. */
  send(queue: string, data: Record<string, unknown>): Promise<boolean>
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
          schedule: false,
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
    async stop(timeoutMs = 15_000) {
      const b = boss
      boss = null
      queues.clear()
      if (b) await b.stop({ graceful: true, timeout: timeoutMs, wait: true })
    },
  }
}
