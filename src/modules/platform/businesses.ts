import type { Services } from '../../services'
import { certificationRecords } from '../certification/records'
import { registrationRecords } from '../registration/records'

// The businesses the platform offers. A later module registers its pages by filling in `applyUrl`
// (and `noticeUrl` when it has a page of its own) and setting `available`, and supplies
// `loadRecords` so its records appear on the platform.

export interface RecordRow {
  cells: string[]
  actions: { text: string; href: string }[]
}

export interface Business {
  key: 'certification' | 'registration'
  name: string
  available: boolean
  /** The 须知 text, shown on /platform/<key>/notice until the module has a page of its own. */
  notice: string[]
  noticeUrl?: string
  applyUrl?: string
  /** Public look-ups shown on the card (网报时间查询, 确认点查询). */
  lookups?: { text: string; href: string }[]
  recordsTitle: string
  recordColumns: string[]
  loadRecords?: (services: Services, applicantId: number) => Promise<RecordRow[]>
}

export const BUSINESSES: Business[] = [
  {
    key: 'certification',
    name: '教师资格认定',
    available: true,
    applyUrl: '/certification/start',
    noticeUrl: '/certification/notice',
    lookups: [
      { text: '网报时间查询', href: '/certification/schedule' },
      { text: '确认点查询', href: '/certification/points' },
    ],
    notice: [
      '申请人须先完成实名核验，并在个人信息中心核验或录入普通话证书、学历学籍等信息后，方可报名。',
      '请在所选认定机构公布的网上报名时间内报名，报名后按认定机构的安排到确认点现场确认。',
      '请注意，所有环节均完成，生成报名号之后方为报名成功!',
    ],
    recordsTitle: '教师资格认定信息',
    loadRecords: (services, applicantId) =>
      certificationRecords(services.db, applicantId, services.clock.now()),
    recordColumns: ['报名号', '申请资格种类', '任教学科', '认定机构', '认定状态', '证书号码', '操作'],
  },
  {
    key: 'registration',
    name: '中小学教师资格定期注册',
    available: true,
    lookups: [
      { text: '网报时间查询', href: '/registration/schedule' },
      { text: '确认点查询', href: '/registration/points' },
    ],
    applyUrl: '/registration/start',
    loadRecords: (services, applicantId) =>
      registrationRecords(services.db, applicantId, services.clock.now()),
    notice: [
      '定期注册业务于每年下半年开展，请在所在注册机构公布的网上申报时间内办理。',
      '申请人须先完成实名核验；定期注册无需核验学历、普通话等信息。',
      '网上申报后，请按注册机构的安排提交注册材料并现场确认。',
    ],
    recordsTitle: '定期注册信息',
    recordColumns: ['注册报名号', '证书号码', '现任教学段', '现任教学科', '注册结论', '注册机构', '操作'],
  },
]

export const findBusiness = (key: string) => BUSINESSES.find((b) => b.key === key)
