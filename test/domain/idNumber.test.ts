import fc from 'fast-check'
import {
  checkDocNumber,
  computeCheckChar,
  DOC_MESSAGES,
  DOC_TYPE_LABELS,
  DOC_TYPES,
  type DocType,
  makeIdNumber,
  maskDocNumber,
  maskName,
  maskPhone,
  shownDocNumber,
  normaliseDocNumber,
} from '../../src/domain/idNumber'

const TODAY = '2026-09-15'

describe('document types', () => {
  it('lists the four types in the manual’s order with its labels', () => {
    expect(DOC_TYPES.map((t) => DOC_TYPE_LABELS[t])).toEqual([
      '身份证',
      '港澳居民来往内地通行证',
      '五年有效期台湾居民来往大陆通行证',
      '港澳台居民居住证',
    ])
  })
})

describe('computeCheckChar', () => {
  it('gives X for the standard’s example number', () => {
    expect(computeCheckChar('11010519491231002')).toBe('X')
  })

  it('makes the weighted sum of all 18 characters congruent to 1 mod 11, as GB 11643 defines', () => {
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2, 1]
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
        const chars = [...first17, computeCheckChar(first17)]
        const sum = chars.reduce((s, c, i) => s + (c === 'X' ? 10 : Number(c)) * weights[i], 0)
        expect(sum % 11).toBe(1)
      }),
    )
  })

  it('refuses anything but 17 digits', () => {
    expect(() => computeCheckChar('1101051949123100')).toThrow(RangeError)
    expect(() => computeCheckChar('1101051949123100A')).toThrow(RangeError)
  })
})

