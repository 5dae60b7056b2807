import argon2 from 'argon2'
import { createTestDatabase } from '../helpers/db'
import { createDb, runSeeds, type Db } from '../../src/db/knex'
import { TestClock } from '../helpers/clock'
import { checkDocNumber } from '../../src/domain/idNumber'
import { seed, startupNotes } from '../../seeds/02_demo'
import { openAuthorities, pointsFor, suggestPoint } from '../../src/modules/bureau/service'
import { offeredPoints } from '../../src/modules/bureau/pointRepository'
import { TAISHAN_POINTS, TAISHAN_REMINDER } from '../../seeds/data/demoTaishan'
import { DEMO_CERTIFICATES } from '../../seeds/data/demoRegistries'
import { DEMO_APPLICANTS, DEMO_LOGINS, DEMO_PASSWORD, DEMO_REGISTRY_ONLY } from '../../seeds/data/demoLogins'

const TABLES = [
  'staff_users',
  'staff_roles',
  'applicants',
  'identity_registry',
  'identity_checks',
  'identity_reviews',
  'files',
  'holidays',
  'authorities',
  'confirmation_points',
  'confirmation_point_schools',
  'online_windows',
  'schools',
  'registry_exam_passes',
  'registry_mandarin',
  'registry_education',
  'registry_student_status',
  'registry_certificates',
  'registry_certificate_registrations',
]

