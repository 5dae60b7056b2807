import type { ItemKind } from './repository'

// 添加 from elsewhere, e.g. the certification wizard's 身份与条件 step: the info centre's add pages
// take ?return=<key>, a key of this fixed list (never a URL, so no open redirect), keep it through
// their error redisplays (it is part of the form's action), and once the item is saved send the
// applicant back there, naming the new item (?added=<kind>-<id>) so that the page can choose it.

const RETURNS = {
  certification: { href: '/certification/apply/conditions', label: '教师资格认定报名' },
  // The same step opened with 修改 from the wizard's review page.
  'certification-review': { href: '/certification/apply/conditions?edit=review', label: '教师资格认定报名' },
} as const

export type ReturnKey = keyof typeof RETURNS

/** The first add page the info centre offers for each kind: 核验 by number where there is one. */
const ADD_PAGES: Record<ItemKind, string> = {
  mandarin: '/info/mandarin/verify',
  education: '/info/education/verify',
  degree: '/info/degrees/new',
}

const KINDS: readonly string[] = Object.keys(ADD_PAGES)

export const returnKeyOf = (v: unknown): ReturnKey | undefined =>
  typeof v === 'string' && Object.hasOwn(RETURNS, v) ? (v as ReturnKey) : undefined

export const returnLabel = (key: ReturnKey): string => RETURNS[key].label

const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`

/** `path` carrying the return key, or `path` itself without one. */
export const withReturn = (path: string, key: ReturnKey | undefined): string =>
  key ? withQuery(path, `return=${key}`) : path

/** Where 添加 a `kind` leads from the page named by `key`. */
export const addPath = (kind: ItemKind, key: ReturnKey): string => withReturn(ADD_PAGES[kind], key)

/** The page to go back to, naming the item just added if there is one. */
export const returnPath = (key: ReturnKey, added?: { kind: ItemKind; id: number }): string =>
  added ? withQuery(RETURNS[key].href, `added=${added.kind}-${added.id}`) : RETURNS[key].href

/** The item a return names (?added=mandarin-12), if the query names one. */
export function addedItem(query: Record<string, unknown>): { kind: ItemKind; id: number } | undefined {
  const m = typeof query.added === 'string' ? /^([a-z]+)-(\d{1,15})$/.exec(query.added) : null
  return m && KINDS.includes(m[1]) ? { kind: m[1] as ItemKind, id: Number(m[2]) } : undefined
}
