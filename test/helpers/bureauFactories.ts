import type { Db } from '../../src/db/knex'
import type { Business } from '../../src/domain/windows'
import { createStaff } from './factories'

// Bureau set-up test data written straight to the tables: authorities, points (staffed or not),
// windows and schools. Region codes are real ones from the reference seed (南宁市青秀区 and its city).

export const NANNING = { province: '450000', city: '450100', county: '450103' }

let seq = 0
const now = new Date('2026-09-01T00:00:00Z')

export async function makeAuthority(
  db: Db,
  o: Partial<{
    name: string
    region_code: string
    level: 'county' | 'city' | 'province'
    registers: boolean
    stages: string[]
    certifies: boolean
    qualification_types: string[]
    posts_certificates: boolean
    enabled: boolean
    reminder: string | null
    form_download_end: string | null
    address: string
    phone: string
  }> = {},
): Promise<number> {
  const [row] = await db('authorities')
    .insert({
      name: `测试教育局${++seq}`,
      region_code: NANNING.county,
      level: 'county',
      address: '青秀区民族大道1号',
      phone: '0771-5550000',
      registers: true,
      stages: ['1', '2', '3'],
      certifies: true,
      qualification_types: ['1', '2', '3'],
      created_at: now,
      updated_at: now,
      ...o,
    })
    .returning('id')
  return Number(row.id)
}

/** A confirmation point; `staffed` (the default) also creates an active 现场确认 clerk on it. */
export async function makePoint(
  db: Db,
  authorityId: number,
  o: Partial<{
    name: string
    scope: string
    free_schools: string[]
    enabled: boolean
    confirm_start: Date | null
    confirm_end: Date | null
    address: string
  }> & { staffed?: boolean; schoolIds?: number[] } = {},
): Promise<number> {
  const { staffed = true, schoolIds = [], ...fields } = o
  const [row] = await db('confirmation_points')
    .insert({
      authority_id: authorityId,
      name: `测试确认点${++seq}`,
      scope: '青秀区属中小学、幼儿园',
      address: '青秀区教育路2号',
      phone: '0771-5551111',
      created_at: now,
      updated_at: now,
      ...fields,
    })
    .returning('id')
  const id = Number(row.id)
  if (staffed) await createStaff(db, [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: id }])
  for (const school_id of schoolIds)
    await db('confirmation_point_schools').insert({ point_id: id, school_id })
  return id
}

export async function makeWindow(
  db: Db,
  authorityId: number,
  business: Business,
  start: string | Date,
  end: string | Date,
): Promise<number> {
  const [row] = await db('online_windows')
    .insert({
      authority_id: authorityId,
      business,
      starts_at: new Date(start),
      ends_at: new Date(end),
      created_at: now,
    })
    .returning('id')
  return Number(row.id)
}

export async function makeSchool(db: Db, name: string, regionCode = NANNING.county): Promise<number> {
  const [row] = await db('schools')
    .insert({ name, region_code: regionCode, school_type: '小学', imported_at: now })
    .onConflict(['name', 'region_code'])
    .merge(['school_type'])
    .returning('id')
  return Number(row.id)
}
