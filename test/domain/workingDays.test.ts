import fc from 'fast-check'
import { addWorkingDays, type DayKind, isWorkingDay } from '../../src/domain/workingDays'

const NONE = new Map<string, DayKind>()

// 2025 National Day: 1–8 October off, Sunday 28 September and Saturday 11 October worked instead.
const NATIONAL_DAY_2025 = new Map<string, DayKind>([
  ['2025-09-28', 'workday'],
  ...['01', '02', '03', '04', '05', '06', '07', '08'].map((d): [string, DayKind] => [
    `2025-10-${d}`,
    'holiday',
  ]),
  ['2025-10-11', 'workday'],
])

describe('isWorkingDay', () => {
  it.each<[string, Map<string, DayKind>, boolean, string]>([
    ['2026-01-05', NONE, true, 'a Monday'],
    ['2026-01-09', NONE, true, 'a Friday'],
    ['2026-01-10', NONE, false, 'a Saturday'],
    ['2026-01-11', NONE, false, 'a Sunday'],
    ['2025-10-01', NATIONAL_DAY_2025, false, 'a weekday made a holiday'],
    ['2025-09-28', NATIONAL_DAY_2025, true, 'a Sunday made a makeup working day'],
    ['2025-10-11', NATIONAL_DAY_2025, true, 'a Saturday made a makeup working day'],
  ])('says %s is %s (%s)', (date, overrides, expected) => {
    expect(isWorkingDay(date, overrides)).toBe(expected)
  })

  it('refuses a date that does not exist', () => {
    expect(() => isWorkingDay('2026-02-30', NONE)).toThrow(RangeError)
  })
})

describe('addWorkingDays', () => {
  it('skips the weekend when counting 7 working days from a Friday', () => {
    expect(addWorkingDays('2026-01-02', 7, NONE)).toBe('2026-01-13')
  })

  it('does not count the start day itself', () => {
    expect(addWorkingDays('2026-01-05', 1, NONE)).toBe('2026-01-06')
  })

  it('counts from a weekend start to the next Monday', () => {
    expect(addWorkingDays('2026-01-10', 1, NONE)).toBe('2026-01-12')
  })

  it('returns the start day for zero working days', () => {
    expect(addWorkingDays('2026-01-10', 0, NONE)).toBe('2026-01-10')
  })

  it('skips a weekday that is a public holiday', () => {
    const newYear = new Map<string, DayKind>([['2026-01-06', 'holiday']])
    expect(addWorkingDays('2026-01-05', 1, newYear)).toBe('2026-01-07')
  })

  it('counts a makeup Saturday as a working day', () => {
    const makeup = new Map<string, DayKind>([['2026-01-10', 'workday']])
    expect(addWorkingDays('2026-01-09', 1, makeup)).toBe('2026-01-10')
  })

  it('crosses the National Day holiday using its makeup days', () => {
    expect(addWorkingDays('2025-09-26', 1, NATIONAL_DAY_2025)).toBe('2025-09-28')
    expect(addWorkingDays('2025-09-26', 3, NATIONAL_DAY_2025)).toBe('2025-09-30')
    expect(addWorkingDays('2025-09-26', 4, NATIONAL_DAY_2025)).toBe('2025-10-09')
    expect(addWorkingDays('2025-09-26', 6, NATIONAL_DAY_2025)).toBe('2025-10-11')
    expect(addWorkingDays('2025-09-26', 7, NATIONAL_DAY_2025)).toBe('2025-10-13')
  })

  it('accepts holiday rows as read from the database', () => {
    const rows = [...NATIONAL_DAY_2025].map(([day, kind]) => ({ day, kind }))
    expect(addWorkingDays('2025-09-26', 7, rows)).toBe('2025-10-13')
  })

  it('crosses a month and a year end', () => {
    expect(addWorkingDays('2025-12-31', 2, NONE)).toBe('2026-01-02')
  })

  it.each([
    ['2026-02-30', 1],
    ['2026/01/05', 1],
    ['2026-01-05', -1],
    ['2026-01-05', 1.5],
  ])('refuses start %s with %s working days', (start, n) => {
    expect(() => addWorkingDays(start, n, NONE)).toThrow(RangeError)
  })

  it('lands on a working day with exactly n working days after the start', () => {
    const day = fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2030-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10))
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(day, fc.constantFrom<DayKind>('holiday', 'workday')), { maxLength: 30 }),
        (start, n, entries) => {
          const overrides = new Map(entries)
          const end = addWorkingDays(start, n, overrides)
          expect(end > start).toBe(true)
          expect(isWorkingDay(end, overrides)).toBe(true)
          let counted = 0
          for (let d = start; d < end;) {
            d = new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10)
            if (isWorkingDay(d, overrides)) counted++
          }
          expect(counted).toBe(n)
        },
      ),
    )
  })
})
