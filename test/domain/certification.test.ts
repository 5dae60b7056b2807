import fc from 'fast-check'
import {
  CERTIFICATION_MESSAGES as M,
  CERTIFICATION_STATUSES,
  CERTIFYING_LEVEL,
  FINAL_STATUSES,
  NATIONAL_MANDARIN_RULE,
  QUALIFICATION_TYPES,
  TEACHERS_LAW_EDUCATION,
  TRANSITIONS,
  addYears,
  applicantMayEdit,
  authorityRefusal,
  canTransition,
  certificationYear,
  educationRefusal,
  examPassRefusal,
  isActive,
  mandarinRefusal,
  repeatRefusal,
  requiredMandarinGrade,
  transitionsFrom,
  typesCertifiedAt,
  type CertificationStatus,
  type EarlierApplication,
  type QualificationType,
} from '../../src/domain/certification'
import { restrictionEndsOn, restrictionRefusal, type RestrictionKind } from '../../src/domain/restrictions'
import {
  buildCertificateNumber,
  certificationNumber,
  isValidCertificateNumber,
  parseCertificateNumber,
} from '../../src/domain/certificateNumbers'
import { MANDARIN_GRADES, type MandarinGrade } from '../../src/domain/mandarin'
import { codeLists } from '../../seeds/data/codes'

const TYPES = Object.keys(QUALIFICATION_TYPES) as QualificationType[]

describe('qualification types and who certifies them', () => {
  it('matches the seed code list, digit for digit', () => {
    expect(codeLists.qualification_type.map((c) => [c.code, c.name])).toEqual(
      Object.entries(QUALIFICATION_TYPES),
    )
  })

  it.each([
    ['1', 'county'],
    ['2', 'county'],
    ['3', 'county'],
    ['4', 'city'],
    ['5', 'city'],
    ['6', 'city'],
    ['7', 'province'],
  ] as const)('type %s is certified at %s level', (type, level) => {
    expect(CERTIFYING_LEVEL[type]).toBe(level)
    expect(typesCertifiedAt(level)).toContain(type)
  })

  it('refuses an authority that does not certify the type, or does not certify at all', () => {
    const county = { name: '青秀区教育局', certifies: true, qualification_types: ['1', '2', '3'] }
    expect(authorityRefusal(county, '2')).toBeNull()
    expect(authorityRefusal(county, '4')).toBe(
      '青秀区教育局不受理高级中学教师资格的认定申请，请选择受理该资格种类的认定机构。',
    )
    expect(authorityRefusal({ ...county, certifies: false }, '2')).toBe(
      M.authorityDoesNotCertify('青秀区教育局', '2'),
    )
  })

  it('puts a submit in the Shanghai calendar year', () => {
    expect(certificationYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026)
    expect(certificationYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027)
  })
})

describe('education (Teachers Law art. 11)', () => {
  it('uses only education codes of the seed list', () => {
    const codes = codeLists.education.map((c) => c.code)
    for (const rule of Object.values(TEACHERS_LAW_EDUCATION)) expect(codes).toContain(rule.minimum)
  })

  // The lowest accepted and the highest refused education code for each type.
  it.each([
    ['1', '41', '44'],
    ['2', '41', '44'],
    ['3', '31', '41'],
    ['4', '21', '31'],
    ['5', '21', '31'],
    ['6', '44', '61'],
    ['7', '21', '31'],
  ] as const)('type %s accepts %s and refuses %s', (type, lowest, refused) => {
    expect(educationRefusal(type, lowest, true)).toBeNull()
    expect(educationRefusal(type, '11', true)).toBeNull()
    expect(educationRefusal(type, refused, true)).toBe(
      M.educationTooLow(type, TEACHERS_LAW_EDUCATION[type].wording),
    )
  })

  it('words the refusal in the law’s terms', () => {
    expect(educationRefusal('3', '41', false)).toBe(
      '申请初级中学教师资格，应当具备高等师范专科学校或者其他大学专科毕业及其以上学历（《中华人民共和国教师法》第十一条），您的最高学历不符合要求。',
    )
  })

  it('asks 实习指导 applicants for a technical title or skill grade as well', () => {
    expect(educationRefusal('6', '21', false)).toBe(M.technicalTitleMissing)
    expect(educationRefusal('6', '21', true)).toBeNull()
    expect(educationRefusal('4', '21', false)).toBeNull()
  })

  it('asks for the education when none or an unknown one is given', () => {
    expect(educationRefusal('1', undefined, false)).toBe('请选择最高学历')
    expect(educationRefusal('1', '99', false)).toBe('请选择最高学历')
  })

  it('follows a province that requires 大专 for 幼儿园 and 小学', () => {
    const wording = '大学专科毕业及其以上学历'
    const province = {
      ...TEACHERS_LAW_EDUCATION,
      '1': { minimum: '31', wording },
      '2': { minimum: '31', wording },
    }
    expect(educationRefusal('1', '41', false, province)).toBe(M.educationTooLow('1', wording))
    expect(educationRefusal('2', '31', false, province)).toBeNull()
  })
})

