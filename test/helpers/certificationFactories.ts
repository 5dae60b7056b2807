import type { Db } from '../../src/db/knex'
import { jpeg } from '../fixtures/images'
import { makeAuthority, makePoint, makeWindow, NANNING } from './bureauFactories'
import { createApplicant } from './factories'
import { infoItem, registryExamPassRow, registryStudentStatusRow } from './infoFactories'
import { idPhoto } from './registrationFactories'

// Certification test data: a county authority certifying 幼儿园/小学/初中 with an open window and a
// staffed point, and an applicant holding what step 2 asks for (an exam pass, 普通话, 学历, 学位).

export { idPhoto, NANNING }

export const WINDOW = { start: '2026-09-01T00:00:00Z', end: '2026-12-31T16:00:00Z' }

export interface CertifyingAuthority {
  authorityId: number
  pointId: number
}

export async function certifyingAuthority(
  db: Db,
  o: Parameters<typeof makeAuthority>[1] & { window?: { start: string; end: string } | null } = {},
): Promise<CertifyingAuthority> {
  const { window = WINDOW, ...fields } = o
  const authorityId = await makeAuthority(db, {
    certifies: true,
    qualification_types: ['1', '2', '3'],
    posts_certificates: true,
    reminder: '请按认定公告要求携带材料到确认点现场确认。',
    ...fields,
  })
  const pointId = await makePoint(db, authorityId, { name: `认定确认点${authorityId}` })
  if (window) await makeWindow(db, authorityId, 'certification', window.start, window.end)
  return { authorityId, pointId }
}

/**
 * A verified applicant with a valid 小学语文 exam pass, 普通话 二级甲等, 大学本科 and 学士 (a new one, or
 * `applicant` given those).
 */
export async function certificationApplicant(
  db: Db,
  o: {
    examPass?: Record<string, unknown>
    education?: string
    student?: Record<string, unknown>
    applicant?: Awaited<ReturnType<typeof createApplicant>>
  } = {},
) {
  const applicant = o.applicant ?? (await createApplicant(db, { name: '覃丽' }))
  const pass = await registryExamPassRow(db, applicant, {
    qualification_type: '2',
    subject: '语文',
    ...o.examPass,
  })
  const mandarin = await infoItem(db, applicant.id, 'mandarin', {
    details: JSON.stringify({ score: '88.5', grade: '二级甲等', issuer: '广西语委', issuedOn: '2020-05-01' }),
    status: 'verified',
  })
  const education = await infoItem(db, applicant.id, 'education', {
    details: JSON.stringify({
      school: '广西师范大学',
      major: '汉语言文学',
      level: o.education ?? '大学本科',
      graduatedOn: '2018-06-30',
    }),
  })
  const degree = await infoItem(db, applicant.id, 'degree')
  if (o.student) await registryStudentStatusRow(db, applicant, o.student)
  return { applicant, pass, mandarin, education, degree }
}

export const commitmentScan = () => jpeg({ width: 1200, height: 900 })

/** Answers of 认定信息 that pass every check. */
export const goodInformation = (): Record<string, string> => ({
  ethnicity: '01',
  political: '13',
  majorCategory: 'normal',
  studyForm: 'full_time',
  employer: '南宁市青秀区滨湖路小学',
  occupation: '教师',
  technicalTitle: '无',
  household: '广西南宁市青秀区',
  birthplace: '广西南宁市',
  address: '广西南宁市青秀区民族大道100号',
  postcode: '530022',
  telephone: '',
  mobile: '13900000001',
})

export async function restrict(
  db: Db,
  who: { doc_type: string; doc_number: string },
  kind: string,
  listedOn: string,
) {
  await db('restriction_list').insert({
    doc_type: who.doc_type,
    doc_number: who.doc_number,
    kind,
    listed_on: listedOn,
    created_at: new Date('2026-01-01T00:00:00Z'),
  })
}
