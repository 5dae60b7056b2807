// The 教师资格认定 part of `npm run bench` (alone: BENCH_ONLY=certification npm run bench), the
// counterpart of the 定期注册 figures with the same machinery (bench/flow.ts, bench/pdf.ts):
//
//   wizard walk: the ten steps (agreement → conditions → authority → information (multipart ID
//         photo) → commitment-scan (multipart 个人承诺书 scan 预览, then 裁剪 by numbers, then 保存) →
//         collection → resume → review → notices → commitment, whose POST submits), 24 requests a walk,
//         each applicant holding what step 2 asks for (a valid 小学语文 exam pass in the registry,
//         普通话 二级甲等, 大学本科, 学士), against a county authority certifying 小学 with its
//         certification window open at the app's clock and a staffed point
//   submits: POST 同意 vs bare INSERTs of the same certification_applications row + history row
//   PDF: 教师资格认定申请表 through services.pdf.render vs bare page.pdf() of the same HTML
import type { Services } from '../src/services'
import { cropImage, prepareImage } from '../src/services/imageStore'
import { BASE, RESUME_COLUMNS } from '../src/modules/certification/steps'
import {
  NANNING,
  certifyingAuthority,
  commitmentScan,
  goodInformation,
  idPhoto,
} from '../test/helpers/certificationFactories'
import {
  benchFlow,
  flowRatioLines,
  registryRows,
  type WalkStep,
  type WizardBench,
  type WizardFlow,
} from './flow'
import { CERTIFICATION_PDF, benchPdf, pdfRatioLines, type PdfBench } from './pdf'

export interface CertificationBench {
  wizard: WizardBench
  pdf: PdfBench
}

const DAY = 86_400_000
const CROP = { cropLeft: '100', cropTop: '80', cropWidth: '900', cropHeight: '700' }
/** 个人简历: two rows (开始时间, 结束时间, 单位, 职务, 证明人), posted as the page's parallel columns. */
const RESUME = Object.fromEntries(
  RESUME_COLUMNS.map((c, i) => [
    c.name,
    [
      ['2014-09', '2018-06', '广西师范大学', '学生', '李老师'],
      ['2018-07', '2026-08', '南宁市青秀区滨湖路小学', '教师', '王校长'],
    ].map((row) => row[i]),
  ]),
)

