import type { Knex } from 'knex'
import type { Services } from '../../services'
import { registrationCycle, statusLabel } from '../../domain/registration'
import { shanghaiDateTime } from '../../domain/time'
import { progressSql } from '../../web/wizard/progressRepository'
import type { Values } from '../../web/wizard/types'
import * as m from './messages'
import * as repo from './repository'

// What the pages around the registration wizard read (routes.ts, wizard.ts): the cycle's active
// registration, the guard's facts, 添加证书's lists and the 申报提醒.

/** The applicant's registration of this cycle that is still active, if any. */
export function activeRegistrationNow(s: Services, applicantId: number) {
  return repo.activeRegistration(s.db, applicantId, registrationCycle(s.clock.now()))
}

/**
 * The wizard guard's facts as SQL read with the run's progress (one statement): the applicant's
 * active registration of the cycle, and whether the chosen authority's window is open.
 */
export function guardFactsSql(s: Services, applicantId: number): Knex.Raw {
  const now = s.clock.now()
  return repo.guardFactsSql(
    s.db,
    applicantId,
    registrationCycle(now),
    s.bureau.registration.openWindowSql(s.db, progressSql('authority', 'authorityId'), now),
  )
}

export type { GuardFacts } from './repository'

/** 添加教师资格证书信息's lists: the cities follow the province shown. */
export async function addCertificateLists(s: Services, provinceCode: string) {
  return {
    provinces: await repo.regionOptions(s.db, null),
    cities: provinceCode ? await repo.regionOptions(s.db, provinceCode) : [],
    types: await repo.refOptions(s.db, 'qualification_type'),
    subjects: await repo.certificateSubjectOptions(s.db),
  }
}

/** Whether 添加证书 offers this 任教学科. */
export async function certificateSubjectOffered(s: Services, subject: unknown): Promise<boolean> {
  return (await repo.certificateSubjectOptions(s.db)).some((o) => o.value === subject)
}

/** The 申报提醒 of the applicant's registration: where and when to confirm, and what to bring. */
export async function reminderView(s: Services, id: number, applicantId: number) {
  const { db } = s
  const row = await repo.registrationOf(db, id, applicantId)
  if (!row) return undefined
  const authority = await s.bureau.registration.authority(db, Number(row.authority_id))
  // The chosen point even after its 确认结束时间 (pointsFor offers only the current ones).
  const point = await s.bureau.registration.point(db, Number(row.point_id))
  const stages = await repo.refOptions(db, 'teaching_stage')
  const subjects = await repo.refOptions(db, 'subject')
  return {
    row,
    statusText: statusLabel(row.status),
    stage: stages.find((o) => o.value === row.stage)?.text ?? row.stage,
    subject: subjects.find((o) => o.value === row.subject)?.text ?? row.subject,
    authority,
    authorityName: authority?.name ?? String((row.data as Values).authorityName ?? ''),
    point: point && {
      ...point,
      confirmStart: point.confirmStart ? shanghaiDateTime(point.confirmStart) : '',
      confirmEnd: point.confirmEnd ? shanghaiDateTime(point.confirmEnd) : '',
    },
    pointName: point?.name ?? String((row.data as Values).pointName ?? ''),
    submittedAt: shanghaiDateTime(row.submitted_at),
    reminder: authority?.reminder
      ? authority.reminder.split(/\r?\n/).filter(Boolean)
      : ((await repo.settingLines(db, 'registration_reminder')) ?? m.REMINDER_DEFAULT),
    notices: (await repo.settingLines(db, 'registration_notices')) ?? m.NOTICES_DEFAULT,
    downloadEnds: authority?.formDownloadEnd ? m.downloadUntil(authority.formDownloadEnd) : '',
  }
}
