import fc from 'fast-check'
import {
  defaultRegistrationWindow,
  isWindowOpen,
  relevantWindow,
  windowsOverlap,
  type Window,
} from '../../src/domain/windows'

const w = (start: string, end: string): Window => ({ start: new Date(start), end: new Date(end) })

describe('isWindowOpen', () => {
  const win = w('2026-08-31T16:00:00Z', '2026-10-31T16:00:00Z')
  it.each([
    ['a millisecond before the start', '2026-08-31T15:59:59.999Z', false],
    ['at the start (inclusive)', '2026-08-31T16:00:00Z', true],
    ['inside', '2026-09-15T02:00:00Z', true],
    ['a millisecond before the end', '2026-10-31T15:59:59.999Z', true],
    ['at the end (exclusive)', '2026-10-31T16:00:00Z', false],
  ])('%s → %s', (_what, at, open) => {
    expect(isWindowOpen(win, new Date(at))).toBe(open)
  })

  it('is closed without a window', () => {
    expect(isWindowOpen(undefined, new Date())).toBe(false)
  })
})

describe('windowsOverlap', () => {
  it('back-to-back windows do not overlap; sharing any instant does', () => {
    expect(windowsOverlap(w('2026-01-01', '2026-02-01'), w('2026-02-01', '2026-03-01'))).toBe(false)
    expect(windowsOverlap(w('2026-01-01', '2026-02-02'), w('2026-02-01', '2026-03-01'))).toBe(true)
    expect(windowsOverlap(w('2026-01-01', '2026-12-01'), w('2026-02-01', '2026-03-01'))).toBe(true)
  })

  it('overlap means some instant is inside both (property)', () => {
    const t = fc.integer({ min: 0, max: 1000 })
    fc.assert(
      fc.property(t, t, t, t, (a, b, c, d) => {
        const x = { start: new Date(Math.min(a, b)), end: new Date(Math.max(a, b) + 1) }
        const y = { start: new Date(Math.min(c, d)), end: new Date(Math.max(c, d) + 1) }
        let shared = false
        for (let i = 0; i <= 1001 && !shared; i++)
          shared = isWindowOpen(x, new Date(i)) && isWindowOpen(y, new Date(i))
        expect(windowsOverlap(x, y)).toBe(shared)
        expect(windowsOverlap(y, x)).toBe(shared)
      }),
    )
  })
})

describe('relevantWindow', () => {
  const past = w('2025-09-01', '2025-11-01')
  const now = w('2026-09-01', '2026-11-01')
  const next = w('2027-09-01', '2027-11-01')
  it.each([
    ['the open one', '2026-10-01', now],
    ['the next one between windows', '2026-12-01', next],
    ['the next one before any', '2024-01-01', past],
    ['the last one after all', '2028-01-01', next],
  ])('%s', (_what, at, expected) => {
    expect(relevantWindow([next, past, now], new Date(at))).toBe(expected)
  })
  it('is undefined with no windows (该机构未设置网报计划)', () => {
    expect(relevantWindow([], new Date())).toBeUndefined()
  })
})

describe('defaultRegistrationWindow', () => {
  it.each([
    ['H2', '2026-03-01T00:00:00Z', '2026-06-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['H2', '2026-09-15T00:00:00Z', '2026-06-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    // 31 Dec 23:59 Shanghai is still this year's second half; 1 Jan 00:00 is not.
    ['H2', '2026-12-31T15:59:00Z', '2026-06-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['H2', '2026-12-31T16:00:00Z', '2027-06-30T16:00:00.000Z', '2027-12-31T16:00:00.000Z'],
    ['H1', '2026-03-01T00:00:00Z', '2025-12-31T16:00:00.000Z', '2026-06-30T16:00:00.000Z'],
    ['H1', '2026-09-15T00:00:00Z', '2026-12-31T16:00:00.000Z', '2027-06-30T16:00:00.000Z'],
  ] as const)('%s at %s → %s – %s', (half, at, start, end) => {
    const win = defaultRegistrationWindow(half, new Date(at))
    expect(win.start.toISOString()).toBe(start)
    expect(win.end.toISOString()).toBe(end)
  })

  it('always ends after `at` and lasts half a year (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('H1' as const, 'H2' as const),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
        (half, at) => {
          const win = defaultRegistrationWindow(half, at)
          expect(win.end.getTime()).toBeGreaterThan(at.getTime())
          const days = (win.end.getTime() - win.start.getTime()) / 86_400_000
          expect(days).toBeGreaterThanOrEqual(181)
          expect(days).toBeLessThanOrEqual(184)
        },
      ),
    )
  })
})
