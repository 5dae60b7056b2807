import type { Knex } from 'knex'
import type { Db } from '../db/knex'
import * as repo from './referenceRepository'

// The code tables (ref_codes) and the regions (ref_regions) as select options, for every module.
// They change only with the seeds (a deploy), and every wizard page shows several of them: each
// database keeps them in memory for a minute. A transaction reads the table itself (it may be the
// seeding one).

type Conn = Db | Knex.Transaction

export interface Option {
  value: string
  text: string
  group?: string
  /** The codes of another list this one applies under (ref_codes.scope); absent: all. */
  scope?: string[]
}

const TTL_MS = 60_000
const cache = new WeakMap<object, Map<string, { until: number; options: Promise<Option[]> }>>()

function cached(db: Conn, key: string, read: () => Promise<Option[]>): Promise<Option[]> {
  if ((db as Knex.Transaction).isTransaction) return read()
  let byKey = cache.get(db)
  if (!byKey) cache.set(db, (byKey = new Map()))
  const now = Date.now()
  let hit = byKey.get(key)
  if (!hit || hit.until <= now) {
    hit = { until: now + TTL_MS, options: read() }
    byKey.set(key, hit)
    const mine = hit
    mine.options.catch(() => byKey.get(key) === mine && byKey.delete(key))
  }
  return hit.options.then((options) => options.map((o) => ({ ...o })))
}

/** ref_codes of one kind, in their order (group → optgroup). */
export function refOptions(db: Conn, kind: string): Promise<Option[]> {
  return cached(db, `code:${kind}`, async () => {
    const rows = await repo.refCodes(db, kind)
    return rows.map((r) => ({
      value: r.code,
      text: r.name,
      ...(r.grp ? { group: r.grp } : {}),
      ...(r.scope ? { scope: r.scope } : {}),
    }))
  })
}

/** ref_codes of one kind that apply under `under` (a code of the list their scope names). */
export async function refOptionsUnder(db: Conn, kind: string, under: string): Promise<Option[]> {
  return (await refOptions(db, kind)).filter((o) => !o.scope || o.scope.includes(under))
}

/** The name of one code of a ref_codes kind, or '' when there is none. */
export async function codeName(db: Conn, kind: string, code: string): Promise<string> {
  return (await refOptions(db, kind)).find((o) => o.value === code)?.text ?? ''
}

/** The provinces (no parent), or the cities of a province. */
export function regionOptions(db: Conn, parent: string | null): Promise<Option[]> {
  return cached(db, `region:${parent ?? ''}`, async () => {
    const rows = await repo.regions(db, parent)
    return rows.map((r) => ({ value: r.code.trim(), text: r.name }))
  })
}
