import { makeIdNumber, type DocType } from '../../src/domain/idNumber'

// The demo accounts that 02_demo creates; the server prints DEMO_LOGINS at start-up outside
// production (02_demo's startupNotes). Every ID number is built with the GB 11643 checksum, so it passes registration's
// checker. All names, numbers, phones and e-mails are invented.
export const DEMO_PASSWORD = 'Demo#2026'

export const DEMO_STAFF = [
  { username: 'admin', name: '系统管理员', role: 'admin', label: '系统管理员' },
  { username: 'reviewer', name: '实名审核员', role: 'identity_reviewer', label: '实名审核员' },
] as const

/** Staff whose roles are scoped to the demo bureau's points and authorities (seeds/data/demoBureau.ts). */
export const DEMO_BUREAU_STAFF = [
  { username: 'clerk', name: '确认点工作人员', label: '现场确认' },
  { username: 'approver', name: '审批工作人员', label: '注册/认定审批' },
] as const

/** The 台山 demo bureau's approver (seeds/data/demoTaishan.ts; its points' clerks are listed there). */
export const TAISHAN_APPROVER = {
  username: 'ts-approver',
  name: '台山市教育局注册审批',
  label: '台山注册审批',
}

export type DemoState = 'verified' | 'unverified' | 'manual_pending' | 'incomplete'

export interface DemoApplicant {
  state: DemoState
  label: string
  docType: DocType
  docNumber: string
  name: string
  phone: string
  email: string
  /** Whether the identity registry knows this person (so 实名核验 passes). */
  inRegistry: boolean
}

export const DEMO_APPLICANTS: DemoApplicant[] = [
  {
    state: 'verified',
    label: '申请人(已核验)',
    docType: 'id_card',
    docNumber: makeIdNumber('450103', '19950612', '031'),
    name: '李明',
    phone: '13800000001',
    email: 'liming@example.com',
    inRegistry: true,
  },
  {
    state: 'unverified',
    label: '申请人(未核验)',
    docType: 'id_card',
    docNumber: makeIdNumber('450103', '19980305', '042'),
    name: '王芳',
    phone: '13800000002',
    email: 'wangfang@example.com',
    inRegistry: true,
  },
  {
    state: 'manual_pending',
    label: '申请人(人工审核中)',
    docType: 'id_card',
    docNumber: makeIdNumber('420106', '19880512', '006'),
    name: '陈静',
    phone: '13800000003',
    email: 'chenjing@example.com',
    inRegistry: false,
  },
  {
    state: 'incomplete',
    label: '申请人(未完善)',
    docType: 'hk_macau_pass',
    docNumber: 'H12345678',
    name: '黄志强',
    phone: '13800000004',
    email: 'huangzq@example.com',
    inRegistry: false,
  },
]

/** People in the identity registry who have no account yet: register with them to verify live. */
export const DEMO_REGISTRY_ONLY: { docType: DocType; docNumber: string; name: string }[] = [
  { docType: 'id_card', docNumber: makeIdNumber('450102', '19920801', '015'), name: '赵磊' },
  { docType: 'id_card', docNumber: makeIdNumber('450105', '19960220', '028'), name: '刘洋' },
  { docType: 'id_card', docNumber: makeIdNumber('110101', '19900307', '003'), name: '孙悦' },
]

export const DEMO_LOGINS: { role: string; entrance: string; login: string }[] = [
  ...DEMO_STAFF.map((s) => ({ role: s.label, entrance: '/staff/login', login: s.username })),
  ...DEMO_BUREAU_STAFF.map((s) => ({ role: s.label, entrance: '/staff/login', login: s.username })),
  { role: TAISHAN_APPROVER.label, entrance: '/staff/login', login: TAISHAN_APPROVER.username },
  {
    role: '台山现场确认',
    entrance: '/staff/login',
    login: 'ts-haiyan、ts-xinning 等（每个确认点一个，见 README）',
  },
  ...DEMO_APPLICANTS.map((a) => ({ role: a.label, entrance: '/login', login: a.docNumber })),
]
