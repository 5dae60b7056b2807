import { createTestDatabase } from '../helpers/db'
import { createDb, type Db } from '../../src/db/knex'
import { createApplicant } from '../helpers/factories'
import { makeAuthority, makePoint } from '../helpers/bureauFactories'
import { allocateCertificateNumber } from '../../src/modules/certification/numbers'
import { isValidCertificateNumber, parseCertificateNumber } from '../../src/domain/certificateNumbers'

const BUREAU = { provinceCode: '450000', bureauCode: '103', year: 2026, type: '2', sex: 'F' } as const

describe('certificate number allocation', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: Db
  beforeAll(async () => {
    database = await createTestDatabase()
    db = createDb(database.url, 25)
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  it('gives 50 parallel approvals 50 distinct consecutive numbers, rolled-back ones leaving no gap', async () => {
    // 60 transactions at once; every sixth fails after taking its number, as an approval whose
    // later step fails would. Each holds its transaction open a moment so they really overlap.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        db.transaction(async (trx) => {
          const number = await allocateCertificateNumber(trx, BUREAU)
          await new Promise((r) => setTimeout(r, Math.random() * 20))
          if (i % 6 === 5) throw new Error('approval failed after allocation')
          return number
        }),
      ),
    )
    const numbers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
    expect(numbers).toHaveLength(50)
    expect(new Set(numbers).size).toBe(50)
    for (const n of numbers) expect(isValidCertificateNumber(n)).toBe(true)
    const sequences = numbers.map((n) => parseCertificateNumber(n)!.sequence).sort((a, b) => a - b)
    expect(sequences).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(numbers).toContain('20264510322000001')
    expect(numbers).toContain('20264510322000050')
  })

  it('counts each bureau and year on its own, whatever the type and sex', async () => {
    const take = (o: Partial<Parameters<typeof allocateCertificateNumber>[1]>) =>
      db.transaction((trx) => allocateCertificateNumber(trx, { ...BUREAU, ...o }))
    expect(await take({ bureauCode: '104', type: '1', sex: 'M' })).toBe('20264510411000001')
    expect(await take({ bureauCode: '104', type: '3', sex: 'F' })).toBe('20264510432000002')
    expect(await take({ bureauCode: '104', year: 2027 })).toBe('20274510422000001')
    expect(await take({ bureauCode: '104', provinceCode: '440000' })).toBe('20264410422000001')
  })

  it('refuses parts that cannot make a number before touching the counter', async () => {
    await expect(
      db.transaction((trx) => allocateCertificateNumber(trx, { ...BUREAU, bureauCode: '1A3' })),
    ).rejects.toThrow(RangeError)
    expect(await db('certificate_number_counters').where({ bureau_code: '1A3' }).first()).toBeUndefined()
  })

  it('fails rather than wrap after sequence 999999', async () => {
    await db('certificate_number_counters').insert({
      province_code: '45',
      bureau_code: '199',
      year: 2026,
      last_seq: 999_999,
    })
    await expect(
      db.transaction((trx) => allocateCertificateNumber(trx, { ...BUREAU, bureauCode: '199' })),
    ).rejects.toThrow()
  })
})

describe('certification tables', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let db: Db
  let authorityId: number
  let pointId: number
  let fileId: string
  beforeAll(async () => {
    database = await createTestDatabase()
    db = createDb(database.url, 2)
    authorityId = await makeAuthority(db)
    pointId = await makePoint(db, authorityId, { staffed: false })
    const [file] = await db('files')
      .insert({
        owner_kind: 'applicant',
        owner_id: 0,
        kind: 'photo',
        mime: 'image/jpeg',
        filename: 'a.jpg',
        size: 1,
        sha256: 'x',
        content: Buffer.from('x'),
        created_at: new Date('2026-09-01T00:00:00Z'),
      })
      .returning('id')
    fileId = file.id
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  let seq = 0
  const application = (applicantId: number, o: Record<string, unknown>) =>
    db('certification_applications').insert({
      number: `2026000${++seq}`,
      applicant_id: applicantId,
      year: 2026,
      authority_id: authorityId,
      point_id: pointId,
      qualification_type: '1',
      subject: '无',
      exam_route: 'non_national',
      data: {},
      photo_file_id: fileId,
      commitment_file_id: fileId,
      commitment_crop_file_id: fileId,
      submitted_at: new Date('2026-09-01T00:00:00Z'),
      updated_at: new Date('2026-09-01T00:00:00Z'),
      ...o,
    })

  it('refuses a second qualification type in the same calendar year, even after a refusal', async () => {
    const a = await createApplicant(db)
    await application(a.id, { status: 'rejected' })
    await expect(application(a.id, { qualification_type: '2' })).rejects.toThrow(
      /certification_one_type_per_year/,
    )
    await application(a.id, { qualification_type: '2', year: 2027 })
  })

  it('refuses the same type twice unless the earlier application was refused', async () => {
    const a = await createApplicant(db)
    await application(a.id, { status: 'rejected', year: 2025 })
    await application(a.id, { year: 2026 })
    await expect(application(a.id, { year: 2027 })).rejects.toThrow(/certification_same_type_idx/)
  })

  it('keeps certificate numbers to approved applications and 17 digits', async () => {
    const a = await createApplicant(db)
    await expect(
      application(a.id, { certificate_number: '20264510312000001', certificate_issued_on: '2026-10-01' }),
    ).rejects.toThrow(/check/)
    await expect(
      application(a.id, {
        status: 'approved',
        certificate_number: '2026451031200001',
        certificate_issued_on: '2026-10-01',
      }),
    ).rejects.toThrow(/check/)
    await application(a.id, {
      status: 'approved',
      certificate_number: '20264510312000001',
      certificate_issued_on: '2026-10-01',
    })
  })

  it('refuses unknown qualification types on an authority', async () => {
    await expect(makeAuthority(db, { qualification_types: ['1', '8'] })).rejects.toThrow(
      /authorities_qualification_types_known/,
    )
  })
})
