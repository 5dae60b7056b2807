import { createTestDatabase } from '../helpers/db'
import { createDb, type Db } from '../../src/db/knex'
import { TestClock } from '../../src/services/clock'
import { createAudit } from '../../src/services/audit'
import { purgeExpiredAudit } from '../../src/modules/staff/auditLog'

// The audit log is append-only in the database itself, whatever the application does.
describe('audit log retention and append-only guard', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: Db
  beforeAll(async () => {
    database = await createTestDatabase()
    db = createDb(database.url, 2)
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  async function insertAged(age: string, action: string): Promise<number> {
    const { rows } = await db.raw(
      `INSERT INTO audit_log (at, actor_kind, action, detail) VALUES (now() - ?::interval, 'system', ?, '{}') RETURNING id`,
      [age, action],
    )
    return Number(rows[0].id)
  }

  it('refuses UPDATE, DELETE and TRUNCATE of a recent entry at the database level', async () => {
    const clock = new TestClock(new Date(Date.now()))
    await db.transaction((trx) =>
      createAudit(clock).record(trx, { kind: 'system' }, { action: 'test.recent' }),
    )
    const id = Number((await db('audit_log').where({ action: 'test.recent' }).first('id')).id)

    await expect(db('audit_log').where({ id }).update({ action: 'test.changed' })).rejects.toThrow(
      /append-only/,
    )
    await expect(db('audit_log').where({ id }).del()).rejects.toThrow(/append-only/)
    await expect(db.raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/)
    expect((await db('audit_log').where({ id }).first()).action).toBe('test.recent')
  })

  it('refuses to delete a five-month-old entry even by hand', async () => {
    const id = await insertAged('5 months', 'test.five_months')
    await expect(db('audit_log').where({ id }).del()).rejects.toThrow(/append-only/)
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
})