describe('Mandarin', () => {
  it.each([
    ['1', '无', '二级乙等'],
    ['2', '数学', '二级乙等'],
    ['2', '语文', '二级甲等'],
    ['3', '初中语文', '二级甲等'],
    ['5', '普通话语音', '一级乙等'],
    ['7', '普通话语音', '一级乙等'],
    ['4', '英语', '二级乙等'],
  ] as const)('type %s, subject %s needs %s', (type, subject, grade) => {
    expect(requiredMandarinGrade(type, subject)).toBe(grade)
  })

  it.each([
    ['二级乙等 for 数学', '2', '数学', '二级乙等', null],
    [
      '三级甲等 for 数学',
      '2',
      '数学',
      '三级甲等',
      '申请小学教师资格，普通话水平应当达到二级乙等及以上标准，您的普通话水平为三级甲等。',
    ],
    ['二级甲等 for 语文', '3', '语文', '二级甲等', null],
    [
      '二级乙等 for 语文',
      '3',
      '语文',
      '二级乙等',
      '申请语文学科教师资格，普通话水平应当达到二级甲等及以上标准，您的普通话水平为二级乙等。',
    ],
    ['一级乙等 for 普通话语音', '5', '普通话语音', '一级乙等', null],
    [
      '二级甲等 for 普通话语音',
      '5',
      '普通话语音',
      '二级甲等',
      M.mandarinTooLow('一级乙等', '申请普通话语音学科教师资格，', '二级甲等'),
    ],
    ['一级甲等 for anything', '1', '无', '一级甲等', null],
  ] as const)('%s', (_name, type, subjectName, held, expected) => {
    expect(mandarinRefusal({ type, subjectName, held, exempt: false })).toBe(expected)
  })

  it('asks for a certificate when none is chosen', () => {
    expect(mandarinRefusal({ type: '2', subjectName: '数学', held: null, exempt: false })).toBe(
      M.mandarinMissing,
    )
  })

  it('allows 普通话免测 only where the province’s rule does', () => {
    const a = { type: '2' as const, subjectName: '数学', held: null, exempt: true }
    expect(mandarinRefusal(a)).toBe('本省未开放普通话免测，请选择或添加普通话水平测试等级证书。')
    expect(mandarinRefusal(a, { ...NATIONAL_MANDARIN_RULE, exemptionAllowed: true })).toBeNull()
  })

  it('applies the strictest of a province’s general, type and subject levels', () => {
    const rule = { ...NATIONAL_MANDARIN_RULE, byType: { '1': '二级甲等' as const } }
    expect(requiredMandarinGrade('1', '无', rule)).toBe('二级甲等')
    expect(requiredMandarinGrade('2', '数学', rule)).toBe('二级乙等')
    expect(requiredMandarinGrade('1', '普通话语音', rule)).toBe('一级乙等')
    expect(mandarinRefusal({ type: '1', subjectName: '无', held: '二级乙等', exempt: false }, rule)).toBe(
      M.mandarinTooLow('二级甲等', '申请幼儿园教师资格，', '二级乙等'),
    )
  })

  it('accepts exactly the grades at or above the requirement (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES),
        fc.constantFrom('无', '数学', '语文', '小学语文', '普通话语音', '英语'),
        fc.constantFrom(...MANDARIN_GRADES),
        (type, subjectName, held: MandarinGrade) => {
          const required = requiredMandarinGrade(type, subjectName)
          const ok = mandarinRefusal({ type, subjectName, held, exempt: false }) === null
          return ok === MANDARIN_GRADES.indexOf(held) <= MANDARIN_GRADES.indexOf(required)
        },
      ),
    )
  })
})

