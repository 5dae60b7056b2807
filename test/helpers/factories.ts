import crypto from 'node:crypto'
import argon2 from 'argon2'
import type { Db } from '../../src/db/knex'
import { makeIdNumber } from '../../src/domain/idNumber'

export const TEST_PASSWORD = 'Test#2026abc'
let cachedHash: Promise<string> | undefined
const passwordHash = () =>
  (cachedHash ??= argon2.hash(TEST_PASSWORD, {
    type: argon2.argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  }))

let seq = 0
/** A valid, unique 居民身份证 number (Beijing, born 1990-2000). */
export function uniqueIdNumber(): string {
  seq = (seq + 1) % 1000
  const year = 1990 + crypto.randomInt(10)
  const birth = `${year}${String(1 + crypto.randomInt(12)).padStart(2, '0')}${String(1 + crypto.randomInt(28)).padStart(2, '0')}`
  return makeIdNumber('110101', birth, String(crypto.randomInt(1000)).padStart(3, '0'))
}

export function uniquePhone(): string {
  return `139${String(crypto.randomInt(100_000_000)).padStart(8, '0')}`
}

export interface ApplicantRow {
  id: number
  doc_type: string
  doc_number: string
  name: string
  phone: string
  email: string
}

export async function createApplicant(
  db: Db,
  overrides: Partial<Record<string, unknown>> = {},
): Promise<ApplicantRow & { password: string }> {
  const now = new Date('2026-09-01T00:00:00Z')
  const [row] = await db('applicants')
    .insert({
      doc_type: 'id_card',
      doc_number: uniqueIdNumber(),
      name: '张三',
      valid_from: '2020-01-01',
      valid_to: '2040-01-01',
      password_hash: await passwordHash(),
      email: `t${crypto.randomInt(1e9)}@example.com`,
      phone: uniquePhone(),
      ethnicity: '01',
      profile_completed_at: now,
      identity_status: 'verified',
      created_at: now,
      updated_at: now,
      ...overrides,
    })
    .returning('*')
  return { ...row, password: TEST_PASSWORD }
}

export async function createStaff(
  db: Db,
  roles: { role: string; scope_type?: 'instance' | 'authority' | 'point'; scope_id?: number | null }[],
  overrides: Partial<Record<string, unknown>> = {},
): Promise<{ id: number; username: string; password: string }> {
  const now = new Date('2026-09-01T00:00:00Z')
  const [row] = await db('staff_users')
    .insert({
      username: `staff${crypto.randomInt(1e9)}`,
      name: '工作人员',
      password_hash: await passwordHash(),
      created_at: now,
      updated_at: now,
      ...overrides,
    })
    .returning(['id', 'username'])
  for (const r of roles)
    await db('staff_roles').insert({
      staff_id: row.id,
      role: r.role,
      scope_type: r.scope_type ?? 'instance',
      scope_id: r.scope_id ?? null,
    })
  return { ...row, password: TEST_PASSWORD }
}

/** 汉族 and 回族 in the 民族 list, whatever the reference seed holds (the forms that choose one). */
export async function ethnicityCodes(db: Db): Promise<void> {
  await db('ref_codes')
    .insert([
      { kind: 'ethnicity', code: '01', name: '汉族', sort: 1 },
      { kind: 'ethnicity', code: '03', name: '回族', sort: 3 },
    ])
    .onConflict(['kind', 'code'])
    .ignore()
}
