import type { Clock } from './clock'

// What every page would otherwise read again although it changes only when an administrator edits
// it (the registration season on the 业务平台): read once per minute of the injected clock, so tests
// and FAKE_NOW move it with the time. The edits this instance makes forget it at once (`forget`);
// another instance behind the same database sees them within the minute.

export interface PerMinute {
  /** `read()`'s answer, read at most once per key in each minute of the clock; a failed read is not kept. */
  get<T>(key: string, read: () => Promise<T>): Promise<T>
  /** Forgets every answer (after an edit that changes them). */
  forget(): void
}

export function createPerMinute(clock: Clock): PerMinute {
  const kept = new Map<string, { minute: number; value: Promise<unknown> }>()
  return {
    get<T>(key: string, read: () => Promise<T>): Promise<T> {
      const minute = Math.floor(clock.now().getTime() / 60_000)
      const hit = kept.get(key)
      if (hit && hit.minute === minute) return hit.value as Promise<T>
      const entry = { minute, value: read() as Promise<unknown> }
      kept.set(key, entry)
      entry.value.catch(() => kept.get(key) === entry && kept.delete(key))
      return entry.value as Promise<T>
    },
    forget: () => kept.clear(),
  }
}
