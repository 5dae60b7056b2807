import type { Clock } from '../../src/services/clock'

// The clock tests move instead of sleeping (appWithAllRoutes builds the app with one).
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
