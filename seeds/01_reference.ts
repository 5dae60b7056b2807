import fs from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import { codeLists } from './data/codes'

// Reference data: administrative divisions (seeds/data/regions.json, built by seeds/data/build-regions.ts)
// and the code lists of seeds/data/codes.ts. Runs on every start, so it only upserts: rows are inserted
// or brought back in line with the files; rows a bureau added are left alone.

type RegionRow = [code: string, name: string, parentCode: string | null, level: number]

const BATCH = 1000

/** regions.json sits beside this file in the source tree; from dist/seeds, walk up to the source copy. */
function regionsFile(): string {
  const beside = path.join(__dirname, 'data', 'regions.json')
  if (fs.existsSync(beside)) return beside
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'seeds', 'data', 'regions.json')
    if (fs.existsSync(candidate)) return candidate
    if (path.dirname(dir) === dir) break
  }
  throw new Error(`seeds/data/regions.json not found (looked beside and above ${__dirname})`)
}

function loadRegions(): RegionRow[] {
  const rows = JSON.parse(fs.readFileSync(regionsFile(), 'utf8')) as unknown
  if (!Array.isArray(rows)) throw new Error('regions.json: expected an array')
  for (const r of rows) {
    if (
      !Array.isArray(r) ||
      r.length !== 4 ||
      !/^\d{6}$/.test(r[0]) ||
      typeof r[1] !== 'string' ||
      !(r[2] === null || /^\d{6}$/.test(r[2])) ||
      ![1, 2, 3].includes(r[3])
    ) {
      throw new Error(`regions.json: bad row ${JSON.stringify(r)}`)
    }
  }
  return rows as RegionRow[]
}

async function upsert(
  trx: Knex.Transaction,
  table: string,
  key: string[],
  columns: string[],
  rows: Record<string, unknown>[],
): Promise<void> {
  // Only touch rows that actually changed, so a restart does not rewrite the whole table.
  const changed =
    `(${columns.map((c) => `${table}.${c}`).join(', ')}) IS DISTINCT FROM ` +
    `(${columns.map((c) => `excluded.${c}`).join(', ')})`
  for (let i = 0; i < rows.length; i += BATCH) {
    await trx(table)
      .insert(rows.slice(i, i + BATCH))
      .onConflict(key)
      .merge(columns)
      .whereRaw(changed)
  }
}

export async function seed(knex: Knex): Promise<void> {
  const regions = loadRegions().map(([code, name, parent_code, level]) => ({
    code,
    name,
    parent_code,
    level,
  }))
  const codes = Object.entries(codeLists).flatMap(([kind, items]) =>
    items.map((item, i) => ({
      kind,
      code: item.code,
      name: item.name,
      sort: i + 1,
      grp: item.group ?? null,
      scope: item.scope ?? null,
    })),
  )
  await knex.transaction(async (trx) => {
    await upsert(trx, 'ref_regions', ['code'], ['name', 'parent_code', 'level'], regions)
    await upsert(trx, 'ref_codes', ['kind', 'code'], ['name', 'sort', 'grp', 'scope'], codes)
  })
}
