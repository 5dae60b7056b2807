import sharp from 'sharp'
import type { Db } from '../../src/db/knex'
import { prepareImage, storeImage } from '../../src/services/imageStore'
import { DEMO_APPLICANTS } from './demoLogins'

// Hand-entered 个人信息中心 items (issue 4) for the verified demo applicant, so the 信息核验 queue has
// something 待核验 to decide: a 学位 and a 无法核验的学历 (中师) with a plainly fake scan. Added only
// while 李明 has never used the information centre (no items, never synced), so whatever a tester
// later deletes or changes stays that way.

const OWNER = DEMO_APPLICANTS.find((a) => a.state === 'verified')!

/** A light-yellow page with grey lines standing in for a certificate, as a JPEG under 200 KB. */
async function demoScan(): Promise<Buffer> {
  const lines = [120, 170, 220, 270, 320]
    .map((y) => `<rect x="80" y="${y}" width="440" height="14" fill="#b9ad8f"/>`)
    .join('')
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="420">
       <rect width="600" height="420" fill="#f3ead2"/>
       <rect x="20" y="20" width="560" height="380" fill="none" stroke="#9c2f2f" stroke-width="6"/>
       <rect x="200" y="50" width="200" height="30" fill="#9c2f2f"/>${lines}
     </svg>`,
  )
  return sharp(svg).jpeg({ quality: 80 }).toBuffer()
}

export async function seedDemoInfo(trx: Db, now: Date): Promise<void> {
  const applicant = await trx('applicants').where({ doc_number: OWNER.docNumber }).first('id')
  if (!applicant) return
  const used =
    (await trx('info_items').where({ applicant_id: applicant.id }).first('id')) ||
    (await trx('info_syncs').where({ applicant_id: applicant.id }).first('applicant_id'))
  if (used) return

  const prepared = await prepareImage('education_scan', await demoScan())
  if (!prepared.ok) throw new Error(`demo info: the demo scan was refused: ${prepared.error}`)
  const scan = await storeImage(trx, prepared.image, { kind: 'applicant', id: applicant.id }, { now })

  const item = (kind: string, certNumber: string, details: Record<string, string>) => ({
    applicant_id: applicant.id,
    kind,
    source: 'manual',
    cert_number: certNumber,
    details: JSON.stringify(details),
    status: 'pending',
    created_at: now,
    updated_at: now,
  })
  await trx('info_items').insert([
    {
      ...item('education', '4501012013000123', {
        school: '南宁师范学校',
        major: '小学教育',
        level: '中等师范学校/幼儿师范学校',
        graduatedOn: '2013-07-01',
      }),
      category: 'unverifiable',
      scan_file_id: scan.id,
    },
    item('degree', '1060242017001234', {
      degreeName: '学士',
      school: '广西大学',
      major: '汉语言文学',
      awardedOn: '2017-07-01',
    }),
  ])
}