describe('restriction list (限制库)', () => {
  const entry = (kind: RestrictionKind, listedOn: string) => ({ kind, listedOn })

  it.each([
    ['撤销 on its last barred day', 'revoked', '2021-03-15', '2026-03-15', true],
    ['撤销 the day after', 'revoked', '2021-03-15', '2026-03-16', false],
    ['撤销 on the day it is listed', 'revoked', '2021-03-15', '2021-03-15', true],
    ['考试作弊 on its last barred day', 'exam_cheating', '2023-06-30', '2026-06-30', true],
    ['考试作弊 the day after', 'exam_cheating', '2023-06-30', '2026-07-01', false],
    ['撤销 on 29 February, last barred day clamped', 'revoked', '2024-02-29', '2029-02-28', true],
    ['撤销 on 29 February, free on 1 March', 'revoked', '2024-02-29', '2029-03-01', false],
    ['丧失 fifty years on', 'lost', '2000-01-01', '2050-01-01', true],
    ['an entry dated after the application', 'revoked', '2027-01-01', '2026-09-01', false],
  ] as const)('%s', (_name, kind, listedOn, today, barred) => {
    expect(restrictionRefusal([entry(kind, listedOn)], today) !== null).toBe(barred)
  })

  it('says why and from when the applicant may apply', () => {
    expect(restrictionRefusal([entry('lost', '2020-05-01')], '2026-09-01')).toBe(
      '您已丧失教师资格（2020-05-01 列入限制库），不能重新取得教师资格。',
    )
    expect(restrictionRefusal([entry('revoked', '2021-03-15')], '2026-03-15')).toBe(
      '您的教师资格已被撤销（2021-03-15 列入限制库），自撤销之日起五年内不得重新申请认定，2026-03-16 起方可申请。',
    )
    expect(restrictionRefusal([entry('exam_cheating', '2024-09-01')], '2026-09-01')).toBe(
      '您因教师资格考试作弊被列入限制库（2024-09-01），三年内不得申请认定教师资格，2027-09-02 起方可申请。',
    )
  })

  it('names the longest bar when several entries apply', () => {
    const cheating = entry('exam_cheating', '2024-01-01')
    const revoked = entry('revoked', '2023-01-01')
    expect(restrictionRefusal([cheating, revoked], '2026-09-01')).toBe(
      M.restrictedRevoked('2023-01-01', '2028-01-02'),
    )
    expect(restrictionRefusal([entry('exam_cheating', '2026-01-01'), revoked], '2026-09-01')).toBe(
      M.restrictedCheating('2026-01-01', '2029-01-02'),
    )
    expect(restrictionRefusal([revoked, entry('lost', '1999-01-01')], '2026-09-01')).toBe(
      M.restrictedForLife('1999-01-01'),
    )
    expect(restrictionRefusal([], '2026-09-01')).toBeNull()
  })

  it('bars 撤销 for exactly five and 考试作弊 for exactly three years after the listing day (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }),
        fc.constantFrom(['revoked', 5] as const, ['exam_cheating', 3] as const),
        (d, [kind, years]) => {
          const listedOn = d.toISOString().slice(0, 10)
          const lastBarred = addYears(listedOn, years)
          const free = restrictionEndsOn(entry(kind, listedOn))!
          return (
            restrictionRefusal([entry(kind, listedOn)], lastBarred) !== null &&
            restrictionRefusal([entry(kind, listedOn)], free) === null &&
            free > lastBarred &&
            Number(lastBarred.slice(0, 4)) - Number(listedOn.slice(0, 4)) === years
          )
        },
      ),
    )
  })
})

