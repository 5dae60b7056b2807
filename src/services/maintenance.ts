import type { Services } from '.'
import { purgeExpiredAudit } from '../modules/staff/auditLog'
import { purgeDrafts } from './uploads'

// Daily housekeeping while the server runs: audit entries past the 6-month retention are purged
// (the database refuses to delete anything younger), and previewed photos never adopted by a
// submission are dropped after a day.
export function startMaintenance(services: Services, everyMs = 24 * 3600_000): { stop(): void } {
  const run = async () => {
    try {
      const purged = await purgeExpiredAudit(services.db, services.clock)
      if (purged) services.logger.info({ purged }, 'audit retention purge')
      const drafts = await purgeDrafts(services.db, new Date(services.clock.now().getTime() - 24 * 3600_000))
      if (drafts) services.logger.info({ drafts }, 'unused upload drafts purged')
    } catch (err) {
      services.logger.warn({ err }, 'maintenance pass failed')
    }
  }
  const first = setTimeout(run, 60_000)
  const timer = setInterval(run, everyMs)
  first.unref()
  timer.unref()
  return {
    stop: () => {
      clearTimeout(first)
      clearInterval(timer)
    },
  }
}