describe('checkDocNumber', () => {
  const ok = (sex?: 'M' | 'F', birthDate?: string) => ({ ok: true, sex, birthDate })
  const refused = (error: string) => ({ ok: false, error })

  it.each<[string, DocType, string, object]>([
    ['accepts the standard’s example number', 'id_card', '11010519491231002X', ok('F', '1949-12-31')],
    [
      'accepts a number whose check character is a digit and reads a male holder',
      'id_card',
      makeIdNumber('420106', '19880512', '013'),
      ok('M', '1988-05-12'),
    ],
    [
      'accepts a holder born today',
      'id_card',
      makeIdNumber('450103', '20260915', '002'),
      ok('F', '2026-09-15'),
    ],
    [
      'accepts a holder born on 1900-01-01',
      'id_card',
      makeIdNumber('110101', '19000101', '001'),
      ok('M', '1900-01-01'),
    ],
    [
      'accepts a 29 February in a leap year',
      'id_card',
      makeIdNumber('310101', '20000229', '004'),
      ok('F', '2000-02-29'),
    ],
    [
      'accepts a Taiwan region code 71',
      'id_card',
      makeIdNumber('710000', '19800101', '001'),
      ok('M', '1980-01-01'),
    ],
    [
      'refuses a number whose check character is wrong',
      'id_card',
      '110105194912310021',
      refused(DOC_MESSAGES.idChecksum),
    ],
    [
      'refuses 30 February even with a correct check character',
      'id_card',
      makeIdNumber('110105', '19490230', '002'),
      refused(DOC_MESSAGES.idBirthDate),
    ],
    [
      'refuses 29 February in a year that is not a leap year',
      'id_card',
      makeIdNumber('110105', '19000229', '002'),
      refused(DOC_MESSAGES.idBirthDate),
    ],
    [
      'refuses month 13',
      'id_card',
      makeIdNumber('110105', '19901301', '002'),
      refused(DOC_MESSAGES.idBirthDate),
    ],
    [
      'refuses a birth date after today',
      'id_card',
      makeIdNumber('110105', '20260916', '002'),
      refused(DOC_MESSAGES.idBirthDate),
    ],
    [
      'refuses a birth date before 1900',
      'id_card',
      makeIdNumber('110105', '18991231', '002'),
      refused(DOC_MESSAGES.idBirthDate),
    ],
    ['refuses 17 digits', 'id_card', '11010519491231002', refused(DOC_MESSAGES.idFormat)],
    ['refuses 19 digits', 'id_card', '11010519491231002X1', refused(DOC_MESSAGES.idFormat)],
    ['refuses an un-normalised lowercase x', 'id_card', '11010519491231002x', refused(DOC_MESSAGES.idFormat)],
    [
      'refuses X anywhere but the last place',
      'id_card',
      '1101051949123100X2',
      refused(DOC_MESSAGES.idFormat),
    ],
    [
      'refuses a province code outside the list',
      'id_card',
      makeIdNumber('990101', '19900101', '001'),
      refused(DOC_MESSAGES.idRegion),
    ],
    [
      'refuses province code 10, just below the list',
      'id_card',
      makeIdNumber('100101', '19900101', '001'),
      refused(DOC_MESSAGES.idRegion),
    ],
    [
      'points a residence permit entered as 身份证 to the right type',
      'id_card',
      makeIdNumber('830000', '19900101', '001'),
      refused(DOC_MESSAGES.idIsResidencePermit),
    ],
    [
      'accepts an 83 residence permit with a correct check character',
      'residence_permit',
      makeIdNumber('830000', '19900101', '123'),
      ok('M', '1990-01-01'),
    ],
    [
      'accepts an 81 residence permit',
      'residence_permit',
      makeIdNumber('810000', '19851120', '044'),
      ok('F', '1985-11-20'),
    ],
    [
      'accepts an 82 residence permit',
      'residence_permit',
      makeIdNumber('820000', '19700707', '005'),
      ok('M', '1970-07-07'),
    ],
    [
      'refuses a residence permit whose check character is wrong',
      'residence_permit',
      makeIdNumber('830000', '19900101', '123').slice(0, 17) + '0',
      refused(DOC_MESSAGES.permitChecksum),
    ],
    [
      'refuses a residence permit with an impossible birth date',
      'residence_permit',
      makeIdNumber('810000', '19900431', '001'),
      refused(DOC_MESSAGES.permitBirthDate),
    ],
    [
      'refuses a residence permit with any other prefix',
      'residence_permit',
      makeIdNumber('840000', '19900101', '001'),
      refused(DOC_MESSAGES.permitFormat),
    ],
    [
      'refuses a 身份证 number entered as a residence permit',
      'residence_permit',
      '11010519491231002X',
      refused(DOC_MESSAGES.permitFormat),
    ],
    ['accepts a Hong Kong pass H + 8 digits', 'hk_macau_pass', 'H12345678', ok()],
    ['accepts a Macau pass M + 8 digits', 'hk_macau_pass', 'M87654321', ok()],
    [
      'refuses a pass number with the renewal count appended',
      'hk_macau_pass',
      'H1234567801',
      refused(DOC_MESSAGES.hkMacauFormat),
    ],
    [
      'refuses a pass number with another letter',
      'hk_macau_pass',
      'A12345678',
      refused(DOC_MESSAGES.hkMacauFormat),
    ],
    ['refuses a pass number with 7 digits', 'hk_macau_pass', 'H1234567', refused(DOC_MESSAGES.hkMacauFormat)],
    ['accepts a Taiwan pass of 8 digits', 'taiwan_pass', '01234567', ok()],
    ['refuses a Taiwan pass of 7 digits', 'taiwan_pass', '1234567', refused(DOC_MESSAGES.taiwanFormat)],
    ['refuses a Taiwan pass of 9 digits', 'taiwan_pass', '123456789', refused(DOC_MESSAGES.taiwanFormat)],
    ['refuses a Taiwan pass with a letter', 'taiwan_pass', 'T1234567', refused(DOC_MESSAGES.taiwanFormat)],
    [
      'refuses an unknown document type',
      'passport' as DocType,
      'E12345678',
      refused(DOC_MESSAGES.typeMissing),
    ],
  ])('%s', (_name, type, number, expected) => {
    const result = checkDocNumber(type, number, TODAY)
    expect(result).toEqual(
      Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)) as typeof result,
    )
  })

  it('uses the exact messages the applicant sees', () => {
    expect(checkDocNumber('id_card', '123', TODAY)).toEqual({
      ok: false,
      error: '身份证号码应为18位，前17位为数字，最后一位为数字或X',
    })
    expect(checkDocNumber('id_card', '110105194912310021', TODAY)).toEqual({
      ok: false,
      error: '身份证号码校验位不正确，请核对后重新输入',
    })
    expect(checkDocNumber('hk_macau_pass', 'H1', TODAY)).toEqual({
      ok: false,
      error: '港澳居民来往内地通行证号码应为9位（H或M及8位纯数字），最后两位换证次数无需填写',
    })
    expect(checkDocNumber('residence_permit', '1', TODAY)).toEqual({
      ok: false,
      error: '港澳台居民居住证号码应为18位，以810000、820000或830000开头',
    })
  })

  it('judges “today” by the Shanghai calendar when given an instant', () => {
    const bornOn16th = makeIdNumber('110105', '20260916', '002')
    // 16:30 UTC on the 15th is already 00:30 on the 16th in Shanghai.
    expect(checkDocNumber('id_card', bornOn16th, new Date('2026-09-15T16:30:00Z')).ok).toBe(true)
    expect(checkDocNumber('id_card', bornOn16th, new Date('2026-09-15T15:59:00Z')).ok).toBe(false)
  })

  const regionCodes = [
    '11',
    '15',
    '21',
    '23',
    '31',
    '37',
    '41',
    '46',
    '50',
    '54',
    '61',
    '65',
    '71',
    '81',
    '82',
  ]
  const pastDate = fc
    .date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2026-09-14T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10))

  it('accepts any number built by makeIdNumber with a real past birth date, reading sex and birth date', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...regionCodes),
        fc.stringMatching(/^\d{4}$/),
        pastDate,
        fc.stringMatching(/^\d{3}$/),
        (region, area, birth, seq) => {
          const number = makeIdNumber(region + area, birth.replace(/-/g, ''), seq)
          expect(checkDocNumber('id_card', number, TODAY)).toEqual({
            ok: true,
            sex: Number(seq[2]) % 2 === 1 ? 'M' : 'F',
            birthDate: birth,
          })
        },
      ),
    )
  })

  it('accepts any residence permit built by makeIdNumber with a real past birth date', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('810000', '820000', '830000'),
        pastDate,
        fc.stringMatching(/^\d{3}$/),
        (prefix, birth, seq) => {
          const result = checkDocNumber(
            'residence_permit',
            makeIdNumber(prefix, birth.replace(/-/g, ''), seq),
            TODAY,
          )
          expect(result).toMatchObject({ ok: true, birthDate: birth })
        },
      ),
    )
  })

  it('refuses a valid number once any single character is changed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...regionCodes),
        pastDate,
        fc.stringMatching(/^\d{3}$/),
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom(...'0123456789X'),
        (region, birth, seq, position, replacement) => {
          const number = makeIdNumber(`${region}0101`, birth.replace(/-/g, ''), seq)
          fc.pre(number[position] !== replacement)
          const changed = number.slice(0, position) + replacement + number.slice(position + 1)
          expect(checkDocNumber('id_card', changed, TODAY).ok).toBe(false)
        },
      ),
    )
  })
})

