import crypto from 'node:crypto'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant, createStaff } from '../helpers/factories'
import { agent, submitForm, type Agent } from '../helpers/http'
import { staffLoginAs } from '../helpers/login'
import { infoItem, registrationAtPoint } from '../helpers/infoFactories'
import { jpeg } from '../fixtures/images'
import { JOB_QUEUES } from '../../src/services/jobs'
import {
  getRetention,
  purgeAbandonedAccounts,
  purgeDrafts,
  startRetentionJobs,
} from '../../src/modules/privacy/retention'

// Retention (系统设置 → 保存期限): drafts and unused uploads after N days, accounts that never applied
// after M years without a login; each purge a pg-boss job with its own audit entry. (The audit log's
// archiving: test/services/audit-retention.test.ts.)

const DAY = 24 * 3600_000
let t: TestApp

beforeAll(async () => {
  t = await appWithAllRoutes()
})
afterAll(() => t.close())
beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

const ago = (ms: number) => new Date(t.clock.now().getTime() - ms)

async function file(ownerId: number, o: { draft: boolean; createdAt: Date }): Promise<string> {
  const content = await jpeg({ width: 120, height: 90 })
  const [row] = await t
    .db('files')
    .insert({
      owner_kind: 'applicant',
      owner_id: ownerId,
      kind: 'id_photo',
      mime: 'image/jpeg',
      filename: 'photo.jpg',
      size: content.length,
      sha256: crypto.createHash('sha256').update(content).digest('hex'),
      content,
      draft: o.draft,
      created_at: o.createdAt,
    })
    .returning('id')
  return row.id
}

const exists = async (table: string, where: Record<string, unknown>) =>
  !!(await t.db(table).where(where).first())

async function lastEntry(action: string) {
  return t.db('audit_log').where({ action }).orderBy('id', 'desc').first()
}

async function signedInAdmin(): Promise<Agent> {
  const a = agent(t.app)
  await staffLoginAs(a, await createStaff(t.db, [{ role: 'admin' }]))
  return a
}

describe('drafts and unused uploads', () => {
  it('removes wizard drafts and unadopted uploads older than the period, keeps younger ones and files in use', async () => {
    const a = await createApplicant(t.db)
    const days = (await getRetention(t.db)).draftDays
    expect(days).toBe(30)
    await t.db('wizard_progress').insert([
      { applicant_id: a.id, wizard_key: 'registration', data: '{}', updated_at: ago((days + 1) * DAY) },
      { applicant_id: a.id, wizard_key: 'certification', data: '{}', updated_at: ago((days - 1) * DAY) },
    ])
    const staleDraft = await file(a.id, { draft: true, createdAt: ago((days + 1) * DAY) })
    const freshDraft = await file(a.id, { draft: true, createdAt: ago((days - 1) * DAY) })
    const inUse = await file(a.id, { draft: false, createdAt: ago(400 * DAY) })

    const done = await purgeDrafts(t.services)
    expect(done).toEqual({ wizardDrafts: 1, uploads: 1 })
    expect(await exists('wizard_progress', { applicant_id: a.id, wizard_key: 'registration' })).toBe(false)
    expect(await exists('wizard_progress', { applicant_id: a.id, wizard_key: 'certification' })).toBe(true)
    expect(await exists('files', { id: staleDraft })).toBe(false)
    expect(await exists('files', { id: freshDraft })).toBe(true)
    expect(await exists('files', { id: inUse })).toBe(true)
    expect((await lastEntry('retention.drafts')).detail).toMatchObject({ wizardDrafts: 1, uploads: 1, days })

    // two days on, the younger draft is due as well
    t.clock.advance(2 * DAY)
    expect(await purgeDrafts(t.services)).toEqual({ wizardDrafts: 1, uploads: 1 })
    expect(await exists('files', { id: freshDraft })).toBe(false)
  })

  it('records a run that found nothing to remove', async () => {
    t.clock.set('2020-01-01T00:00:00Z')
    expect(await purgeDrafts(t.services)).toEqual({ wizardDrafts: 0, uploads: 0 })
    expect((await lastEntry('retention.drafts')).detail).toMatchObject({ wizardDrafts: 0, uploads: 0 })
  })
})

