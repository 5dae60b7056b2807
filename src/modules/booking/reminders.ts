import type { Services } from '../../services'
import { JOB_QUEUES } from '../../services/jobs'
import { sendReminders } from './service'

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
