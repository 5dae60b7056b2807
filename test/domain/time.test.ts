import fc from 'fast-check'
import {
  halfYearCycle,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiDateToUtc,
  shanghaiTime,
  startOfShanghaiDay,
} from '../../src/domain/time'

// These tests must pass whatever TZ the process runs in; run them under TZ=UTC and TZ=America/New_York.
const at = (iso: string) => new Date(iso)

describe('Shanghai formatting', () => {
  it.each([
    ['2026-08-31T15:59:00Z', '2026-08-31', '23:59'],
    ['2026-08-31T16:00:00Z', '2026-09-01', '00:00'],
    ['2026-12-31T16:00:00Z', '2027-01-01', '00:00'],
    ['2024-02-28T16:30:00Z', '2024-02-29', '00:30'],
    ['2026-03-08T07:05:59Z', '2026-03-08', '15:05'],
  ])('shows %s as %s %s', (iso, date, time) => {
    expect(shanghaiDate(at(iso))).toBe(date)
    expect(shanghaiTime(at(iso))).toBe(time)
    expect(shanghaiDateTime(at(iso))).toBe(`${date} ${time}`)
  })

  it('ignores the US daylight-saving switch, which Shanghai does not have', () => {
    // 2026-03-08 is the day New York springs forward.
    expect(shanghaiDateTime(at('2026-03-08T06:59:00Z'))).toBe('2026-03-08 14:59')
    expect(shanghaiDateTime(at('2026-03-08T07:01:00Z'))).toBe('2026-03-08 15:01')
  })
})

describe('startOfShanghaiDay', () => {
  it.each([
    ['2026-08-31T15:59:59.999Z', '2026-08-30T16:00:00.000Z'],
    ['2026-08-31T16:00:00.000Z', '2026-08-31T16:00:00.000Z'],
    ['2026-09-01T03:00:00.000Z', '2026-08-31T16:00:00.000Z'],
  ])('gives the start of the Shanghai day containing %s as %s', (iso, start) => {
    expect(startOfShanghaiDay(at(iso)).toISOString()).toBe(start)
  })

  it('is never after the instant, less than a day before it, and on the same Shanghai date', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('1950-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const start = startOfShanghaiDay(d)
          expect(start.getTime()).toBeLessThanOrEqual(d.getTime())
          expect(d.getTime() - start.getTime()).toBeLessThan(24 * 60 * 60 * 1000)
          expect(shanghaiDate(start)).toBe(shanghaiDate(d))
          expect(shanghaiTime(start)).toBe('00:00')
        },
      ),
    )
  })
})

describe('shanghaiDateToUtc', () => {
  it('reads midnight by default', () => {
    expect(shanghaiDateToUtc('2026-09-01').toISOString()).toBe('2026-08-31T16:00:00.000Z')
  })

  it('reads a wall-clock time', () => {
    expect(shanghaiDateToUtc('2026-09-01', '08:30').toISOString()).toBe('2026-09-01T00:30:00.000Z')
    expect(shanghaiDateToUtc('2026-09-01', '23:59').toISOString()).toBe('2026-09-01T15:59:00.000Z')
  })

  it.each([
    ['2026-02-30', '00:00'],
    ['2026-13-01', '00:00'],
    ['2026-9-1', '00:00'],
    ['2026-09-01', '24:00'],
    ['2026-09-01', '12:60'],
    ['2026-09-01', '8:30'],
  ])('refuses %s %s', (date, time) => {
    expect(() => shanghaiDateToUtc(date, time)).toThrow(RangeError)
  })

  it('round-trips with the Shanghai date and time to the minute', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('1950-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const back = shanghaiDateToUtc(shanghaiDate(d), shanghaiTime(d))
          expect(back.getTime()).toBe(Math.floor(d.getTime() / 60_000) * 60_000)
        },
      ),
    )
  })
})

describe('halfYearCycle', () => {
  it.each([
    ['2026-08-31T15:59:00Z', '2026-H1', 'the last minute of 31 August in Shanghai'],
    ['2026-08-31T16:00:00Z', '2026-H2', 'midnight of 1 September in Shanghai'],
    ['2025-12-31T15:59:00Z', '2025-H2', 'the last minute of 31 December in Shanghai'],
    ['2025-12-31T16:00:00Z', '2026-H1', 'midnight of 1 January in Shanghai'],
    ['2026-05-15T04:00:00Z', '2026-H1', 'mid-May'],
    ['2026-10-15T04:00:00Z', '2026-H2', 'mid-October'],
  ])('puts %s in %s (%s)', (iso, key) => {
    expect(halfYearCycle(at(iso)).key).toBe(key)
  })

  it('runs H1 from 1 January to 1 September and H2 from 1 September to 1 January, Shanghai time', () => {
    expect(halfYearCycle(at('2026-03-01T00:00:00Z'))).toEqual({
      key: '2026-H1',
      start: at('2025-12-31T16:00:00Z'),
      end: at('2026-08-31T16:00:00Z'),
    })
    expect(halfYearCycle(at('2026-11-01T00:00:00Z'))).toEqual({
      key: '2026-H2',
      start: at('2026-08-31T16:00:00Z'),
      end: at('2026-12-31T16:00:00Z'),
    })
  })

  it('contains the instant, and each cycle ends where the next begins', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('1950-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const cycle = halfYearCycle(d)
          expect(cycle.start.getTime()).toBeLessThanOrEqual(d.getTime())
          expect(cycle.end.getTime()).toBeGreaterThan(d.getTime())
          expect(halfYearCycle(cycle.end).start).toEqual(cycle.end)
          expect(halfYearCycle(new Date(cycle.end.getTime() - 1)).key).toBe(cycle.key)
          expect(cycle.key).toMatch(/^\d{4}-H[12]$/)
        },
      ),
    )
  })
})