describe('abandoned accounts', () => {
  it('deletes an account without applications and without a login for the period, with its data and files', async () => {
    const years = (await getRetention(t.db)).abandonedYears
    const longAgo = ago((years * 366 + 1) * DAY)
    const gone = await createApplicant(t.db, { last_login_at: longAgo, created_at: longAgo })
    const goneItem = await infoItem(t.db, gone.id, 'mandarin')
    const goneFile = await file(gone.id, { draft: false, createdAt: longAgo })
    await t.db('agreement_consents').insert({ applicant_id: gone.id, version: 1, at: longAgo, ip: null })
    const applied = await createApplicant(t.db, { last_login_at: longAgo, created_at: longAgo })
    await registrationAtPoint(t.db, applied.id, 31)
    const recent = await createApplicant(t.db, { last_login_at: ago(300 * DAY), created_at: longAgo })
    const neverSignedIn = await createApplicant(t.db, { last_login_at: null, created_at: ago(400 * DAY) })

    const done = await purgeAbandonedAccounts(t.services)
    expect(done.accounts).toBe(1)
    expect(await exists('applicants', { id: gone.id })).toBe(false)
    expect(await exists('info_items', { id: goneItem.id })).toBe(false)
    expect(await exists('files', { id: goneFile })).toBe(false)
    expect(await exists('files', { id: goneItem.scan_file_id })).toBe(false)
    expect(await exists('agreement_consents', { applicant_id: gone.id })).toBe(false)
    for (const kept of [applied, recent, neverSignedIn])
      expect(await exists('applicants', { id: kept.id })).toBe(true)
    expect((await lastEntry('retention.accounts')).detail).toMatchObject({
      accounts: 1,
      ids: [Number(gone.id)],
      years,
    })
  })
})

describe('保存期限 (administrator)', () => {
  it('saves the periods, audited, and the purge uses them; the audit log cannot go below six months', async () => {
    const admin = await signedInAdmin()
    const page = await admin.get('/staff/admin/retention')
    expect(page.status).toBe(200)
    expect(page.text).toContain('value="30"')

    const refused = await submitForm(admin, '/staff/admin/retention', {
      draftDays: '7',
      abandonedYears: '3',
      auditMonths: '5',
      archiveYears: '3',
    })
    expect(refused.headers.location).toBe('/staff/admin/retention')
    expect((await admin.get('/staff/admin/retention')).text).toContain('不少于六个月')
    expect((await getRetention(t.db)).draftDays).toBe(30)

    await submitForm(admin, '/staff/admin/retention', {
      draftDays: '7',
      abandonedYears: '3',
      auditMonths: '12',
      archiveYears: '5',
    })
    expect(await getRetention(t.db)).toEqual({
      draftDays: 7,
      abandonedYears: 3,
      auditMonths: 12,
      archiveYears: 5,
    })
    expect((await lastEntry('retention.update')).detail).toEqual({
      draftDays: { from: 30, to: 7 },
      auditMonths: { from: 6, to: 12 },
      archiveYears: { from: 3, to: 5 },
    })

    const a = await createApplicant(t.db)
    const eightDays = await file(a.id, { draft: true, createdAt: ago(8 * DAY) })
    await purgeDrafts(t.services)
    expect(await exists('files', { id: eightDays })).toBe(false)

    await submitForm(admin, '/staff/admin/retention', {
      draftDays: '30',
      abandonedYears: '3',
      auditMonths: '6',
      archiveYears: '3',
    })
  })
})

describe('the purges as pg-boss jobs', () => {
  it('runs each purge from its queue, each writing its own audit entry, and schedules them daily', async () => {
    const before = Number((await t.db('audit_log').max('id as id').first())!.id)
    const a = await createApplicant(t.db)
    const stale = await file(a.id, { draft: true, createdAt: ago(31 * DAY) })
    await startRetentionJobs(t.services)
    for (const queue of [JOB_QUEUES.retentionDrafts, JOB_QUEUES.retentionAccounts, JOB_QUEUES.retentionAudit])
      expect(await t.services.jobs.send(queue, {})).toBe(true)

    const actions = ['retention.drafts', 'retention.accounts', 'retention.audit']
    const deadline = Date.now() + 30_000
    let seen: string[] = []
    while (Date.now() < deadline) {
      seen = await t.db('audit_log').where('id', '>', before).whereIn('action', actions).pluck('action')
      if (actions.every((x) => seen.includes(x))) break
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(seen.sort()).toEqual([...actions].sort())
    expect(await exists('files', { id: stale })).toBe(false)

    const schedules = await t
      .db('pgboss.schedule')
      .whereIn('name', Object.values(JOB_QUEUES))
      .select('name', 'cron', 'timezone')
    expect(schedules.map((s) => s.name).sort()).toEqual(
      [JOB_QUEUES.retentionAccounts, JOB_QUEUES.retentionAudit, JOB_QUEUES.retentionDrafts].sort(),
    )
    for (const s of schedules)
      expect(s).toMatchObject({ cron: expect.stringMatching(/^\d+ 3 \* \* \*$/), timezone: 'Asia/Shanghai' })
  })
})
