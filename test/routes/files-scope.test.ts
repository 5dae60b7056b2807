import crypto from 'node:crypto'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, type Agent } from '../helpers/http'
import { createApplicant, createStaff } from '../helpers/factories'
import { infoItem, registrationAtPoint } from '../helpers/infoFactories'
import { jpeg } from '../fixtures/images'
import { insertReview } from '../fixtures/identity'
import {
  applicantWithApplication,
  certifyingBureau,
  signedIn,
  type Bureau,
} from './certificationRecordsSupport'
import { applicantWithRegistration } from './registrationRecordsSupport'
import { loginStaff } from './staffSupport'
import { IMAGE_RULES } from '../../src/domain/imageRules'

// Every kind of stored file opens for staff exactly where the record holding it opens: the 人工审核
// queue for its photo, the 信息核验 queue (the applicant's confirmation point) for 普通话/学历 scans,
// the application's point and authority for an application's photos and scans. Out of scope (another
// point or authority, another business, no permission) it does not exist; its owner always opens it,
// another applicant and nobody signed in never do.

type Who =
  | 'clerkHere'
  | 'clerkThere'
  | 'registrationApprover'
  | 'registrationApproverElsewhere'
  | 'certificationApprover'
  | 'certificationApproverElsewhere'
  | 'identityReviewer'
  | 'admin'

interface Held {
  owner: { doc_number: string; password: string }
  fileId: string
}

interface Case {
  kind: keyof typeof IMAGE_RULES
  record: string
  arrange: () => Promise<Held>
  served: Who[]
  refused: Who[]
}

