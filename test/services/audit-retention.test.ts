import { createTestDatabase } from '../helpers/db'
import { createDb, type Db } from '../../src/db/knex'
import { TestClock } from '../helpers/clock'
import { createAudit } from '../../src/services/audit'
import { retireAuditLog } from '../../src/modules/privacy/retention'
import { auditLogUnprotected } from '../../src/db/roles'
import { prepareDatabase } from '../../src/db/prepare'
import { loadConfig } from '../../src/config'

// The audit log is append-only in the database itself, whatever the application does: the app's
// role may only read and append, and under that a trigger refuses changes even to the owner.
describe('audit log retention and append-only guard', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  /** as the app connects */
  let db: Db
  /** the tables' owner (migrations) */
  let owner: Db
  beforeAll(async () => {
    database = await createTestDatabase()
    db = createDb(database.url, 2)
    owner = createDb(database.ownerUrl, 2)
  })
  afterAll(async () => {
    await Promise.all([db.destroy(), owner.destroy()])
    await database.drop()
  })

  const retire = (clock: TestClock) => retireAuditLog({ db, clock, audit: createAudit(clock) })

  async function insertAged(age: string, action: string): Promise<number> {
    const { rows } = await db.raw(
      `INSERT INTO audit_log (at, actor_kind, action, detail) VALUES (now() - ?::interval, 'system', ?, '{}') RETURNING id`,
      [age, action],
    )
    return Number(rows[0].id)
  }

  it("refuses the app's connection every way of changing or removing entries, the guard's included", async () => {
    const id = await insertAged('1 day', 'test.protected')
    // one statement per connection, as an attacker with the app's connection would try them
    const attempts = [
      `DELETE FROM audit_log WHERE id = ${id}`,
      `UPDATE audit_log SET action = 'test.changed' WHERE id = ${id}`,
      `TRUNCATE audit_log`,
      `ALTER TABLE audit_log DISABLE TRIGGER USER`,
      `ALTER TABLE audit_log DISABLE TRIGGER ALL`,
      `SET session_replication_role = replica`,
      `DROP TRIGGER audit_log_no_update ON audit_log`,
      `CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
      `DROP TABLE audit_log`,
    ]
    for (const sql of attempts) await expect(db.raw(sql)).rejects.toThrow(/permission denied|must be owner/)
    expect((await db('audit_log').where({ id }).first()).action).toBe('test.protected')
    expect(await auditLogUnprotected(db)).toBe(false)
    expect(await auditLogUnprotected(owner)).toBe(true)
  })

  it('refuses UPDATE, DELETE and TRUNCATE of a recent entry even to the owner', async () => {
    const clock = new TestClock(new Date(Date.now()))
    await db.transaction((trx) =>
      createAudit(clock).record(trx, { kind: 'system' }, { action: 'test.recent' }),
    )
    const id = Number((await db('audit_log').where({ action: 'test.recent' }).first('id')).id)

    await expect(owner('audit_log').where({ id }).update({ action: 'test.changed' })).rejects.toThrow(
      /append-only/,
    )
    await expect(owner('audit_log').where({ id }).del()).rejects.toThrow(/append-only/)
    await expect(owner.raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/)
    expect((await db('audit_log').where({ id }).first()).action).toBe('test.recent')
  })

  it('refuses to delete a five-month-old entry even by hand', async () => {
    const id = await insertAged('5 months', 'test.five_months')
    await expect(owner('audit_log').where({ id }).del()).rejects.toThrow(/append-only/)
    await expect(
      db.raw(`SELECT * FROM retire_audit_log(now() + interval '1 year', 0, 0)`),
    ).resolves.toBeTruthy()
    expect(await db('audit_log').where({ id }).first()).toBeTruthy()
    expect(await db('audit_log_archive').where({ id }).first()).toBeUndefined()
  })

  it('moves entries older than six months to the archive, keeps the younger ones online, and records it', async () => {
    const old = await insertAged('7 months', 'test.seven_months')
    const young = await insertAged('5 months 20 days', 'test.young')
    const done = await retire(new TestClock(new Date(Date.now())))
    expect(done.archived).toBeGreaterThanOrEqual(1)
    expect(await db('audit_log').where({ id: old }).first()).toBeUndefined()
    expect(await db('audit_log_archive').where({ id: old }).first()).toMatchObject({
      action: 'test.seven_months',
    })
    expect(await db('audit_log').where({ id: young }).first()).toBeTruthy()
    const record = await db('audit_log').where({ action: 'retention.audit' }).orderBy('id', 'desc').first()
    expect(record.detail).toEqual({ ...done, months: 6, archiveYears: 3 })
  })

  it('never retires a young entry when the application clock runs ahead of the database', async () => {
    const young = await insertAged('1 month', 'test.clock_ahead')
    const ahead = new TestClock(new Date(Date.now() + 365 * 24 * 3600_000))
    await expect(retire(ahead)).resolves.toEqual({ archived: 0, deleted: 0 })
    expect(await db('audit_log').where({ id: young }).first()).toBeTruthy()
  })

  it('keeps archived entries from the app and the owner alike, until the archive period ends', async () => {
    const aged = await insertAged('4 years', 'test.four_years')
    const archived = await insertAged('2 years', 'test.two_years')
    await retire(new TestClock(new Date(Date.now())))
    expect(await db('audit_log_archive').where({ id: aged }).first()).toBeUndefined()
    expect(await db('audit_log_archive').where({ id: archived }).first()).toBeTruthy()
    for (const sql of [
      `DELETE FROM audit_log_archive WHERE id = ${archived}`,
      `UPDATE audit_log_archive SET action = 'x' WHERE id = ${archived}`,
      `INSERT INTO audit_log_archive (id, at, actor_kind, action, archived_at) VALUES (-1, now(), 'system', 'x', now())`,
    ])
      await expect(db.raw(sql)).rejects.toThrow(/permission denied/)
    await expect(owner('audit_log_archive').where({ id: archived }).update({ action: 'x' })).rejects.toThrow(
      /append-only/,
    )
  })

  it('warns at start, in Chinese and English, when the app connects as the owner', async () => {
    const lines: string[] = []
    const log = (line: string) => lines.push(line)
    const config = loadConfig({ NODE_ENV: 'test' })
    await prepareDatabase(
      { ...config, databaseUrl: database.url, databaseOwnerUrl: database.ownerUrl },
      {
        seedDemo: false,
        log,
      },
    )
    expect(lines.join('\n')).not.toContain('审计日志')
    await prepareDatabase({ ...config, databaseUrl: database.ownerUrl }, { seedDemo: false, log })
    expect(lines.join('\n')).toContain('可以修改、删除审计日志')
    expect(lines.join('\n')).toContain('WARNING: the app connects as database role "jszg_test_owner"')
  })
})
