// Business code asks the clock for the time so tests (and testers, outside production) can move it.
export interface Clock {
  now(): Date
}

export function systemClock(fakeNow?: string): Clock {
  if (!fakeNow) return { now: () => new Date(Date.now()) }
  const target = Date.parse(fakeNow)
  if (Number.isNaN(target)) throw new Error(`FAKE_NOW is not a date: ${fakeNow}`)
  // The fake time keeps running from the moment the process starts.
  const offset = target - Date.now()
  return { now: () => new Date(Date.now() + offset) }
}

export class TestClock implements Clock {
  private current: number
  constructor(start: string | Date = '2026-09-15T02:00:00Z') {
    this.current = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.current)
  }
  set(to: string | Date): void {
    this.current = new Date(to).getTime()
  }
  advance(ms: number): void {
    this.current += ms
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000)
  }
}
