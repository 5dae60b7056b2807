import type { TestApp } from './app'
import { createStaff } from './factories'
import { infoItem, registrationAtPoint } from './infoFactories'
import { makeWindow } from './bureauFactories'
import type { SweepIds } from './routeSweep'
import {
  applicantWithApplication,
  certifyingBureau,
  type Bureau,
} from '../routes/certificationRecordsSupport'

// What the route sweeps (bad input: test/routes/input-sweep.test.ts; every page through axe-core:
// test/browser/every-page.test.ts) walk with: an applicant holding one of everything (a submitted
// 认定 application, a 定期注册 at the bureau's point, a 普通话, 学历 and 学位 item, a pending identity
// review), a window, a second staff account, and the ids that fill the routes' `:id`s.

export interface SweepScene {
  bureau: Bureau
  ids: SweepIds
  /** the applicant holding every record */
  applicant: { id: number; doc_number: string; password: string; name: string }
  /** a staff member holding every role (admin; approvers of the bureau; clerk of its point) */
  staff: { username: string; password: string }
}

export async function sweepScene(t: TestApp): Promise<SweepScene> {
  const bureau = await certifyingBureau(t)
  const { applicant, application, files } = await applicantWithApplication(t, bureau)
  const registration = await registrationAtPoint(t.db, applicant.id, bureau.pointId)
  await t.db('registrations').where({ id: registration }).update({ authority_id: bureau.authorityId })
  const item = (kind: 'mandarin' | 'education' | 'degree') => infoItem(t.db, applicant.id, kind)
  const [mandarin, education, degree] = [
    await item('mandarin'),
    await item('education'),
    await item('degree'),
  ]
  const window = await makeWindow(t.db, bureau.authorityId, 'registration', '2026-09-01', '2026-12-31')
  const other = await createStaff(t.db, [{ role: 'identity_reviewer' }])
  const [review] = await t
    .db('identity_reviews')
    .insert({
      applicant_id: applicant.id,
      cycle: '2026',
      name: applicant.name,
      doc_type: 'id_card',
      doc_number: applicant.doc_number,
      photo_file_id: files.photo,
      submitted_at: new Date('2026-09-10T02:00:00Z'),
      deadline: '2026-09-20',
    })
    .returning('id')
  const ids: SweepIds = {
    mandarin: mandarin.id,
    education: education.id,
    degree: degree.id,
    registration,
    certification: application.id,
    identityReview: review.id,
    authority: bureau.authorityId,
    point: bureau.pointId,
    window,
    staff: other.id,
    file: files.photo,
  }
  const staff = await createStaff(t.db, [
    { role: 'admin' },
    { role: 'registration_approver', scope_type: 'authority', scope_id: bureau.authorityId },
    { role: 'certification_approver', scope_type: 'authority', scope_id: bureau.authorityId },
    { role: 'confirmation_clerk', scope_type: 'point', scope_id: bureau.pointId },
  ])
  return { bureau, ids, applicant, staff }
}
