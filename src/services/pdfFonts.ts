import fs from 'node:fs'
import path from 'node:path'

// The CJK font printed forms use: Noto Sans SC from @fontsource/noto-sans-sc (SIL Open Font
// License 1.1), as woff2 slices by unicode-range, so Chromium fetches only the slices a form's text
// needs. The CSS and the files are read into memory once; pages get the files through request
// interception (the PDF service answers `${FONT_ORIGIN}/fonts/<file>` from this map), never from disk
// or the network, and never from the machine's own fonts.

export const FONT_FAMILY = 'Noto Sans SC'
export const FONT_PACKAGE = '@fontsource/noto-sans-sc'
// One weight: every extra weight is another set of slices to subset into each PDF (about +25% time);
// headings are set larger instead of bold.
const WEIGHTS = ['400']

export interface EmbeddedFont {
  /** file name → woff2 bytes */
  files: Map<string, Buffer>
  bytes: number
  /**
   * Each @font-face rule apart, every url() pointing at `${origin}/fonts/<file>` (a form takes the
   * ones it needs: fontCssFor), and every unicode-range of them sorted by its start.
   */
  rules: string[]
  ranges: { from: number; to: number; rule: number }[]
  /** reach[i]: the furthest end of ranges[0..i] */
  reach: number[]
}

let loaded: { origin: string; font: EmbeddedFont } | undefined

/** Reads the font package once per process (about 3.7 MB of woff2 slices). */
export function loadEmbeddedFont(origin: string): EmbeddedFont {
  if (loaded?.origin === origin) return loaded.font
  const dir = path.dirname(require.resolve(`${FONT_PACKAGE}/package.json`))
  const files = new Map<string, Buffer>()
  let bytes = 0
  const css = WEIGHTS.map((w) =>
    fs
      .readFileSync(path.join(dir, `${w}.css`), 'utf8')
      // woff2 only: every Chromium reads it, and the woff fallbacks would double the rules.
      // Print waits for the font: never the fallback first.
      .replace(/font-display: swap/g, 'font-display: block')
      .replace(/,\s*url\(\.\/files\/[^)]+\.woff\) format\('woff'\)/g, '')
      .replace(/url\(\.\/files\/([^)]+\.woff2)\)/g, (_m, file: string) => {
        if (!files.has(file)) {
          const data = fs.readFileSync(path.join(dir, 'files', file))
          files.set(file, data)
          bytes += data.length
        }
        return `url(${origin}/fonts/${file})`
      }),
  ).join('\n')
  if (!files.size) throw new Error(`${FONT_PACKAGE}: no woff2 files found in ${dir}`)
  const rules = css.match(/@font-face\s*\{[^}]*\}/g) ?? []
  const ranges = rules
    .flatMap((rule, i) =>
      (/unicode-range:\s*([^;}]+)/.exec(rule)?.[1] ?? 'U+0-10ffff').split(',').map((r) => {
        const [from, to = from] = r.trim().replace(/^U\+/i, '').split('-')
        return { from: parseInt(from, 16), to: parseInt(to, 16), rule: i }
      }),
    )
    .sort((a, b) => a.from - b.from)
  const reach: number[] = []
  ranges.forEach((r, i) => reach.push(Math.max(r.to, i ? reach[i - 1] : -1)))
  const font = { files, bytes, rules, ranges, reach }
  loaded = { origin, font }
  return font
}

/**
 * The @font-face rules whose unicode-range covers a character of `text` (a rendered form), in the
 * font's own order. Chromium parses every rule of a document, and the whole font is 101 of them
 * (104 KB of CSS): a form needs a few dozen, and parsing the rest cost a fifth of each print.
 */
export function fontCssFor(font: EmbeddedFont, text: string): string {
  const used = new Set<number>()
  const seen = new Set<number>()
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (seen.has(cp)) continue
    seen.add(cp)
    // the last range starting at or before cp, then back while an earlier one may still reach cp
    let lo = 0
    let hi = font.ranges.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (font.ranges[mid].from <= cp) lo = mid + 1
      else hi = mid - 1
    }
    for (let i = hi; i >= 0 && font.reach[i] >= cp; i--)
      if (font.ranges[i].to >= cp) used.add(font.ranges[i].rule)
  }
  return font.rules.filter((_r, i) => used.has(i)).join('\n')
}
