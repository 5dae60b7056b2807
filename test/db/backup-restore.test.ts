import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createDb } from '../../src/db/knex'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { certificationApplicant, certifyingAuthority } from '../helpers/certificationFactories'
import { submit, walk } from '../helpers/certificationWizard'
import { createTestDatabase, testLogin, TEST_ROLES } from '../helpers/db'
import { createStaff } from '../helpers/factories'
import { agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { loginStaff, postFrom } from '../routes/staffSupport'

// npm run backup / npm run restore, end to end: a database filled through the app (an applicant
// signs in and submits a certification application with its photo and commitment scan, an
// administrator adds a holiday), backed up by the command line, restored into a new database, and
// the app started on that one finds every application, file, audit entry and login as it was.

const run = promisify(execFile)
const ROOT = path.resolve(__dirname, '../..')
const CLI = [path.join(ROOT, 'node_modules/.bin/tsx'), path.join(ROOT, 'src/db/cli.ts')]

const adminUrl = () => process.env.JSZG_TEST_ADMIN_URL!

/** The command line as the operator runs it, with the source database configured. */
function cli(args: string[], db: { url: string; ownerUrl: string }) {
  return run(CLI[0], [CLI[1], ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url, DATABASE_OWNER_URL: db.ownerUrl, NODE_ENV: 'test' },
  })
}

/** What must come back: every row of these tables, files with their bytes. */
async function snapshot(db: TestApp['db']) {
  const rows = (table: string, order = 'id') => db(table).orderBy(order).select('*')
  return {
    applicants: await rows('applicants'),
    applications: await rows('certification_applications'),
    files: await rows('files'),
    audit: await rows('audit_log'),
    holidays: await rows('holidays', 'day'),
    staff: await rows('staff_users'),
  }
}

describe('backup and restore', () => {
  const source = { url: '', ownerUrl: '', drop: async () => undefined as void }
  const target = `jszgt_restore_${crypto.randomBytes(4).toString('hex')}`
  let t: TestApp
  let restored: TestApp | undefined
  let dir: string

  beforeAll(async () => {
    Object.assign(source, await createTestDatabase())
    t = await appWithAllRoutes({ databaseUrl: source.url })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-backup-'))
  })
  afterAll(async () => {
    await restored?.close()
    await t?.close()
    await source.drop()
    const admin = createDb(adminUrl(), 1)
    await admin.raw(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`)
    await admin.destroy()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('a database filled through the app comes back whole in a new database', async () => {
    t.clock.set('2026-09-15T02:00:00Z')
    const county = await certifyingAuthority(t.db)
    const who = await certificationApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, who.applicant)
    await walk({ a, ...who }, county)
    expect((await submit(a)).status).toBe(303)
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const staff = await loginStaff(t, admin.username, admin.password)
    const holiday = await postFrom(staff, '/staff/admin/holidays', '/staff/admin/holidays', {
      day: '2027-01-01',
      kind: 'holiday',
      name: '元旦',
    })
    expect(holiday.status).toBe(303)

    const before = await snapshot(t.db)
    expect(before.applications).toHaveLength(1)
    expect(before.files.length).toBeGreaterThanOrEqual(3) // photo, commitment scan and its crop
    const actions = before.audit.map((r) => r.action)
    expect(actions).toEqual(expect.arrayContaining(['certification.submit', 'holiday.add']))

    const file = path.join(dir, 'jszg.dump')
    const backup = await cli(['backup', file], source)
    expect(backup.stdout).toMatch(/备份完成：.*jszg\.dump，[\d.]+ MB，用时 [\d.]+ 秒/)
    expect(fs.statSync(file).size).toBeGreaterThan(0)
    expect(fs.existsSync(`${file}.partial`)).toBe(false)

    // The database an administrator made for it, as on a server where the owner may not create one.
    const server = createDb(adminUrl(), 1)
    await server.raw(`CREATE DATABASE "${target}" OWNER ${TEST_ROLES.owner}`)
    await server.destroy()
    const restore = await cli(['restore', file, '--into', target], source)
    expect(restore.stdout).toMatch(/恢复完成：数据库 jszgt_restore_\w+/)

    restored = await appWithAllRoutes({ databaseUrl: testLogin(adminUrl(), 'app', target) })
    const after = await snapshot(restored.db)
    expect(after).toEqual(before)
    for (const [i, f] of before.files.entries())
      expect(Buffer.compare(after.files[i].content, f.content)).toBe(0)

    // the app on the restored database: the applicant signs in and sees the application, with its photo
    restored.clock.set('2026-09-16T02:00:00Z')
    const again = agent(restored.app)
    await loginAs(again, who.applicant)
    const records = await again.get('/certification/records')
    expect(records.status).toBe(200)
    expect(records.text).toContain(before.applications[0].number)
    // new rows take new ids after the old ones: the sequences came back too (the sign-in was audited)
    const last = Math.max(...before.audit.map((r) => Number(r.id)))
    expect(await restored.db('audit_log').where('id', '<=', last).orderBy('id')).toEqual(before.audit)
    expect(await restored.db('audit_log').where('id', '>', last).select('action')).not.toHaveLength(0)

    // a second restore into the same, no longer empty, database is refused
    const refused = await cli(['restore', file, '--into', target], source).catch((err) => err)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`数据库 ${target} 不是空的`)
    expect(await restored.db('certification_applications').count('* as n').first()).toEqual({ n: '1' })
  })
})
