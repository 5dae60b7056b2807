import crypto from 'node:crypto'
import type { TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { jpeg } from '../fixtures/images'
import { certifyingAuthority, goodInformation } from '../helpers/certificationFactories'
import type { CertificationStatus } from '../../src/domain/certification'

// Certification applications made directly in the database (the wizard has its own tests), staff
// scoped to an authority or point, and small request helpers for the records and staff pages.

export interface Bureau {
  authorityId: number
  pointId: number
  /** a second point of the same authority */
  otherPointId: number
}

let code = 100

/** A county authority (南宁市青秀区) with a certificate bureau code and two points. */
export async function certifyingBureau(t: TestApp, o: { bureauCode?: string | null } = {}): Promise<Bureau> {
  code += 1
  const { authorityId, pointId } = await certifyingAuthority(t.db, {
    name: `南宁市青秀区教育局${code}`,
  })
  if (o.bureauCode !== null)
    await t
      .db('authorities')
      .where({ id: authorityId })
      .update({ certificate_bureau_code: o.bureauCode ?? String(code).padStart(3, '0') })
  const [other] = await t
    .db('confirmation_points')
    .insert({
      authority_id: authorityId,
      name: `另一确认点${code}`,
      scope: '其他',
      created_at: new Date('2026-09-01T00:00:00Z'),
      updated_at: new Date('2026-09-01T00:00:00Z'),
    })
    .returning('id')
  return { authorityId, pointId, otherPointId: Number(other.id) }
}

async function file(t: TestApp, ownerId: number, kind: string, width: number, height: number) {
  const [row] = await t
    .db('files')
    .insert({
      owner_kind: 'applicant',
      owner_id: ownerId,
      kind,
      mime: 'image/jpeg',
      filename: `${kind}.jpg`,
      size: 100,
      width,
      height,
      sha256: crypto.randomBytes(32).toString('hex'),
      content: await jpeg({ width, height }),
      created_at: new Date('2026-09-10T00:00:00Z'),
    })
    .returning('id')
  return String(row.id)
}

let seq = 0

/** An applicant with a submitted 小学语文 application (status and point as asked). */
export async function applicantWithApplication(
  t: TestApp,
  bureau: Bureau,
  o: {
    status?: CertificationStatus
    pointId?: number
    name?: string
    sex?: 'M' | 'F'
    submittedAt?: Date
  } = {},
) {
  const applicant = await createApplicant(t.db, { name: o.name ?? '覃丽', sex: o.sex ?? 'F' })
  const photo = await file(t, applicant.id, 'id_photo', 295, 413)
  const scan = await file(t, applicant.id, 'commitment_scan', 1200, 900)
  const crop = await file(t, applicant.id, 'commitment_crop', 800, 400)
  seq += 1
  const number = `2026${String(bureau.authorityId).padStart(4, '0')}${String(seq + crypto.randomInt(1e5) * 100).padStart(7, '0')}`
  const submittedAt = o.submittedAt ?? new Date('2026-09-12T02:00:00Z')
  const pointId = o.pointId ?? bureau.pointId
  const [row] = await t
    .db('certification_applications')
    .insert({
      number,
      applicant_id: applicant.id,
      year: 2026,
      authority_id: bureau.authorityId,
      point_id: pointId,
      qualification_type: '2',
      subject: '语文',
      exam_route: 'national_exam',
      exam_pass_number: `2026450${String(crypto.randomInt(1e8)).padStart(8, '0')}`,
      status: o.status ?? 'pending_confirmation',
      data: JSON.stringify({
        ...goodInformation(),
        examRoute: 'national_exam',
        qualificationType: '2',
        subject: '语文',
        // as the wizard stores them: each choice's text beside it (conditions' `${k}Text`), the
        // texts also spread over the ids at submit
        examPassText: '考试合格证明（有效期至2028-06-30）',
        mandarin: '二级甲等（证书编号 4500000000001）',
        mandarinText: '二级甲等（证书编号 4500000000001）',
        educationText: '大学本科 广西师范大学 汉语言文学',
        degreeText: '学士（450000000001）',
        freshGraduate: 'no',
        educationLevel: '大学本科',
        education: '大学本科 广西师范大学 汉语言文学',
        school: '广西师范大学',
        major: '汉语言文学',
        graduatedOn: '2018-06-30',
        degree: '学士（450000000001）',
        provinceCode: '450000',
        cityCode: '450100',
        authorityId: String(bureau.authorityId),
        pointId: String(pointId),
        authorityName: '南宁市青秀区教育局',
        pointName: '认定确认点',
        photoFileId: photo,
        commitmentFileId: scan,
        cropFileId: crop,
        commitmentCropFileId: crop,
        collection: 'on_site',
        rowStart: ['2014-09', '2018-07'],
        rowEnd: ['2018-06', '2026-08'],
        rowUnit: ['广西师范大学', '南宁市滨湖路小学'],
        rowPost: ['学生', '代课教师'],
        rowReferee: ['李老师', '王校长'],
        identity: {
          name: applicant.name,
          doc_type: 'id_card',
          doc_number: applicant.doc_number,
          sex: o.sex ?? 'F',
          birth_date: '1996-05-01',
        },
      }),
      photo_file_id: photo,
      commitment_file_id: scan,
      commitment_crop_file_id: crop,
      collection: 'on_site',
      submitted_at: submittedAt,
      updated_at: submittedAt,
    })
    .returning('*')
  await t.db('certification_status_history').insert({
    application_id: row.id,
    from_status: null,
    to_status: 'pending_confirmation',
    actor_kind: 'applicant',
    actor_id: applicant.id,
    at: submittedAt,
  })
  return {
    applicant,
    application: row as { id: number; number: string; version: number; status: string },
    files: { photo, scan, crop },
  }
}

export { postFrom, scopedStaff, signedIn } from './recordsSupport'