describe('demo seed (02_demo)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: Db
  const clock = new TestClock('2026-09-15T02:00:00Z')
  beforeAll(async () => {
    database = await createTestDatabase()
    db = createDb(database.url, 2)
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(TABLES.map(async (t) => [t, Number((await db(t).count('* as n').first())!.n)])),
    )

  it('refuses to run when NODE_ENV is production, creating nothing', async () => {
    const saved = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      await expect(seed(db, clock)).rejects.toThrow(/NODE_ENV=production/)
    } finally {
      process.env.NODE_ENV = saved
    }
    expect(await db('staff_users').count('* as n').first()).toEqual({ n: '0' })
  })

  it('is idempotent: a second run leaves every table as the first left it', async () => {
    await seed(db, clock)
    const first = await counts()
    // admin, reviewer, the 南宁 clerk and approver; 台山's approver and one clerk per point
    expect(first.staff_users).toBe(4 + 1 + TAISHAN_POINTS.length)
    expect(first.applicants).toBe(DEMO_APPLICANTS.length)
    await seed(db, clock)
    expect(await counts()).toEqual(first)
  })

  it('creates the administrator and the reviewer with the demo password hashed by argon2id at OWASP parameters', async () => {
    const staff = await db('staff_users')
      .whereNot('username', 'like', 'ts-%')
      .orderBy('username')
      .select('id', 'username', 'password_hash', 'active')
    expect(staff.map((s) => s.username)).toEqual(['admin', 'approver', 'clerk', 'reviewer'])
    for (const s of staff) {
      expect(s.password_hash).toMatch(/^\$argon2id\$v=19\$(?=[^$]*m=19456)(?=[^$]*t=2)(?=[^$]*p=1)/)
      expect(await argon2.verify(s.password_hash, DEMO_PASSWORD)).toBe(true)
    }
    const roles = await db('staff_roles')
      .join('staff_users', 'staff_users.id', 'staff_roles.staff_id')
      .where('scope_type', 'instance')
      .orderBy('username')
      .pluck('role')
    expect(roles).toEqual(['admin', 'identity_reviewer'])
  })

  it('creates applicants in every demo state, with valid document numbers', async () => {
    for (const login of DEMO_LOGINS.filter((l) => l.entrance === '/login')) {
      const a = DEMO_APPLICANTS.find((x) => x.docNumber === login.login)!
      expect(checkDocNumber(a.docType, a.docNumber, '2026-09-15')).toMatchObject({ ok: true })
    }
    const rows = await db('applicants').select('doc_number', 'identity_status', 'profile_completed_at')
    const byNumber = new Map(rows.map((r) => [r.doc_number, r]))
    for (const a of DEMO_APPLICANTS) {
      const row = byNumber.get(a.docNumber)
      expect(row).toBeTruthy()
      expect([a.state, row.identity_status]).toEqual([
        a.state,
        a.state === 'manual_pending' ? 'manual_pending' : a.state === 'verified' ? 'verified' : 'unverified',
      ])
      expect([a.state, row.profile_completed_at === null]).toEqual([a.state, a.state === 'incomplete'])
    }
  })

  it('puts a pending manual review with a small JPEG photo and a working-day deadline', async () => {
    const pending = DEMO_APPLICANTS.find((a) => a.state === 'manual_pending')!
    const review = await db('identity_reviews')
      .join('applicants', 'applicants.id', 'identity_reviews.applicant_id')
      .where('applicants.doc_number', pending.docNumber)
      .first('identity_reviews.*', db.raw(`to_char(deadline, 'YYYY-MM-DD') AS deadline_day`))
    expect(review.status).toBe('pending')
    // 2026-09-15 (Tue) + 7 working days: 16, 17, 18, the make-up Sunday 20 Sep, 21, 22, 23.
    expect(review.deadline_day).toBe('2026-09-23')
    const file = await db('files').where({ id: review.photo_file_id }).first()
    expect(file.mime).toBe('image/jpeg')
    expect(file.size).toBeLessThan(190 * 1024)
    expect([...file.content.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
  })

  it('fills the identity registry so the verified and unverified applicants match, plus people without accounts', async () => {
    const registry = await db('identity_registry').select('doc_number', 'name')
    const names = new Map(registry.map((r) => [r.doc_number, r.name]))
    for (const a of DEMO_APPLICANTS.filter((x) => x.state === 'verified' || x.state === 'unverified'))
      expect(names.get(a.docNumber)).toBe(a.name)
    for (const r of DEMO_REGISTRY_ONLY) expect(names.get(r.docNumber)).toBe(r.name)
  })

  it('adds the 2026 National Day week as holidays and its make-up Saturday as a working day', async () => {
    const rows = await db('holidays')
      .whereBetween('day', ['2026-09-20', '2026-10-10'])
      .orderBy('day')
      .select(db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'kind')
    const kinds = Object.fromEntries(rows.map((r: { day: string; kind: string }) => [r.day, r.kind]))
    for (let d = 1; d <= 7; d++) expect(kinds[`2026-10-0${d}`]).toBe('holiday')
    expect(kinds['2026-10-10']).toBe('workday')
    expect(kinds['2026-09-20']).toBe('workday')
  })

  it('sets up the demo bureau: two authorities, staffed points with schools, windows open at the seed’s clock', async () => {
    const at = clock.now()
    const reg = await openAuthorities(db, { business: 'registration', cityCode: '450100', stage: '2', at })
    expect(reg.map((a) => a.name)).toEqual(['南宁市青秀区教育局'])
    const cert = await openAuthorities(db, {
      business: 'certification',
      cityCode: '450100',
      qualificationType: '5',
      at,
    })
    expect(cert.map((a) => a.name)).toEqual(['南宁市教育局'])
    expect(cert[0].posts_certificates).toBe(true)
    expect(await pointsFor(db, reg[0].id, { at })).toHaveLength(2)
    expect((await suggestPoint(db, reg[0].id, '南宁市第十四中学', { at }))?.name).toBe('青秀区刘圩镇中心学校')
    const scoped = await db('staff_roles')
      .join('staff_users', 'staff_users.id', 'staff_roles.staff_id')
      .whereIn('username', ['clerk', 'approver'])
      .select('username', 'role', 'scope_type')
    expect(scoped.filter((r) => r.username === 'clerk').every((r) => r.scope_type === 'point')).toBe(true)
    expect(scoped.filter((r) => r.username === 'approver').map((r) => r.role)).toEqual(
      expect.arrayContaining(['registration_approver', 'certification_approver']),
    )
  })

  it('fills the registries for 李明 (exam pass, 普通话 二级甲等, 学历, two certificates, one registration) and a 学籍', async () => {
    const liMing = DEMO_APPLICANTS.find((a) => a.name === '李明')!.docNumber
    const rows = async (table: string) => db(table).where({ doc_number: liMing })
    expect(await rows('registry_exam_passes')).toHaveLength(1)
    expect((await rows('registry_mandarin'))[0]).toMatchObject({ score: '88.5', grade: '二级甲等' })
    expect((await rows('registry_education'))[0]).toMatchObject({ level: '大学本科' })
    const certs = await db('registry_certificates').where({ doc_number: liMing }).orderBy('issued_on')
    expect(certs.map((c) => c.cert_number)).toEqual(DEMO_CERTIFICATES.map((c) => c.cert_number))
    for (const c of certs) {
      expect(c.cert_number).toMatch(/^\d{4}45\d{11}$/)
      expect(c.cert_number[9]).toBe(c.qualification_type)
    }
    const history = await db('registry_certificate_registrations').whereIn(
      'cert_number',
      certs.map((c) => c.cert_number),
    )
    expect(history.map((h) => h.cert_number)).toEqual([certs[0].cert_number])
    expect(await db('registry_student_status').count('* as n').first()).toEqual({ n: '1' })
    expect(await db('schools').where({ name: '广西大学', region_code: '450107' }).first()).toBeTruthy()
  })

  it('sets up 台山 as seed 004 describes: 江门市台山市教育局 registers 幼儿园/小学/初中 with 004’s 申报提醒', async () => {
    const at = clock.now()
    for (const stage of ['1', '2', '3']) {
      const open = await openAuthorities(db, { business: 'registration', cityCode: '440700', stage, at })
      expect(open.map((a) => a.name)).toEqual(['江门市台山市教育局'])
      expect(open[0].reminder).toBe(TAISHAN_REMINDER)
      expect(open[0].reminder).toMatch(/无须亲自到教师发展中心进行确认。$/)
    }
    expect(
      await openAuthorities(db, { business: 'registration', cityCode: '440700', stage: '4', at }),
    ).toEqual([])
  })

  it('gives every 台山 town a staffed point at its 中心小学, and 台城 schools points of their own', async () => {
    const at = clock.now()
    const [taishan] = await openAuthorities(db, {
      business: 'registration',
      cityCode: '440700',
      stage: '2',
      at,
    })
    const offered = (await pointsFor(db, taishan.id, { at })).map((p) => p.name)
    for (const town of ['海宴镇', '大江镇', '川岛镇']) expect(offered).toContain(`台山市${town}中心小学`)
    expect(offered).toEqual(expect.arrayContaining(['台山市新宁小学', '台山市华浩幼儿园有限公司']))
    expect(offered).toHaveLength(TAISHAN_POINTS.length)
    // 004 三（二）1 and 2, their own examples
    for (const school of ['台山市海宴镇沙栏学校', '台山市海宴镇英甲小学', '台山市海宴镇沙栏幼儿园'])
      expect((await suggestPoint(db, taishan.id, school, { at }))?.name).toBe('台山市海宴镇中心小学')
    expect((await suggestPoint(db, taishan.id, '台山市台城桂水小学', { at }))?.name).toBe('台山市新宁小学')
    expect((await suggestPoint(db, taishan.id, '台山市华浩幼儿园有限公司', { at }))?.name).toBe(
      '台山市华浩幼儿园有限公司',
    )
  })

  it('finds a 台山 point by the name of a school it confirms for (确认点查询)', async () => {
    const found = await offeredPoints(db, { business: 'registration', at: clock.now(), search: '桂水小学' })
    expect(found.map((p) => p.name)).toEqual(['台山市新宁小学'])
    const sand = await offeredPoints(db, { business: 'registration', at: clock.now(), search: '沙栏幼儿园' })
    expect(sand.map((p) => p.name)).toEqual(['台山市海宴镇中心小学'])
  })

  it('hands the server its demo logins to print at start (only the demo seed has start-up notes)', async () => {
    const notes = startupNotes()
    expect(notes[0]).toContain(DEMO_PASSWORD)
    for (const l of DEMO_LOGINS)
      expect(notes.some((n) => n.includes(l.login) && n.includes(l.entrance))).toBe(true)
    expect(await runSeeds(db, { demo: false })).toEqual([])
  })
})
