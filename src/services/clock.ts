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
