import type { Db } from '../../src/db/knex'
import { defaultRegistrationWindow } from '../../src/domain/windows'
import { shanghaiDate, shanghaiDateToUtc } from '../../src/domain/time'
import { DEMO_BUREAU_STAFF } from './demoLogins'

// The demo bureau set-up (issue 5): a county bureau (南宁市青秀区) that registers 幼儿园/小学/初中 and
// certifies types 1–3, a city bureau (南宁市) for 高中/中职 and types 4–6 that posts certificates, two
// confirmation points with their schools (seed 004's "镇中心小学 covers its schools" pattern), windows
// open around the seed's clock, and a confirmation clerk and an approver. Keyed by name, so a second
// run changes nothing and what an administrator has since edited is left alone.

const COUNTY = '南宁市青秀区教育局'
const CITY = '南宁市教育局'

const SCHOOLS: { name: string; type: string; point: string }[] = [
  { name: '南宁市青秀区凤翔路小学', type: '小学', point: '青秀区教师发展中心' },
  { name: '南宁市青秀区滨湖路小学', type: '小学', point: '青秀区教师发展中心' },
  { name: '南宁市青秀区第一幼儿园', type: '幼儿园', point: '青秀区教师发展中心' },
  { name: '南宁市第十四中学', type: '初级中学', point: '青秀区刘圩镇中心学校' },
  { name: '南宁市青秀区刘圩镇中心学校', type: '九年一贯制学校', point: '青秀区刘圩镇中心学校' },
  { name: '南宁市青秀区刘圩镇中心幼儿园', type: '幼儿园', point: '青秀区刘圩镇中心学校' },
]

/** The authority of this name, created with `row` if there is none (what an administrator edits is kept). */
export async function demoAuthority(trx: Db, now: Date, row: Record<string, unknown>): Promise<number> {
  const found = await trx('authorities').where({ name: row.name }).first('id')
  if (found) return Number(found.id)
  const [created] = await trx('authorities')
    .insert({ ...row, created_at: now, updated_at: now })
    .returning('id')
  return Number(created.id)
}

export interface DemoPoint {
  name: string
  scope: string
  address: string
  phone: string
  /** the directory's schools in its 确认范围 */
  schools: string[]
  free_schools?: string[]
}

/**
 * The point of this name, created if there is none with 现场确认 through the two months after the
 * seed's clock (so the demo can confirm at once), linked to its schools.
 */
