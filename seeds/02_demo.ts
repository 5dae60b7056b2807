import crypto from 'node:crypto'
import sharp from 'sharp'
import type { Db } from '../src/db/knex'
import { loadConfig } from '../src/config'
import { systemClock, type Clock } from '../src/services/clock'
import { argon2Passwords } from '../src/services/passwords'
import { checkDocNumber } from '../src/domain/idNumber'
import { halfYearCycle, shanghaiDate } from '../src/domain/time'
import { addWorkingDays } from '../src/domain/workingDays'
import {
  DEMO_APPLICANTS,
  DEMO_LOGINS,
  DEMO_PASSWORD,
  DEMO_REGISTRY_ONLY,
  DEMO_STAFF,
  type DemoApplicant,
} from './data/demoLogins'
import { seedDemoBureau } from './data/demoBureau'
import { seedDemoTaishan } from './data/demoTaishan'
import { seedDemoRegistries } from './data/demoRegistries'
import { seedDemoInfo } from './data/demoInfo'

// Demo data for trying the app: staff, applicants in several states, identity registry rows, the
// 2026 holidays and two bureaus (南宁 and 台山, seed 004). Runs on every start outside production and changes nothing the second time
// (rows are keyed by username, document number and date); accounts a tester has since changed are
// left as they are.

/**
 * 2026 public holidays and make-up working days, from the State Council's notice on the 2026
 * holiday arrangements as we recall it — demo data: the administrator checks it against the
 * published notice on 节假日设置.
 */
