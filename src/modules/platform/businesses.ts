import type { Services } from '../../services'
import type { RecordRow } from '../applications/records'
import { certificationRecords } from '../certification/records'
import { BUSINESS_NAME as REGISTRATION_NAME, MUST_READ_TITLE } from '../registration/messages'
import { registrationRecords } from '../registration/records'
import { closedSeason } from '../registration/service'

// The businesses the platform offers. A later module registers its pages by filling in `applyUrl`
// (and `noticeUrl` when it has a page of its own) and setting `available`, and supplies
// `loadRecords` so its records appear on the platform.

export interface Business {
  key: 'certification' | 'registration'
  name: string
  available: boolean
  /**
   * The 须知 shown on /platform/<key>/notice unless the module has a page of its own (noticeUrl): its
   * title and the 系统设置 text it reads (the manual's by default).
   */
  mustRead?: { title: string; field: 'registrationMustRead' }
  noticeUrl?: string
  applyUrl?: string
  /** Public look-ups shown on the card (网报时间查询, 确认点查询). */
  lookups?: { text: string; href: string }[]
  /**
   * A business that opens only in its season: null while it is open, else what the disabled 报名
   * says (须知 and the look-ups stay open).
   */
  season?: (services: Services) => Promise<{ lines: string[] } | null>
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
    recordsTitle: '教师资格认定信息',
    loadRecords: certificationRecords,
    recordColumns: ['报名号', '申请资格种类', '任教学科', '认定机构', '认定状态', '证书号码', '操作'],
  },
  {
    key: 'registration',
    name: REGISTRATION_NAME,
    available: true,
    lookups: [
      { text: '网报时间查询', href: '/registration/schedule' },
      { text: '确认点查询', href: '/registration/points' },
    ],
    applyUrl: '/registration/start',
    loadRecords: registrationRecords,
    mustRead: { title: MUST_READ_TITLE, field: 'registrationMustRead' },
    season: (services) => closedSeason(services),
    recordsTitle: `${REGISTRATION_NAME}信息`,
    recordColumns: ['注册报名号', '证书号码', '现任教学段', '现任教学科', '注册结论', '注册机构', '操作'],
  },
]

export const findBusiness = (key: string) => BUSINESSES.find((b) => b.key === key)