export async function demoPoint(trx: Db, now: Date, authorityId: number, p: DemoPoint): Promise<number> {
  const found = await trx('confirmation_points')
    .where({ authority_id: authorityId, name: p.name })
    .first('id')
  if (found) return Number(found.id)
  const confirmStart = shanghaiDateToUtc(shanghaiDate(now), '08:30')
  const [created] = await trx('confirmation_points')
    .insert({
      authority_id: authorityId,
      name: p.name,
      scope: p.scope,
      address: p.address,
      phone: p.phone,
      confirm_start: confirmStart,
      confirm_end: new Date(confirmStart.getTime() + 60 * 86_400_000),
      capacity_per_day: 200,
      free_schools: p.free_schools ?? [],
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const id = Number(created.id)
  const schools = await trx('schools').whereIn('name', p.schools).select('id')
  if (schools.length)
    await trx('confirmation_point_schools')
      .insert(schools.map((s: { id: string }) => ({ point_id: id, school_id: s.id })))
      .onConflict(['point_id', 'school_id'])
      .ignore()
  return id
}

/** Schools of the directory (名录), keyed by name and region. */
export async function demoSchools(
  trx: Db,
  now: Date,
  regionCode: string,
  schools: { name: string; type: string }[],
) {
  if (schools.length)
    await trx('schools')
      .insert(
        schools.map((s) => ({
          name: s.name,
          region_code: regionCode,
          school_type: s.type,
          imported_at: now,
        })),
      )
      .onConflict(['name', 'region_code'])
      .ignore()
}

/**
 * Windows open around "now": the registration half-year (下半年, so a demo run in spring opens the
 * coming one — then registration opens early for the demo: from the seed's day on) and, when the
 * authority certifies, certification for 60 days.
 */
export async function demoWindows(trx: Db, now: Date, authorityId: number, certifies: boolean) {
  const registration = defaultRegistrationWindow('H2', now)
  const regStart = registration.start.getTime() > now.getTime() ? startOfDay(now) : registration.start
  await window(trx, authorityId, 'registration', regStart, registration.end, now)
  if (certifies)
    await window(
      trx,
      authorityId,
      'certification',
      startOfDay(now),
      new Date(startOfDay(now).getTime() + 60 * 86_400_000),
      now,
    )
}

/** A demo staff user (created with the demo password if missing) and its scoped roles. */
export async function demoStaff(
  trx: Db,
  now: Date,
  demoHash: () => Promise<string>,
  s: { username: string; name: string },
  grants: { role: string; scope_type: string; scope_id: number }[],
) {
  let user = await trx('staff_users').where({ username: s.username }).first('id')
  if (!user)
    [user] = await trx('staff_users')
      .insert({
        username: s.username,
        name: s.name,
        password_hash: await demoHash(),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
  for (const g of grants)
    await trx('staff_roles')
      .insert({ staff_id: Number(user.id), ...g })
      .onConflict(['staff_id', 'role', 'scope_type', 'scope_id'])
      .ignore()
}

export async function seedDemoBureau(trx: Db, now: Date, demoHash: () => Promise<string>) {
  const year = Number(shanghaiDate(now).slice(0, 4))
  const county = await demoAuthority(trx, now, {
    name: COUNTY,
    region_code: '450103',
    level: 'county',
    address: '南宁市青秀区民族大道演示路1号',
    phone: '0771-5550101',
    registers: true,
    stages: ['1', '2', '3'],
    certifies: true,
    qualification_types: ['1', '2', '3'],
    posts_certificates: false,
    reminder:
      '（演示）申请人按照通知要求进行网上申报，并将申请表（一式两份）和注册材料交学校，由学校统一交确认点。',
    form_download_end: `${year}-12-31`,
  })
  const city = await demoAuthority(trx, now, {
    name: CITY,
    region_code: '450100',
    level: 'city',
    address: '南宁市青秀区演示大道2号',
    phone: '0771-5550202',
    registers: true,
    stages: ['4', '5'],
    certifies: true,
    qualification_types: ['4', '5', '6'],
    posts_certificates: true,
    reminder: '（演示）请在现场确认时间内携带材料到所选确认点。',
  })

  await demoSchools(trx, now, '450103', SCHOOLS)
  const schoolsOf = (point: string) => SCHOOLS.filter((s) => s.point === point).map((s) => s.name)
  const point = (authorityId: number, name: string, scope: string, address: string, extra = {}) =>
    demoPoint(trx, now, authorityId, {
      name,
      scope,
      address,
      phone: '0771-5550303',
      schools: schoolsOf(name),
      ...extra,
    })
  const centre = await point(
    county,
    '青秀区教师发展中心',
    '青秀区城区公办、民办小学和幼儿园',
    '南宁市青秀区演示路3号',
  )
  const town = await point(
    county,
    '青秀区刘圩镇中心学校',
    '刘圩镇属下学校、分教点和幼儿园，以及南宁市第十四中学',
    '南宁市青秀区刘圩镇演示街4号',
    { free_schools: ['南宁市青秀区刘圩镇某村教学点'] },
  )
  const cityPoint = await point(
    city,
    '南宁市政务服务中心教师资格窗口',
    '南宁市属高中、中职学校',
    '南宁市良庆区演示大道5号',
  )
  for (const id of [county, city]) await demoWindows(trx, now, id, true)

  // The demo clerk confirms at all three points (so each is offered); the approver decides for both
  // authorities, in both businesses.
  const grants: Record<string, { role: string; scope_type: string; scope_id: number }[]> = {
    clerk: [centre, town, cityPoint].map((id) => ({
      role: 'confirmation_clerk',
      scope_type: 'point',
      scope_id: id,
    })),
    approver: [county, city].flatMap((id) => [
      { role: 'registration_approver', scope_type: 'authority', scope_id: id },
      { role: 'certification_approver', scope_type: 'authority', scope_id: id },
    ]),
  }
  for (const s of DEMO_BUREAU_STAFF) await demoStaff(trx, now, demoHash, s, grants[s.username] ?? [])
}

const startOfDay = (d: Date) => shanghaiDateToUtc(shanghaiDate(d))

/** Adds the window unless the authority already has one of that business overlapping it. */
async function window(trx: Db, authorityId: number, business: string, start: Date, end: Date, now: Date) {
  const overlapping = await trx('online_windows')
    .where({ authority_id: authorityId, business })
    .where('starts_at', '<', end)
    .where('ends_at', '>', start)
    .first('id')
  if (!overlapping)
    await trx('online_windows').insert({
      authority_id: authorityId,
      business,
      starts_at: start,
      ends_at: end,
      created_at: now,
    })
}
