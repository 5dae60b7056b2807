import type { Db } from '../../src/db/knex'
import type { BureauPort, PointInfo } from '../../src/modules/registration/bureauPort'
import { portrait } from '../fixtures/images'

// Registration test data: the applicant's registry certificate, schools, and a bureau set-up held in
// memory behind the wizard's BureauPort (tests move its window and points).

export interface FakeAuthority {
  id: number
  name: string
  cityCode: string
  stages: string[]
  window?: { start: Date; end: Date }
  points: (PointInfo & { schools: string[] })[]
  reminder?: string
}

export function fakeBureau(authorities: FakeAuthority[]): BureauPort {
  const info = (a: FakeAuthority) => ({
    id: a.id,
    name: a.name,
    address: '台城街道教育路1号',
    phone: '0750-5500000',
    reminder: a.reminder ?? null,
    formDownloadEnd: '2026-12-31',
  })
  const open = (a: FakeAuthority, now: Date) =>
    !!a.window && a.window.start.getTime() <= now.getTime() && now.getTime() < a.window.end.getTime()
  const strip = ({ schools: _s, ...p }: FakeAuthority['points'][number]): PointInfo => p
  return {
    openAuthorities: async (_db, q) =>
      authorities
        .filter((a) => a.cityCode === q.cityCode && a.stages.includes(q.stage) && open(a, q.now))
        .map(info),
    authority: async (_db, id) => {
      const a = authorities.find((x) => x.id === id)
      return a && info(a)
    },
    pointsFor: async (_db, id) => (authorities.find((a) => a.id === id)?.points ?? []).map(strip),
    point: async (_db, id) => {
      const p = authorities.flatMap((a) => a.points).find((x) => x.id === id)
      return p && strip(p)
    },
    suggestPoint: async (_db, id, school) => {
      const p = authorities.find((a) => a.id === id)?.points.find((x) => x.schools.includes(school))
      return p && strip(p)
    },
    windowFor: async (_db, id) => authorities.find((a) => a.id === id)?.window,
    openWindowSql: (db, authorityIdText, now) =>
      db.raw(`coalesce((${authorityIdText}) = ANY(?::text[]), false)`, [
        authorities.filter((a) => open(a, now)).map((a) => String(a.id)),
      ]),
    season: async (_db, now) => {
      const windows = authorities.flatMap((a) => (a.window ? [a.window] : []))
      const t = now.getTime()
      return {
        open: authorities.some((a) => open(a, now)),
        next: windows.filter((w) => w.start.getTime() > t).sort((x, y) => +x.start - +y.start)[0],
        last: windows.filter((w) => w.end.getTime() <= t).sort((x, y) => +y.end - +x.end)[0],
      }
    },
  }
}

/**
 * One port the app is built with (appWithAllRoutes({ bureau: { registration: port } })) that
 * forwards to whichever fake the test last chose with `use`: tests change the bureau between cases.
 */
export function swappable<T extends object>(first: T): { readonly port: T; use(next: T): void } {
  let current = first
  const port = new Proxy(first, { get: (_target, key) => Reflect.get(current, key) })
  return {
    port,
    use: (next) => {
      current = next
    },
  }
}

export const JIANGMEN = { province: '440000', city: '440700' }

export function taishanBureau(): FakeAuthority {
  return {
    id: 3,
    name: '江门市台山市教育局',
    cityCode: JIANGMEN.city,
    stages: ['1', '2', '3'],
    window: { start: new Date('2026-09-01T00:00:00Z'), end: new Date('2026-10-31T16:00:00Z') },
    reminder: '申请人按照通知要求进行网上报名和提交资料给学校教师资格定期注册管理员。',
    points: [
      {
        id: 31,
        name: '台山市海宴镇中心小学',
        scope: '海宴镇属下学校、分教点和幼儿园',
        address: '海宴镇',
        confirmStart: new Date('2026-11-01T01:00:00Z'),
        confirmEnd: new Date('2026-11-10T09:00:00Z'),
        schools: ['台山市海宴镇沙栏学校'],
      },
      {
        id: 32,
        name: '台山市新宁小学',
        scope: '台城桂水小学等',
        address: '台城',
        confirmStart: null,
        confirmEnd: null,
        schools: ['台山市台城桂水小学'],
      },
    ],
  }
}

/** A synced certificate of the applicant (17 digits, 小学, 2010), optionally with earlier registrations. */
export async function registryCertificate(
  db: Db,
  holder: { name: string; doc_number: string },
  o: { certNumber?: string; type?: string; registrations?: { on: string; result: string }[] } = {},
): Promise<string> {
  const certNumber = o.certNumber ?? `2010440${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`
  const now = new Date('2026-01-01T00:00:00Z')
  await db('registry_certificates').insert({
    cert_number: certNumber,
    holder_name: holder.name,
    doc_number: holder.doc_number,
    qualification_type: o.type ?? '2',
    subject: '语文',
    authority: '台山市教育局',
    issued_on: '2010-07-01',
    imported_at: now,
  })
  for (const r of o.registrations ?? [])
    await db('registry_certificate_registrations').insert({
      cert_number: certNumber,
      registered_on: r.on,
      result: r.result,
      authority: '台山市教育局',
      imported_at: now,
    })
  return certNumber
}

export async function school(db: Db, name: string): Promise<void> {
  await db('schools')
    .insert({ name, region_code: '440000', school_type: '普通高等学校', imported_at: new Date() })
    .onConflict(['name', 'region_code'])
    .ignore()
}

export const idPhoto = () => portrait({ width: 600, height: 800, grain: true })

/** Answers of the information page that pass every check. */
export const goodInformation = (schoolName: string): Record<string, string> => ({
  mandarin: '二级甲等',
  education: '21',
  majorCategory: 'normal',
  major: '汉语言文学',
  degree: 'bachelor',
  graduatedOn: '2010-06-30',
  graduationSchool: schoolName,
  studyForm: 'full_time',
  currentSchool: '台山市台城桂水小学',
  schoolLocation: 'town',
  schoolNature: 'public_primary',
  title: 'xx_yj',
  workStartedOn: '2010-09-01',
  household: '广东省台山市',
  employedFrom: '2015-09-01',
  political: '13',
  postNature: 'established',
  address: '广东省台山市台城街道环市路1号',
  postcode: '529200',
})
