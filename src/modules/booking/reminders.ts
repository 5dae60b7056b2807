import { startOfShanghaiDay } from '../../domain/time'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { JOB_QUEUES } from '../../services/jobs'
import type { Outbox } from '../../services/outbox'
import { slotLabel, timeLabel } from './calendar'
import * as bookingRepo from './bookingRepository'
import { HOUR_MS, type BookingDeps } from './service'

// The day-before reminder of 现场确认预约: a pg-boss job every evening (Beijing time) sends each
// live booking of tomorrow an SMS and an e-mail through the outbox, once (bookings.reminded_at).

/** 18:00 Beijing time: after the day's changes, with the evening to read it. */
export const REMINDER_CRON = '0 18 * * *'

/** Starts the reminder worker (on the app's job queue) and its daily schedule. */
export async function startBookingReminders(services: Services): Promise<void> {
  await services.jobs.start({
    [JOB_QUEUES.bookingReminders]: async () => {
      const done = await sendReminders(services)
      services.logger.info({ queue: JOB_QUEUES.bookingReminders, ...done }, 'booking reminders')
    },
  })
  await services.jobs.schedule(JOB_QUEUES.bookingReminders, REMINDER_CRON, 'Asia/Shanghai')
}

const SYSTEM: Actor = { kind: 'system', label: 'booking-reminders' }

/**
 * Tomorrow's (Beijing time) live bookings not yet reminded: an SMS and an e-mail each through the
 * outbox, in the transaction that marks them reminded, so each goes out once.
 */
export async function sendReminders(deps: BookingDeps & { outbox: Outbox }): Promise<{ reminded: number }> {
  const { db, clock, outbox } = deps
  const now = clock.now()
  const tomorrow = new Date(startOfShanghaiDay(now).getTime() + 24 * HOUR_MS)
  const after = new Date(tomorrow.getTime() + 24 * HOUR_MS)
  return db.transaction(async (trx) => {
    const due = await bookingRepo.claimReminders(trx, tomorrow, after, now)
    for (const r of due) {
      const text = `${r.name}您好：您预约了明天${timeLabel(r)}在${r.point_name}${r.point_address ? `（${r.point_address}）` : ''}进行教师资格现场确认（${slotLabel(r)}），请按时携带材料前往。`
      await outbox.enqueue(trx, { channel: 'sms', recipient: r.phone, body: `【教师资格】${text}` })
      await outbox.enqueue(trx, {
        channel: 'email',
        recipient: r.email,
        subject: '现场确认预约提醒',
        body: `${text}\n\n如需改约，请登录系统在报名记录中办理（改约截止时间以页面显示为准）。`,
      })
      await bookingRepo.addHistory(trx, {
        business: r.business,
        application_id: r.application_id,
        booking_id: r.booking_id,
        action: 'reminded',
        to_slot_id: r.slot_id,
        actor_kind: 'system',
        at: now,
      })
    }
    if (due.length)
      await deps.audit.record(trx, SYSTEM, { action: 'booking.reminders', detail: { reminded: due.length } })
    return { reminded: due.length }
  })
}