describe('makeIdNumber', () => {
  it('refuses parts of the wrong shape', () => {
    expect(() => makeIdNumber('11010', '19900101', '001')).toThrow(RangeError)
    expect(() => makeIdNumber('110101', '1990011', '001')).toThrow(RangeError)
    expect(() => makeIdNumber('110101', '19900101', '01')).toThrow(RangeError)
  })
})

describe('normaliseDocNumber', () => {
  it.each<[string, DocType, string, string]>([
    ['uppercases a trailing x', 'id_card', '11010519491231002x', '11010519491231002X'],
    ['trims and removes inner spaces', 'id_card', ' 110105 19491231 002X\t', '11010519491231002X'],
    ['uppercases the pass letter', 'hk_macau_pass', 'h12345678', 'H12345678'],
    ['uppercases a Macau pass letter', 'hk_macau_pass', ' m 1234 5678 ', 'M12345678'],
    ['turns full-width digits into ASCII', 'taiwan_pass', '１２３４５６７８', '12345678'],
    ['removes an ideographic space', 'id_card', '110105\u300019491231002X', '11010519491231002X'],
  ])('%s', (_name, type, raw, expected) => {
    expect(normaliseDocNumber(type, raw)).toBe(expected)
  })

  it('accepts a lowercase x once normalised', () => {
    const number = normaliseDocNumber('id_card', ' 11010519491231002x ')
    expect(checkDocNumber('id_card', number, TODAY)).toMatchObject({ ok: true })
  })

  it('accepts a lowercase pass letter once normalised', () => {
    expect(checkDocNumber('hk_macau_pass', normaliseDocNumber('hk_macau_pass', 'm12345678'), TODAY).ok).toBe(
      true,
    )
  })
})

describe('masking', () => {
  it.each([
    ['11010519491231002X', '11**************2X'],
    ['42010619880512013X', '42**************3X'],
    ['H12345678', 'H1*****78'],
    ['12345678', '12****78'],
    ['1234', '****'],
    ['', ''],
  ])('masks document number %s as %s', (number, masked) => {
    expect(maskDocNumber(number)).toBe(masked)
  })

  it('keeps the length and the first and last 2 characters of any document number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Z]{5,18}$/), (n) => {
        const masked = maskDocNumber(n)
        expect(masked).toHaveLength(n.length)
        expect(masked.slice(0, 2)).toBe(n.slice(0, 2))
        expect(masked.slice(-2)).toBe(n.slice(-2))
        expect(masked.slice(2, -2)).toMatch(/^\*+$/)
      }),
    )
  })

  it.each([
    ['holderChecking', '42010619880512013X'],
    ['scopedStaff', '42010619880512013X'],
    ['holder', '42**************3X'],
    ['public', '42**************3X'],
    [undefined, '42**************3X'],
    ['staff', '42**************3X'],
  ])('shows a document number to %s as %s', (viewer, shown) => {
    expect(shownDocNumber('42010619880512013X', viewer)).toBe(shown)
  })

  it('masks the middle four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
  })

  it.each([
    ['张三丰', '张*丰'],
    ['张三', '张*'],
    ['欧阳娜娜', '欧**娜'],
    ['阿卜杜拉·买买提', '阿******提'],
    ['𠀀𠀁𠀂', '𠀀*𠀂'],
    ['张', '*'],
  ])('masks the name %s as %s', (name, masked) => {
    expect(maskName(name)).toBe(masked)
  })
})
