import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant, createStaff } from '../helpers/factories'
import type { Agent } from '../helpers/http'
import { infoItem, registrationAtPoint } from '../helpers/infoFactories'
import { insertReview } from '../fixtures/identity'
import {
  applicantWithApplication,
  certifyingBureau,
  scopedStaff,
  signedIn,
  type Bureau,
} from './certificationRecordsSupport'
import { applicantWithRegistration } from './registrationRecordsSupport'
import { loginStaff } from './staffSupport'
import { maskDocNumber } from '../../src/domain/idNumber'

// One rule for the 证件号码 on every page: in full to its holder only where they must check it (the
// wizards' 确认申报信息 and the printed 申请表, tested with the wizards and the forms), and to staff
// whose scope holds the record; masked (42**************60) everywhere else.

describe('证件号码 on pages', () => {
  let t: TestApp
  let here: Bureau
  beforeAll(async () => {
    t = await appWithAllRoutes()
    here = await certifyingBureau(t)
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  /** The page answers 200 and shows the number masked, never in full. */
  async function masked(a: Agent, url: string, docNumber: string) {
    const page = await a.get(url)
    expect(page.status).toBe(200)
    expect(page.text).toContain(maskDocNumber(docNumber))
    expect(page.text).not.toContain(docNumber)
  }

  /** The page answers 200 and shows the number in full. */
  async function full(a: Agent, url: string, docNumber: string) {
    const page = await a.get(url)
    expect(page.status).toBe(200)
    expect(page.text).toContain(`<dd>${docNumber}</dd>`)
  }

  const atHere = () => applicantWithRegistration(t, { authorityId: here.authorityId, pointId: here.pointId })

  it('masks it on the holder’s own 详情 of both businesses, the account page and the information centre', async () => {
    const { applicant, registration } = await atHere()
    const a = await signedIn(t, applicant)
    await masked(a, `/registration/records/${registration.id}`, applicant.doc_number)
    await masked(a, '/account', applicant.doc_number)
    await masked(a, '/info', applicant.doc_number)

    const cert = await applicantWithApplication(t, here)
    const b = await signedIn(t, cert.applicant)
    await masked(b, `/certification/records/${cert.application.id}`, cert.applicant.doc_number)
  })

  it('shows it in full to the point and authority of a registration, on the queue and the detail', async () => {
    const { applicant, registration } = await atHere()
    const doc = applicant.doc_number
    for (const [role, scope] of [
      ['confirmation_clerk', here.pointId],
      ['registration_approver', here.authorityId],
    ] as const) {
      const { a } = await scopedStaff(t, role, scope)
      await full(a, `/staff/registrations/${registration.id}`, doc)
      const queue = await a.get(`/staff/registrations?status=&q=${registration.number}`)
      expect(queue.text).toMatch(new RegExp(`<td[^>]*>${doc}</td>`))
    }
    // Another point: the registration is not theirs to see at all.
    const { a: other } = await scopedStaff(t, 'confirmation_clerk', here.otherPointId)
    expect((await other.get(`/staff/registrations/${registration.id}`)).status).toBe(404)
    expect((await other.get(`/staff/registrations?status=&q=${registration.number}`)).text).not.toContain(doc)
  })

  it('shows it in full to the point and authority of a certification application, on the queue and the detail', async () => {
    const { applicant, application } = await applicantWithApplication(t, here)
    const doc = applicant.doc_number
    for (const [role, scope] of [
      ['confirmation_clerk', here.pointId],
      ['certification_approver', here.authorityId],
    ] as const) {
      const { a } = await scopedStaff(t, role, scope)
      await full(a, `/staff/certifications/${application.id}`, doc)
      const queue = await a.get(`/staff/certifications?status=&q=${application.number}`)
      expect(queue.text).toMatch(new RegExp(`<td[^>]*>${doc}</td>`))
    }
    const { a: other } = await scopedStaff(t, 'confirmation_clerk', here.otherPointId)
    expect((await other.get(`/staff/certifications/${application.id}`)).status).toBe(404)
  })

  it('信息核验: in full to the verifiers of the applicant’s point, on the queue and the item; another point’s get 404', async () => {
    const applicant = await createApplicant(t.db)
    const item = await infoItem(t.db, applicant.id, 'mandarin')
    await registrationAtPoint(t.db, applicant.id, here.pointId)
    const { a } = await scopedStaff(t, 'confirmation_clerk', here.pointId)
    await full(a, `/staff/info-reviews/${item.id}`, applicant.doc_number)
    const queue = await a.get('/staff/info-reviews?kind=all&status=all')
    expect(queue.text).toContain(`<td class="nowrap">${applicant.doc_number}</td>`)
    const { a: other } = await scopedStaff(t, 'confirmation_clerk', here.otherPointId)
    expect((await other.get(`/staff/info-reviews/${item.id}`)).status).toBe(404)
    expect((await other.get('/staff/info-reviews?kind=all&status=all')).text).not.toContain(
      applicant.doc_number,
    )
  })

  it('人工审核: in full to the identity reviewers, who review the whole instance', async () => {
    const applicant = await createApplicant(t.db, { identity_status: 'unverified' })
    const id = await insertReview(t.db, applicant, { status: 'pending', submittedAt: t.clock.now() })
    const s = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const a = await loginStaff(t, s.username, s.password)
    await full(a, `/staff/identity-reviews/${id}`, applicant.doc_number)
    expect((await a.get('/staff/identity-reviews?status=all')).text).toContain(applicant.doc_number)
  })
})
