import type { Knex } from 'knex'
import type { Services } from '../../services'
import { certificationStatusLabel, qualificationTypeLabel } from '../../domain/certification'
import { shanghaiDateTime } from '../../domain/time'
import { progressSql } from '../../web/wizard/progressRepository'
import * as m from './messages'
import * as repo from './repository'

// What the pages around the certification wizard read (routes.ts, wizard.ts): the guard's facts,
// the latest application and the 申报提醒.

/** The wizard guard's fact as SQL read with the run's progress: whether the chosen authority's window is open. */
export function guardFactsSql(s: Services): Knex.Raw {
  return s.bureau.certification.openWindowSql(s.db, progressSql('authority', 'authorityId'), s.clock.now())
}

/** The applicant's latest application, if any. */
export function latestApplication(s: Services, applicantId: number) {
  return repo.latestApplication(s.db, applicantId)
}

/** The 申报提醒 of the applicant's application: where and when to confirm, and what to bring. */
export async function reminderView(s: Services, id: number, applicantId: number) {
  const { db, bureau } = s
  const row = await repo.applicationOf(db, id, applicantId)
  if (!row) return undefined
  const authority = await bureau.authorityById(db, Number(row.authority_id))
  const point = await bureau.pointById(db, Number(row.point_id))
  return {
    row,
    data: row.data,
    typeText: qualificationTypeLabel(row.qualification_type),
    statusText: certificationStatusLabel(row.status),
    authority,
    point: point && {
      ...point,
      confirmTime:
        point.confirm_start && point.confirm_end
          ? `${shanghaiDateTime(point.confirm_start)} 至 ${shanghaiDateTime(point.confirm_end)}`
          : '请留意确认点通知',
    },
    collectionText: m.COLLECTION[row.collection],
    submittedAt: shanghaiDateTime(row.submitted_at),
    reminder: authority?.reminder
      ? authority.reminder.split(/\r?\n/).filter(Boolean)
      : ((await repo.settingLines(db, 'certification_reminder')) ?? m.REMINDER_DEFAULT),
  }
}