describe('exam pass validity', () => {
  const pass = { certNumber: '2024450000123', validUntil: '2027-06-30' }

  it('accepts a pass on its last valid day and refuses it the day after', () => {
    expect(examPassRefusal(pass, '2027-06-30')).toBeNull()
    expect(examPassRefusal(pass, '2026-01-01')).toBeNull()
    expect(examPassRefusal(pass, '2027-07-01')).toBe(
      '考试合格证明（编号 2024450000123）的有效期至 2027-06-30，已过期，请选择在有效期内的考试合格证明。',
    )
  })
})

describe('one qualification type per calendar year, never the same type twice', () => {
  const app = (o: Partial<EarlierApplication>): EarlierApplication => ({
    number: '202600030000001',
    type: '2',
    year: 2025,
    status: 'approved',
    ...o,
  })

  it.each([
    ['a first application', '2', 2026, [], [], null],
    ['a held certificate of the type', '2', 2026, [], ['2'], M.alreadyCertified('2')],
    ['a held certificate of another type', '3', 2026, [], ['2'], null],
    [
      'a pending application of the type last year',
      '2',
      2026,
      [app({ status: 'pending_confirmation' })],
      [],
      M.alreadyApplied('2', '202600030000001'),
    ],
    ['an approved one of the type', '2', 2026, [app({})], [], M.alreadyApplied('2', '202600030000001')],
    ['a refused one of the type last year', '2', 2026, [app({ status: 'rejected' })], [], null],
    ['a refused one of the type this year', '2', 2026, [app({ status: 'rejected', year: 2026 })], [], null],
    [
      'another type this year',
      '3',
      2026,
      [app({ year: 2026, status: 'awaiting_review' })],
      [],
      M.onePerYear(2026, '2'),
    ],
    [
      'another type this year, refused',
      '3',
      2026,
      [app({ year: 2026, status: 'rejected' })],
      [],
      M.onePerYear(2026, '2'),
    ],
    ['another type last year', '3', 2026, [app({})], [], null],
  ] as const)('%s', (_name, type, year, earlier, held, expected) => {
    expect(repeatRefusal(type, year, earlier, held)).toBe(expected)
  })

  it('words the year rule plainly', () => {
    expect(M.onePerYear(2026, '2')).toBe(
      '每人每个自然年度只能申请认定一种教师资格，您 2026 年已申请小学教师资格认定。',
    )
  })
})

describe('certification statuses', () => {
  it('labels the statuses as the manual does', () => {
    expect(Object.values(CERTIFICATION_STATUSES)).toEqual([
      '网报待确认',
      '待审核',
      '确认未通过',
      '认定通过',
      '认定不通过',
    ])
  })

  it.each([
    ['pending_confirmation', 'confirm', 'point', 'awaiting_review'],
    ['pending_confirmation', 'fail_confirmation', 'point', 'confirmation_failed'],
    ['confirmation_failed', 'materials_complete', 'point', 'awaiting_review'],
    ['awaiting_review', 'approve', 'authority', 'approved'],
    ['awaiting_review', 'reject', 'authority', 'rejected'],
    ['awaiting_review', 'return_for_correction', 'point', 'pending_confirmation'],
    ['awaiting_review', 'return_for_correction', 'authority', 'pending_confirmation'],
    ['confirmation_failed', 'return_for_correction', 'point', 'pending_confirmation'],
  ] as const)('%s --%s by %s--> %s', (from, name, actor, to) => {
    expect(canTransition(from, name, actor)).toBe(to)
  })

  it.each([
    ['pending_confirmation', 'approve', 'authority'],
    ['pending_confirmation', 'confirm', 'authority'],
    ['awaiting_review', 'approve', 'point'],
    ['confirmation_failed', 'approve', 'authority'],
    ['pending_confirmation', 'return_for_correction', 'point'],
    ['approved', 'reject', 'authority'],
    ['awaiting_review', 'confirm', 'applicant'],
  ] as const)('refuses %s --%s by %s', (from, name, actor) => {
    expect(canTransition(from, name, actor)).toBeNull()
  })

  it('lets nobody leave a final state', () => {
    for (const s of FINAL_STATUSES)
      for (const actor of ['applicant', 'point', 'authority'] as const)
        expect(transitionsFrom(s, actor)).toEqual([])
  })

  it('needs a reason to refuse, fail or return', () => {
    const needing = TRANSITIONS.filter((t) => t.reasonRequired).map((t) => t.name)
    expect(needing.sort()).toEqual(['fail_confirmation', 'reject', 'return_for_correction'])
  })

  it('names only known statuses in the table', () => {
    for (const t of TRANSITIONS)
      for (const s of [...t.from, t.to]) expect(CERTIFICATION_STATUSES[s]).toBeDefined()
  })

  it('lets the applicant edit only while 网报待确认, and frees the type only after 认定不通过', () => {
    for (const s of Object.keys(CERTIFICATION_STATUSES) as CertificationStatus[]) {
      expect(applicantMayEdit(s)).toBe(s === 'pending_confirmation')
      expect(isActive(s)).toBe(s !== 'rejected')
    }
  })
})