const HOLIDAYS_2026: { from: string; to?: string; kind: 'holiday' | 'workday'; name: string }[] = [
  { from: '2026-01-01', to: '2026-01-03', kind: 'holiday', name: '元旦' },
  { from: '2026-01-04', kind: 'workday', name: '元旦调休上班' },
  { from: '2026-02-14', kind: 'workday', name: '春节调休上班' },
  { from: '2026-02-15', to: '2026-02-23', kind: 'holiday', name: '春节' },
  { from: '2026-02-28', kind: 'workday', name: '春节调休上班' },
  { from: '2026-04-04', to: '2026-04-06', kind: 'holiday', name: '清明节' },
  { from: '2026-05-01', to: '2026-05-05', kind: 'holiday', name: '劳动节' },
  { from: '2026-05-09', kind: 'workday', name: '劳动节调休上班' },
  { from: '2026-06-19', to: '2026-06-21', kind: 'holiday', name: '端午节' },
  { from: '2026-09-20', kind: 'workday', name: '国庆节调休上班' },
  { from: '2026-09-25', to: '2026-09-27', kind: 'holiday', name: '中秋节' },
  { from: '2026-10-01', to: '2026-10-07', kind: 'holiday', name: '国庆节' },
  { from: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
]

const DEMO_SETTINGS = {
  bureau_name: '演示县教育局',
  contact_phone: '0771-5550000',
  contact_email: 'jszg@example.com',
  notice: '（演示数据）这是平台公告的示例：系统管理员可在“系统设置”中修改或清空本公告。',
}

export function demoHolidayRows(): { day: string; kind: 'holiday' | 'workday'; name: string }[] {
  const rows: { day: string; kind: 'holiday' | 'workday'; name: string }[] = []
  for (const h of HOLIDAYS_2026) {
    const end = new Date(`${h.to ?? h.from}T00:00:00Z`)
    for (let d = new Date(`${h.from}T00:00:00Z`); d <= end; d = new Date(d.getTime() + 86_400_000))
      rows.push({ day: d.toISOString().slice(0, 10), kind: h.kind, name: h.name })
  }
  return rows
}

/** A small, plainly fake ID photo: a grey silhouette on a light blue background, 295 × 413 JPEG. */
async function demoPhoto(): Promise<{ content: Buffer; width: number; height: number }> {
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="295" height="413">
       <rect width="295" height="413" fill="#dbe8f5"/>
       <circle cx="147" cy="150" r="70" fill="#8a96a3"/>
       <ellipse cx="147" cy="380" rx="125" ry="120" fill="#8a96a3"/>
     </svg>`,
  )
  const content = await sharp(svg).jpeg({ quality: 80 }).toBuffer()
  return { content, width: 295, height: 413 }
}

export async function seed(db: Db, clockOverride?: Clock): Promise<void> {
  if (process.env.NODE_ENV === 'production')
    throw new Error(
      '02_demo refuses to run with NODE_ENV=production: it creates accounts whose password is published (Demo#2026).',
    )
  // FAKE_NOW moves the demo data's dates along with the running app's clock.
  const clock = clockOverride ?? systemClock(loadConfig().fakeNow)
  const passwords = argon2Passwords({ memoryCost: 19456, timeCost: 2, parallelism: 1 })
  const now = clock.now()
  let hash: string | undefined
  const demoHash = async () => (hash ??= await passwords.hash(DEMO_PASSWORD))

  await db.transaction(async (trx) => {
    for (const s of DEMO_STAFF) {
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
      const held = await trx('staff_roles')
        .where({ staff_id: user.id, role: s.role, scope_type: 'instance' })
        .first('id')
      if (!held)
        await trx('staff_roles').insert({
          staff_id: user.id,
          role: s.role,
          scope_type: 'instance',
          scope_id: null,
        })
    }

    await trx('holidays').insert(demoHolidayRows()).onConflict('day').merge(['kind', 'name'])

    // Settings the administrator may since have changed are left alone.
    await trx('settings')
      .insert(
        Object.entries(DEMO_SETTINGS).map(([key, value]) => ({
          key,
          value: JSON.stringify(value),
          updated_at: now,
        })),
      )
      .onConflict('key')
      .ignore()

    const registry = [
      ...DEMO_APPLICANTS.filter((a) => a.inRegistry).map((a) => ({
        docType: a.docType,
        docNumber: a.docNumber,
        name: a.name,
      })),
      ...DEMO_REGISTRY_ONLY,
    ]
    await trx('identity_registry')
      .insert(
        registry.map((r) => ({
          doc_type: r.docType,
          doc_number: r.docNumber,
          name: r.name,
          imported_at: now,
        })),
      )
      .onConflict(['doc_type', 'doc_number'])
      .merge(['name'])

    for (const a of DEMO_APPLICANTS) await seedApplicant(trx, a, now, demoHash)
    await seedDemoBureau(trx, now, demoHash)
    await seedDemoTaishan(trx, now, demoHash)
    await seedDemoRegistries(trx, now)
    await seedDemoInfo(trx, now)
  })
}

async function seedApplicant(
  trx: Db,
  a: DemoApplicant,
  now: Date,
  demoHash: () => Promise<string>,
): Promise<void> {
  if (await trx('applicants').where({ doc_number: a.docNumber }).first('id')) return
  const checked = checkDocNumber(a.docType, a.docNumber, shanghaiDate(now))
  if (!checked.ok) throw new Error(`demo applicant ${a.name} has an invalid document number ${a.docNumber}`)
  const complete = a.state !== 'incomplete'
  const [row] = await trx('applicants')
    .insert({
      doc_type: a.docType,
      doc_number: a.docNumber,
      name: a.name,
      valid_from: '2020-01-01',
      valid_to: '2040-01-01',
      password_hash: await demoHash(),
      email: a.email,
      phone: a.phone,
      sex: checked.sex ?? null,
      birth_date: checked.birthDate ?? null,
      ethnicity: complete ? '01' : null,
      profile_completed_at: complete ? now : null,
      identity_status:
        a.state === 'verified' ? 'verified' : a.state === 'manual_pending' ? 'manual_pending' : 'unverified',
      identity_verified_at: a.state === 'verified' ? now : null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const id = Number(row.id)
  const today = shanghaiDate(now)
  if (a.state === 'verified')
    await trx('identity_checks').insert({
      applicant_id: id,
      day: today,
      name_tried: a.name,
      passed: true,
      at: now,
    })
  if (a.state !== 'manual_pending') return

  // A failed check, then a manual review request with its photo, waiting for the reviewer.
  await trx('identity_checks').insert({
    applicant_id: id,
    day: today,
    name_tried: a.name,
    passed: false,
    at: now,
  })
  const photo = await demoPhoto()
  const [file] = await trx('files')
    .insert({
      owner_kind: 'applicant',
      owner_id: id,
      kind: 'identity_review_photo',
      mime: 'image/jpeg',
      filename: 'photo.jpg',
      size: photo.content.length,
      width: photo.width,
      height: photo.height,
      sha256: crypto.createHash('sha256').update(photo.content).digest('hex'),
      content: photo.content,
      created_at: now,
    })
    .returning('id')
  const holidays = await trx('holidays').select(trx.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'kind')
  await trx('identity_reviews').insert({
    applicant_id: id,
    cycle: halfYearCycle(now).key,
    status: 'pending',
    name: a.name,
    doc_type: a.docType,
    doc_number: a.docNumber,
    details: '本人身份证信息无误，实名核验未通过，申请人工审核。（演示数据）',
    photo_file_id: file.id,
    submitted_at: now,
    deadline: addWorkingDays(today, 7, holidays),
  })
}

/** Printed by the server once it listens (src/db/knex.ts runSeeds collects it). */
export const startupNotes = (): string[] => [
  `demo logins (password for all: ${DEMO_PASSWORD}):`,
  ...DEMO_LOGINS.map((l) => `  ${l.role.padEnd(10)} ${l.entrance.padEnd(14)} ${l.login}`),
]