describe('GET /files/:id: every file kind is scoped like its record', () => {
  let t: TestApp
  let here: Bureau
  let elsewhere: Bureau
  const staff = {} as Record<Who, Agent>

  beforeAll(async () => {
    t = await appWithAllRoutes()
    here = await certifyingBureau(t)
    elsewhere = await certifyingBureau(t)
    const grants: Record<Who, Parameters<typeof createStaff>[1]> = {
      clerkHere: [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: here.pointId }],
      clerkThere: [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: here.otherPointId }],
      registrationApprover: [
        { role: 'registration_approver', scope_type: 'authority', scope_id: here.authorityId },
      ],
      registrationApproverElsewhere: [
        { role: 'registration_approver', scope_type: 'authority', scope_id: elsewhere.authorityId },
      ],
      certificationApprover: [
        { role: 'certification_approver', scope_type: 'authority', scope_id: here.authorityId },
      ],
      certificationApproverElsewhere: [
        { role: 'certification_approver', scope_type: 'authority', scope_id: elsewhere.authorityId },
      ],
      identityReviewer: [{ role: 'identity_reviewer' }],
      admin: [{ role: 'admin' }],
    }
    for (const [who, roles] of Object.entries(grants) as [Who, typeof grants.admin][]) {
      const s = await createStaff(t.db, roles)
      staff[who] = await loginStaff(t, s.username, s.password)
    }
  })
  afterAll(() => t.close())

  /** A 待核验 item with its scan, of an applicant whose registration is at `here`'s first point. */
  const infoScan = (kind: 'mandarin' | 'education') => async (): Promise<Held> => {
    const owner = await createApplicant(t.db)
    const item = await infoItem(t.db, owner.id, kind)
    await registrationAtPoint(t.db, owner.id, here.pointId)
    return { owner, fileId: item.scan_file_id! }
  }

  const registration = (o: { certificatePhoto?: boolean } = {}) =>
    async function (): Promise<Held> {
      const { applicant, registration } = await applicantWithRegistration(t, {
        authorityId: here.authorityId,
        pointId: here.pointId,
      })
      const row = await t.db('registrations').where({ id: registration.id }).first('photo_file_id')
      if (!o.certificatePhoto) return { owner: applicant, fileId: row.photo_file_id }
      const [file] = await t
        .db('files')
        .insert({
          owner_kind: 'applicant',
          owner_id: applicant.id,
          kind: 'certificate_photo',
          mime: 'image/jpeg',
          filename: '教师资格证书.jpg',
          size: 100,
          width: 800,
          height: 600,
          sha256: crypto.randomBytes(32).toString('hex'),
          content: await jpeg({ width: 800, height: 600 }),
          created_at: new Date('2026-09-10T00:00:00Z'),
        })
        .returning('id')
      await t
        .db('registrations')
        .where({ id: registration.id })
        .update({ certificate_photo_file_ids: [file.id] })
      return { owner: applicant, fileId: file.id }
    }

  const certification = (file: 'photo' | 'scan' | 'crop') => async (): Promise<Held> => {
    const { applicant, files } = await applicantWithApplication(t, here)
    return { owner: applicant, fileId: files[file] }
  }

  const registrationStaff = {
    served: ['clerkHere', 'registrationApprover'] as Who[],
    refused: [
      'clerkThere',
      'registrationApproverElsewhere',
      'certificationApprover',
      'identityReviewer',
      'admin',
    ] as Who[],
  }
  const certificationStaff = {
    served: ['clerkHere', 'certificationApprover'] as Who[],
    refused: [
      'clerkThere',
      'certificationApproverElsewhere',
      'registrationApprover',
      'identityReviewer',
      'admin',
    ] as Who[],
  }
  const verifiers = {
    served: ['clerkHere', 'admin'] as Who[],
    refused: ['clerkThere', 'registrationApprover', 'certificationApprover', 'identityReviewer'] as Who[],
  }

  const cases: Case[] = [
    {
      kind: 'identity_review_photo',
      record: '人工审核',
      arrange: async () => {
        const owner = await createApplicant(t.db, { identity_status: 'unverified' })
        const id = await insertReview(t.db, owner, { status: 'pending', submittedAt: t.clock.now() })
        const review = await t.db('identity_reviews').where({ id }).first('photo_file_id')
        return { owner, fileId: review.photo_file_id }
      },
      served: ['identityReviewer', 'admin'],
      refused: ['clerkHere', 'registrationApprover', 'certificationApprover'],
    },
    { kind: 'mandarin_scan', record: '普通话证书（录入）', arrange: infoScan('mandarin'), ...verifiers },
    { kind: 'education_scan', record: '学历（录入）', arrange: infoScan('education'), ...verifiers },
    { kind: 'id_photo', record: '定期注册', arrange: registration(), ...registrationStaff },
    {
      kind: 'certificate_photo',
      record: '定期注册',
      arrange: registration({ certificatePhoto: true }),
      ...registrationStaff,
    },
    { kind: 'id_photo', record: '教师资格认定', arrange: certification('photo'), ...certificationStaff },
    {
      kind: 'commitment_scan',
      record: '教师资格认定',
      arrange: certification('scan'),
      ...certificationStaff,
    },
    {
      kind: 'commitment_crop',
      record: '教师资格认定',
      arrange: certification('crop'),
      ...certificationStaff,
    },
  ]

  it('covers every kind of file the upload service stores', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(Object.keys(IMAGE_RULES)))
  })

  it.each(cases.map((c) => [c.kind, c.record, c] as const))('%s of a %s', async (kind, _record, c) => {
    const { owner, fileId } = await c.arrange()
    expect((await t.db('files').where({ id: fileId }).first('kind')).kind).toBe(kind)
    const status = async (a: Agent) => (await a.get(`/files/${fileId}`)).status
    const seen: Record<string, number> = {}
    for (const who of [...c.served, ...c.refused]) seen[who] = await status(staff[who])
    expect(seen).toEqual(
      Object.fromEntries([...c.served.map((w) => [w, 200]), ...c.refused.map((w) => [w, 404])]),
    )
    expect(await status(await signedIn(t, owner))).toBe(200)
    expect(await status(await signedIn(t, await createApplicant(t.db)))).toBe(404)
    expect(await status(agent(t.app))).toBe(404)
  })

  it('closes a scan to staff once its item no longer holds it (replaced by a new scan)', async () => {
    const { fileId } = await infoScan('mandarin')()
    expect((await staff.clerkHere.get(`/files/${fileId}`)).status).toBe(200)
    await t.db('info_items').where({ scan_file_id: fileId }).update({ scan_file_id: null })
    expect((await staff.clerkHere.get(`/files/${fileId}`)).status).toBe(404)
  })
})