describe('认定报名号', () => {
  it('is year + 4-digit authority + 7-digit sequence', () => {
    expect(certificationNumber(2026, 3, 42)).toBe('202600030000042')
    expect(() => certificationNumber(2026, 3, 10_000_000)).toThrow(RangeError)
    expect(() => certificationNumber(2026, 10_000, 1)).toThrow(RangeError)
  })
})

describe('certificate numbers', () => {
  const parts = {
    year: 2026,
    provinceCode: '450000',
    bureauCode: '103',
    type: '2',
    sex: 'F',
    sequence: 42,
  } as const

  it('puts year, province, bureau, type, sex and sequence in their positions', () => {
    expect(buildCertificateNumber(parts)).toBe('20264510322000042')
    expect(buildCertificateNumber({ ...parts, provinceCode: '45', sex: 'M', type: '7' })).toBe(
      '20264510371000042',
    )
  })

  it.each([
    ['a year before 2000', { year: 1999 }],
    ['an unknown province', { provinceCode: '990000' }],
    ['a city code for the province', { provinceCode: '450100' }],
    ['a 2-digit bureau code', { bureauCode: '03' }],
    ['type 8', { type: '8' }],
    ['sequence 0', { sequence: 0 }],
    ['sequence 1000000', { sequence: 1_000_000 }],
  ])('refuses to build with %s', (_name, o) => {
    expect(() => buildCertificateNumber({ ...parts, ...o } as typeof parts)).toThrow(RangeError)
  })

  it('parses what it builds (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2099 }),
        fc.constantFrom('110000', '450000', '650000', '820000'),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom(...TYPES),
        fc.constantFrom('M' as const, 'F' as const),
        fc.integer({ min: 1, max: 999_999 }),
        (year, provinceCode, bureau, type, sex, sequence) => {
          const bureauCode = String(bureau).padStart(3, '0')
          const n = buildCertificateNumber({ year, provinceCode, bureauCode, type, sex, sequence })
          expect(isValidCertificateNumber(n)).toBe(true)
          expect(parseCertificateNumber(n)).toEqual({
            length: 17,
            year,
            provinceCode: provinceCode.slice(0, 2),
            bureauCode,
            type,
            sexDigit: sex === 'M' ? '1' : '2',
            sequence,
          })
        },
      ),
    )
  })

  it.each([
    ['sex digit 0 (another convention)', '20054510320000001', true],
    ['16 digits', '2026451032200004', false],
    ['a letter', '2026451032200004X', false],
    ['type 0', '20264510302000042', false],
    ['type 8', '20264510382000042', false],
    ['sex digit 3', '20264510323000042', false],
    ['province 99', '20269910322000042', false],
    ['sequence 000000', '20264510322000000', false],
    ['year 1998 in 17 digits', '19984510322000042', false],
  ])('validates %s', (_name, n, ok) => {
    expect(isValidCertificateNumber(n)).toBe(ok)
  })

  it('reads the 15-digit numbers of 1996–1999 but does not call them current', () => {
    expect(parseCertificateNumber('974501032100123')).toEqual({
      length: 15,
      year: 1997,
      householdCode: '450103',
      type: '2',
      sexDigit: '1',
      sequence: 123,
    })
    expect(isValidCertificateNumber('974501032100123')).toBe(false)
    expect(parseCertificateNumber('054501032100123')).toBeNull()
  })
})
