import { createTestDatabase } from '../helpers/db'
import { createDb, type Db } from '../../src/db/knex'
import { TestClock } from '../helpers/clock'
import { createAudit } from '../../src/services/audit'
import { purgeExpiredAudit } from '../../src/modules/staff/auditLog'
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
    await expect(db.raw(`SELECT purge_audit_log(now() + interval '1 year')`)).resolves.toBeTruthy()
    expect(await db('audit_log').where({ id }).first()).toBeTruthy()
  })

  it('purges entries older than six months and keeps the younger ones, recording the purge', async () => {
    const old = await insertAged('7 months', 'test.seven_months')
    const young = await insertAged('5 months 20 days', 'test.young')
    const purged = await purgeExpiredAudit(db, new TestClock(new Date(Date.now())))
    expect(purged).toBeGreaterThanOrEqual(1)
    expect(await db('audit_log').where({ id: old }).first()).toBeUndefined()
    expect(await db('audit_log').where({ id: young }).first()).toBeTruthy()
    const record = await db('audit_log').where({ action: 'audit.purge' }).first()
    expect(record.detail).toEqual({ purged })
  })

  it('never deletes a young entry when the application clock runs ahead of the database', async () => {
    const young = await insertAged('1 month', 'test.clock_ahead')
    const ahead = new TestClock(new Date(Date.now() + 365 * 24 * 3600_000))
    await expect(purgeExpiredAudit(db, ahead)).resolves.toBe(0)
    expect(await db('audit_log').where({ id: young }).first()).toBeTruthy()
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