export async function certificationFlow(services: Pick<Services, 'db' | 'clock'>): Promise<WizardFlow> {
  const { db } = services
  const now = services.clock.now()
  const { authorityId, pointId } = await certifyingAuthority(db, {
    name: '南宁市青秀区教育局（认定压测）',
    window: {
      start: new Date(now.getTime() - DAY).toISOString(),
      end: new Date(now.getTime() + 60 * DAY).toISOString(),
    },
  })

  // The scan step as a browser walks it: upload and preview, crop, save (the ids from the page).
  const scanned = {
    commitmentFileId: '{hidden:commitmentFileId}',
    cropSourceId: '{hidden:cropSourceId}',
  }
  const steps: WalkStep[] = [
    { path: 'agreement', name: 'agreement', fields: { agree: 'yes' }, next: 'conditions' },
    {
      path: 'conditions',
      name: 'conditions',
      fields: {
        examRoute: 'national_exam',
        examPass: '{examPass}',
        mandarin: '{mandarin}',
        freshGraduate: 'no',
        education: '{education}',
        degree: '{degree}',
      },
      next: 'authority',
    },
    {
      path: 'authority',
      name: 'authority',
      fields: {
        provinceCode: NANNING.province,
        cityCode: NANNING.city,
        authorityId: String(authorityId),
        pointId: String(pointId),
      },
      next: 'information',
    },
    {
      path: 'information',
      name: 'information',
      fields: goodInformation(),
      file: { field: 'photo', name: 'photo.jpg', data: 0 },
      next: 'commitment-scan',
    },
    {
      path: 'commitment-scan',
      name: 'scan upload',
      fields: { _action: 'preview' },
      file: { field: 'commitment', name: 'scan.jpg', data: 1 },
      next: 'commitment-scan',
    },
    {
      path: 'commitment-scan',
      name: 'scan crop',
      fields: { ...scanned, _action: 'crop', ...CROP },
      next: 'commitment-scan',
    },
    {
      path: 'commitment-scan',
      name: 'scan save',
      fields: {
        ...scanned,
        ...Object.fromEntries(['cropFileId', ...Object.keys(CROP)].map((k) => [k, `{hidden:${k}}`] as const)),
      },
      next: 'collection',
    },
    { path: 'collection', name: 'collection', fields: { collection: 'on_site' }, next: 'resume' },
    { path: 'resume', name: 'resume', fields: RESUME, next: 'review' },
    { path: 'review', name: 'review', fields: {}, next: 'notices' },
    { path: 'notices', name: 'notices', fields: {}, next: 'commitment' },
    { path: 'commitment', name: 'commitment', fields: { consent: 'agree' }, next: null },
  ]

  const [photo, scan] = [await idPhoto(), await commitmentScan()]
  // the scan as the 预览 stored it, which 裁剪 crops
  const storedScan = prepareImage('commitment_scan', scan).then((stored) => {
    if (!stored.ok) throw new Error(`the bench's scan was refused: ${stored.error}`)
    return stored.image
  })
  let passes = 0
  return {
    key: 'certification',
    table: 'certification_applications',
    history: { table: 'certification_status_history', key: 'application_id' },
    bareNumber: (i) => `2026${String(authorityId).padStart(4, '0')}${String(5_000_000 + i).padStart(7, '0')}`,
    title: '教师资格认定',
    base: BASE,
    steps,
    uploads: [photo, scan],
    // 认定信息's ID photo, the 承诺书 scan's 预览, and its 裁剪 out of the stored scan
    imageWork: async ({ path, action, file }) => {
      if (path === 'information' && file) return prepareImage('id_photo', file)
      if (path !== 'commitment-scan') return null
      if (action === 'preview' && file) return prepareImage('commitment_scan', file)
      if (action === 'crop')
        return cropImage('commitment_crop', (await storedScan).content, {
          left: Number(CROP.cropLeft),
          top: Number(CROP.cropTop),
          width: Number(CROP.cropWidth),
          height: Number(CROP.cropHeight),
        })
      return null
    },
    done: '^/certification/records/\\d+/reminder$',
    record: '^/certification/records/\\d+$',
    submitAt: '个人承诺',
    // What certificationApplicant (test/helpers/certificationFactories.ts) gives one applicant, for
    // a batch: the registry's exam pass, 普通话 (核验通过), 学历 and 学位.
    async holdings(people) {
      const numbered = people.map((a) => ({ ...a, k: ++passes }))
      const serial = (prefix: string, k: number) => `${prefix}2026${String(k).padStart(9, '0')}`
      await db('registry_exam_passes').insert(
        registryRows(
          numbered,
          numbered.map((a) => serial('KS', a.k)),
          'name',
          { qualification_type: '2', subject: '语文', valid_until: '2028-12-31', imported_at: now },
        ),
      )
      // source, status and details of each item
      const held = {
        mandarin: [
          'registry',
          'verified',
          { grade: '二级甲等', score: '88.5', issuer: '广西语委', issuedOn: '2020-05-01' },
        ],
        education: [
          'registry',
          'verified',
          { level: '大学本科', school: '广西师范大学', major: '汉语言文学', graduatedOn: '2018-06-30' },
        ],
        degree: [
          'manual',
          'pending',
          { degreeName: '学士', school: '广西师范大学', major: '汉语言文学', awardedOn: '2018-06-30' },
        ],
      } as const
      const items: { id: string; applicant_id: string; kind: keyof typeof held }[] = await db('info_items')
        .insert(
          numbered.flatMap((a) =>
            (Object.keys(held) as (keyof typeof held)[]).map((kind) => ({
              applicant_id: a.id,
              kind,
              source: held[kind][0],
              category: kind === 'education' ? 'verified' : null,
              cert_number: serial(kind.slice(0, 2).toUpperCase(), a.k),
              details: JSON.stringify(held[kind][2]),
              status: held[kind][1],
              created_at: now,
              updated_at: now,
            })),
          ),
        )
        .returning(['id', 'applicant_id', 'kind'])
      const itemOf = new Map(items.map((i) => [`${i.applicant_id}:${i.kind}`, String(i.id)]))
      return numbered.map((a) => ({
        examPass: serial('KS', a.k),
        mandarin: itemOf.get(`${a.id}:mandarin`)!,
        education: itemOf.get(`${a.id}:education`)!,
        degree: itemOf.get(`${a.id}:degree`)!,
      }))
    },
  }
}

/** The certification wizard walk, its submits and its printed form. */
export async function benchCertification(
  services: Services,
  port: number,
  log: (line?: string) => void,
): Promise<CertificationBench> {
  const wizard = await benchFlow(services, port, log, await certificationFlow(services))
  log()
  const pdf = await benchPdf(services, log, CERTIFICATION_PDF)
  return { wizard, pdf }
}

export const certificationRatioLines = (r: CertificationBench): string[] => [
  ...flowRatioLines(r.wizard, 'certification-'),
  ...pdfRatioLines(r.pdf),
]
