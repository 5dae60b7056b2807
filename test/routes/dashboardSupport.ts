import type { TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { infoItem, storedScan } from '../helpers/infoFactories'
import { applicantWithRegistration, bureauRows, twoAuthorities } from './registrationRecordsSupport'
import { applicantWithApplication, certifyingBureau } from './certificationRecordsSupport'

// One day of the instance for the 运行概况 page (test/routes/dashboard.test.ts spells out its figures).

/** Moves an application on to `status`, as staff would: the status and a history row at `at`. */
async function moveTo(
  t: TestApp,
  table: 'registrations' | 'certification_applications',
  id: number,
  status: string,
  at: string,
) {
  const history = table === 'registrations' ? 'registration_status_history' : 'certification_status_history'
  const key = table === 'registrations' ? 'registration_id' : 'application_id'
  await t
    .db(table)
    .where({ id })
    .update({ status, updated_at: new Date(at) })
  await t.db(history).insert({
    [key]: id,
    from_status: 'pending_confirmation',
    to_status: status,
    actor_kind: 'staff',
    actor_id: null,
    at: new Date(at),
  })
}

/**
 * 2026-09-15 10:00 in Beijing. 定期注册: 台山 (3) two 网报待确认 (one today) and one 待注册审批, 开平 (4)
 * one 注册合格, and one of last year. 教师资格认定: one 待审核 since 09-10, one 网报待确认 of today. A
 * 实名人工审核 from 09-01 08:00 (the oldest waiting item) and one 信息核验 item.
 */
export async function arrangeDay(t: TestApp): Promise<{ authorityName: string }> {
  t.clock.set('2026-09-15T02:00:00Z')
  await bureauRows(t, twoAuthorities())
  // 定期注册: 台山 (3) two 网报待确认 (one today) and one 待注册审批; 开平 (4) one 注册合格; one of last year
  await applicantWithRegistration(t, { submittedAt: new Date('2026-09-15T01:00:00Z') })
  await applicantWithRegistration(t, { submittedAt: new Date('2026-09-12T02:00:00Z') })
  const confirmed = await applicantWithRegistration(t, { submittedAt: new Date('2026-09-11T02:00:00Z') })
  await moveTo(t, 'registrations', confirmed.registration.id, 'confirmed', '2026-09-13T02:00:00Z')
  const approved = await applicantWithRegistration(t, { authorityId: 4, pointId: 41 })
  await moveTo(t, 'registrations', approved.registration.id, 'approved', '2026-09-14T02:00:00Z')
  const lastYear = await applicantWithRegistration(t, { submittedAt: new Date('2025-09-12T02:00:00Z') })
  await t
    .db('registrations')
    .where({ id: lastYear.registration.id })
    .update({ cycle: 2025, status: 'approved' })
  // 教师资格认定: one 待审核 since 09-10, one 网报待确认 of today
  const bureau = await certifyingBureau(t)
  const authorityName = (await t.db('authorities').where({ id: bureau.authorityId }).first()).name
  const review = await applicantWithApplication(t, bureau, {
    submittedAt: new Date('2026-09-09T02:00:00Z'),
  })
  await moveTo(
    t,
    'certification_applications',
    review.application.id,
    'awaiting_review',
    '2026-09-10T02:00:00Z',
  )
  await applicantWithApplication(t, bureau, { submittedAt: new Date('2026-09-15T00:30:00Z') })
  // the oldest waiting item of all: a 实名人工审核 from 09-01 08:00 Beijing time
  const reviewer = await createApplicant(t.db, { identity_status: 'manual_pending' })
  await t.db('identity_reviews').insert({
    applicant_id: reviewer.id,
    cycle: '2026',
    name: reviewer.name,
    doc_type: 'id_card',
    doc_number: reviewer.doc_number,
    photo_file_id: await storedScan(t.db, reviewer.id, 'id_photo'),
    submitted_at: new Date('2026-09-01T00:00:00Z'),
    deadline: '2026-09-10',
  })
  const holder = await createApplicant(t.db)
  await infoItem(t.db, holder.id, 'mandarin', { updated_at: new Date('2026-09-14T02:00:00Z') })
  await infoItem(t.db, holder.id, 'degree', { status: 'verified' })

  return { authorityName }
}
