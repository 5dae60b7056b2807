// The 定期注册 wizard part of `npm run bench` (alone: BENCH_ONLY=wizard npm run bench); the walk and
// the submits themselves: bench/flow.ts.
//
//   wizard walk: agreement → certificate → information → conditions → photo (multipart JPG) →
//         authority → review → notices → commitment, whose POST submits, against the real bureau
//         tables (an authority whose registration window is open at the app's clock, a staffed
//         point, the school); each applicant holds one synced registry certificate
//   submits: POST 提交注册申请 (同意) vs bare INSERTs of the same registrations row + history row
import type { Services } from '../src/services'
import { prepareImage } from '../src/services/imageStore'
import { portrait } from '../test/fixtures/images'
import { NANNING, makeAuthority, makePoint, makeSchool, makeWindow } from '../test/helpers/bureauFactories'
import { goodInformation } from '../test/helpers/registrationFactories'
import { benchFlow, flowRatioLines, registryRows, type Fields, type WizardFlow } from './flow'
import type { WizardBench } from './flow'
import { benchPeer, peerRatioLines, type PeerBench } from './peer'

export type { WizardBench }

const BASE = '/registration/apply'

export async function registrationFlow(services: Pick<Services, 'db' | 'clock'>): Promise<WizardFlow> {
  const { db } = services
  const now = services.clock.now()

  // The bureau set-up, in the real tables (the bureau module's port reads them): one county
  // authority registering 小学, its registration window open at the app's clock, one staffed point.
  const authorityId = await makeAuthority(db, { name: '南宁市青秀区教育局（压测）' })
  const pointId = await makePoint(db, authorityId, { name: '青秀区教师发展中心（压测）' })
  await makeWindow(
    db,
    authorityId,
    'registration',
    new Date(now.getTime() - 86_400_000),
    new Date(now.getTime() + 60 * 86_400_000),
  )
  await makeSchool(db, '广西师范大学')

  const fields: [string, Fields][] = [
    ['agreement', { agree: 'yes' }],
    ['certificate', { certNumber: '{certNumber}' }],
    [
      'information',
      {
        ...goodInformation('广西师范大学'),
        household: '广西壮族自治区南宁市青秀区',
        address: '广西南宁市青秀区凤翔路1号',
        postcode: '530022',
      },
    ],
    ['conditions', { ethics: 'yes', appraisals: 'yes', training: 'yes', health: 'yes' }],
    ['photo', {}],
    [
      'authority',
      {
        provinceCode: NANNING.province,
        cityCode: NANNING.city,
        stage: '2',
        subject: 'chinese',
        authorityId: String(authorityId),
        pointId: String(pointId),
      },
    ],
    ['review', {}],
    ['notices', {}],
    ['commitment', { consent: 'agree' }],
  ]
  let certs = 0
  const photo = await portrait({ width: 600, height: 800, grain: true })
  return {
    key: 'registration',
    title: '中小学教师资格定期注册',
    base: BASE,
    steps: fields.map(([path, f], i) => ({
      path,
      name: path,
      fields: f,
      ...(path === 'photo' ? { file: { field: 'photo', name: 'me.jpg', data: 0 } } : {}),
      next: fields[i + 1]?.[0] ?? null,
    })),
    uploads: [photo],
    // the photo step: the upload checked and normalised (the default) into the stored ID photo
    imageWork: async ({ path, file }) => (path === 'photo' && file ? prepareImage('id_photo', file) : null),
    done: '^/registration/records/\\d+/reminder$',
    record: '^/registration/records/\\d+$',
    submitAt: '提交注册申请',
    // One synced registry certificate each.
    async holdings(people) {
      const numbers = people.map(() => `2010450${String(++certs).padStart(10, '0')}`)
      await db('registry_certificates').insert(
        registryRows(people, numbers, 'holder_name', {
          qualification_type: '2',
          subject: '语文',
          authority: '南宁市青秀区教育局',
          issued_on: '2010-07-01',
          imported_at: now,
        }),
      )
      return numbers.map((certNumber) => ({ certNumber }))
    },
    table: 'registrations',
    history: { table: 'registration_status_history', key: 'registration_id' },
    bareNumber: (i) => `2026${String(authorityId).padStart(4, '0')}${String(500_000 + i).padStart(6, '0')}`,
  }
}

export async function benchWizard(
  services: Services,
  port: number,
  log: (line?: string) => void,
): Promise<WizardBench & { peer: PeerBench }> {
  const flow = await registrationFlow(services)
  const walk = await benchFlow(services, port, log, flow)
  log()
  return { ...walk, peer: await benchPeer(services, port, log, flow) }
}

export const wizardRatioLines = (r: WizardBench & { peer: PeerBench }): string[] => [
  ...flowRatioLines(r),
  ...peerRatioLines(r.peer),
]
