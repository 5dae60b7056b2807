import type { Services } from '.'
import { deliverPending } from './outbox'

// Polls the outbox while the server runs; a no-op when no sender is configured (see /dev/outbox).
export function startOutboxSender(services: Services, everyMs = 5000): { stop(): void } {
  const { transport } = services
  if (!transport.email && !transport.sms) return { stop: () => undefined }
  let running = false
  const timer = setInterval(async () => {
    if (running) return
    running = true
    try {
      await deliverPending(services.db, services.clock, transport, services.logger)
    } catch (err) {
      services.logger.warn({ err }, 'outbox sender pass failed')
    } finally {
      running = false
    }
  }, everyMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
