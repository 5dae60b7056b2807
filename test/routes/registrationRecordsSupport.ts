import crypto from 'node:crypto'
import type { TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { jpeg } from '../fixtures/images'
import { goodInformation, taishanBureau, type FakeAuthority } from '../helpers/registrationFactories'
import type { RegistrationStatus } from '../../src/domain/registration'

// Registrations made directly in the database (the wizard has its own tests), staff scoped to the
// demo authorities and points, and small request helpers for the records and staff pages.

/** 台山 (3: points 31 with a 确认结束时间 of 2026-11-10 17:00, 32 without) and 开平 (4: point 41). */
export function twoAuthorities(): FakeAuthority[] {
  const taishan = taishanBureau()
  const kaiping: FakeAuthority = {
    id: 4,
    name: '江门市开平市教育局',
    cityCode: taishan.cityCode,
    stages: ['1', '2', '3'],
    window: { start: new Date('2026-09-01T00:00:00Z'), end: new Date('2026-10-31T16:00:00Z') },
    points: [
      {
        id: 41,
        name: '开平市教师发展中心',
        scope: '开平市属学校',
        address: '开平',
        confirmStart: null,
        confirmEnd: null,
        schools: [],
      },
    ],
  }
  return [taishan, kaiping]
}

/** Rows for the bureau tables when the bureau migration has tied registrations to them. */
export async function bureauRows(t: TestApp, authorities: FakeAuthority[]): Promise<void> {
  if (!(await t.db.schema.hasTable('authorities'))) return
  const now = new Date('2026-09-01T00:00:00Z')
  for (const a of authorities) {
    await t
      .db('authorities')
      .insert({
        id: a.id,
        name: a.name,
        region_code: a.cityCode,
        level: 'county',
        registers: true,
        stages: a.stages,
        created_at: now,
        updated_at: now,
      })
      .onConflict('id')
      .ignore()
    for (const p of a.points)
      await t
        .db('confirmation_points')
        .insert({
          id: p.id,
          authority_id: a.id,
          name: p.name,
          scope: p.scope,
          created_at: now,
          updated_at: now,
        })
        .onConflict('id')
        .ignore()
  }
}

let seq = 0

/** An applicant with a submitted registration (status and point as asked), signed in. */
export async function applicantWithRegistration(
  t: TestApp,
  o: {
    status?: RegistrationStatus
    authorityId?: number
    pointId?: number
    name?: string
    submittedAt?: Date
  } = {},
) {
  const applicant = await createApplicant(t.db, { name: o.name ?? '薛明' })
  const [file] = await t
    .db('files')
    .insert({
      owner_kind: 'applicant',
      owner_id: applicant.id,
      kind: 'id_photo',
      mime: 'image/jpeg',
      filename: 'photo.jpg',
      size: 100,
      width: 295,
      height: 413,
      sha256: crypto.randomBytes(32).toString('hex'),
      content: await jpeg({ width: 295, height: 413 }),
      created_at: new Date('2026-09-10T00:00:00Z'),
    })
    .returning('id')
  const authorityId = o.authorityId ?? 3
  const pointId = o.pointId ?? 32
  seq += 1
  const number = `2026${String(authorityId).padStart(4, '0')}${String(seq + crypto.randomInt(1e5) * 10).padStart(6, '0')}`
  const submittedAt = o.submittedAt ?? new Date('2026-09-12T02:00:00Z')
  const [row] = await t
    .db('registrations')
    .insert({
      number,
      applicant_id: applicant.id,
      cycle: 2026,
      cert_number: `2010440${String(crypto.randomInt(1e10)).padStart(10, '0')}`,
      cert_source: 'registry',
      cert: JSON.stringify({
        qualificationType: '2',
        subject: '语文',
        authority: '台山市教育局',
        issuedOn: '2010-07-01',
      }),
      authority_id: authorityId,
      point_id: pointId,
      stage: '2',
      subject: 'chinese',
      status: o.status ?? 'pending_confirmation',
      data: JSON.stringify({
        ...INFORMATION,
        provinceCode: '440000',
        cityCode: '440700',
        provinceName: '广东省',
        cityName: '江门市',
        stage: '2',
        subject: 'chinese',
        authorityId: String(authorityId),
        pointId: String(pointId),
        authorityName: authorityId === 3 ? '江门市台山市教育局' : '江门市开平市教育局',
        pointName:
          pointId === 31 ? '台山市海宴镇中心小学' : pointId === 32 ? '台山市新宁小学' : '开平市教师发展中心',
        identity: { name: applicant.name, doc_type: 'id_card', doc_number: applicant.doc_number, sex: 'F' },
      }),
      photo_file_id: file.id,
      submitted_at: submittedAt,
      updated_at: submittedAt,
    })
    .returning('*')
  await t.db('registration_status_history').insert({
    registration_id: row.id,
    from_status: null,
    to_status: 'pending_confirmation',
    actor_kind: 'applicant',
    actor_id: applicant.id,
    at: submittedAt,
  })
  return { applicant, registration: row as { id: number; number: string; version: number; status: string } }
}

export { postFrom, scopedStaff, signedIn } from './recordsSupport'

/** The information page's answers as the snapshot holds them (they pass the wizard's checks). */
export const INFORMATION = goodInformation('华南师范大学')
