import type express from 'express'
import { csrfFrom, type Agent } from './http'

// The bad-input sweep: every route the app registers, read from its router, answered with hostile
// forms and query strings. Shared by test/routes/input-sweep.test.ts and the chaos script, so it
// takes an agent (supertest on the app or on a running server) and reports, never asserts.

/** One method and path the app answers, as its routers declare it (`/staff/admin/points/:id`). */
export interface RouteEntry {
  method: string
  path: string
}

interface Layer {
  rawPath?: unknown
  route?: { path: unknown; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
}

const joinPath = (base: string, path: string) =>
  (base + (path === '/' ? '' : path)).replace(/\/{2,}/g, '/') || '/'

const pathsOf = (raw: unknown): string[] =>
  (Array.isArray(raw) ? raw.flat(Infinity) : [raw]).filter((p): p is string => typeof p === 'string')

function walk(stack: Layer[], base: string, out: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const path of pathsOf(layer.route.path))
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') out.push({ method, path: joinPath(base, path) })
    } else if (layer.handle?.stack) {
      for (const mount of pathsOf(layer.rawPath ?? '/')) walk(layer.handle.stack, joinPath(base, mount), out)
    }
  }
}

/**
 * Every route the app registers, read from its router stack (nested Routers with their mount paths
 * included), in registration order, each method and path once.
 */
export function listRoutes(app: express.Express): RouteEntry[] {
  const out: RouteEntry[] = []
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out)
  const seen = new Set<string>()
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** `/info/mandarin/:id/edit` with each `:param` replaced by what `resolve` gives for it. */
export function fillPath(path: string, resolve: (param: string, path: string) => string): string {
  return path.replace(/:(\w+)/g, (_m, param: string) => encodeURIComponent(resolve(param, path)))
}

/** The names of a page's form fields (inputs, selects, text areas), without the CSRF token. */
export function fieldNames(html: string): string[] {
  const names = new Set<string>()
  for (const m of html.matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"/g))
    if (m[1] !== '_csrf') names.add(m[1].replace(/&#3[49];|&quot;/g, ''))
  return [...names]
}

/** Names sent to every route besides its own form's: what the app's forms and filters commonly read. */
export const COMMON_FIELDS = [
  'name',
  'q',
  'status',
  'page',
  'from',
  'to',
  'id',
  'ids',
  'day',
  'docNumber',
  'password',
  'decision',
  'reason',
  'version',
  'body',
  'action',
  'business',
  'freeSchools',
]

export type Variant =
  | { name: string; kind: 'form'; body: string }
  | { name: string; kind: 'multipart'; fields: [string, string][] }

// A lone surrogate has no UTF-8 form: it goes as the bytes a careless client would send for it.
const enc = (s: string) =>
  s
    .split(/([\ud800-\udfff])/)
    .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('')
const form = (pairs: [string, string][]) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')

/** Characters PostgreSQL will not store in text or jsonb, or that have no place in a form field. */
export const NASTY = ['\u0000', '\u0007', '\u001b', '\u007f', '\ud800']

/** Each value a control character sandwiched between text, NUL always among them. */
const controlValue = (i: number) => `甲\u0000${NASTY[i % NASTY.length]}乙`

/**
 * The hostile bodies for a form with `fields`: control characters in every value and in the
 * names, over-long values (within the form size limit), repeated fields, bracketed names (which
 * make arrays and objects), and the same as multipart.
 */
export function hostileBodies(fields: string[], csrf: string): Variant[] {
  const token: [string, string] = ['_csrf', csrf]
  const each = (value: (f: string, i: number) => [string, string][]): string =>
    form([token, ...fields.flatMap(value)])
  // The urlencoded limit is 200 kB: the fields share a little less, in three-byte characters.
  const share = Math.max(300, Math.floor(180_000 / 9 / Math.max(1, fields.length)))
  return [
    { name: 'control', kind: 'form', body: each((f, i) => [[f, controlValue(i)]]) },
    { name: 'control-name', kind: 'form', body: each((f) => [[`${f}\u0000`, 'a']]) },
    { name: 'overlong', kind: 'form', body: each((f) => [[f, '长'.repeat(share)]]) },
    {
      name: 'repeated',
      kind: 'form',
      body: each((f) => [
        [f, 'a'],
        [f, '2026-01-01'],
      ]),
    },
    {
      name: 'brackets',
      kind: 'form',
      body: each((f) => [
        [`${f}[]`, 'x'],
        [`${f}[b]`, 'y'],
      ]),
    },
    {
      name: 'multipart',
      kind: 'multipart',
      fields: [
        token,
        ...fields.flatMap((f, i): [string, string][] => [
          [f, controlValue(i)],
          [f, 'c'],
          [`${f}[b]`, 'x'],
        ]),
      ],
    },
  ]
}

/** A form beyond the size limit (300 kB): refused whole by the body parser, whatever the route. */
export const tooLarge = (csrf: string): Variant => ({
  name: 'too-large',
  kind: 'form',
  body: form([
    ['_csrf', csrf],
    ['name', 'x'.repeat(300_000)],
  ]),
})

/** Hostile query strings for a page with `fields` as its filters. */
export function hostileQueries(fields: string[]): { name: string; query: string }[] {
  const each = (value: (f: string, i: number) => [string, string][]) => form(fields.flatMap(value))
  return [
    { name: 'control', query: each((f, i) => [[f, controlValue(i)]]) },
    { name: 'overlong', query: form([[fields[0] ?? 'q', 'x'.repeat(8000)]]) },
    {
      name: 'repeated',
      query: each((f) => [
        [f, 'a'],
        [f, 'b'],
      ]),
    },
    {
      name: 'brackets',
      query: each((f) => [
        [`${f}[]`, 'x'],
        [`${f}[b]`, 'y'],
      ]),
    },
  ]
}

export interface SweepResult {
  method: string
  url: string
  variant: string
  status: number
  ms: number
}

/** Sends one hostile variant to `url` (POST); the answer's status. */
export async function sendVariant(a: Agent, url: string, v: Variant): Promise<number> {
  if (v.kind === 'form') return (await a.post(url).type('form').send(v.body)).status
  let req = a.post(url)
  for (const [k, value] of v.fields) req = req.field(k, value)
  return (await req).status
}

/**
 * Sweeps one route with every hostile variant: a POST gets the hostile bodies (its fields read from
 * the page of the same address when there is one, plus COMMON_FIELDS), a GET the hostile queries.
 */
export async function sweepRoute(
  a: Agent,
  route: RouteEntry,
  o: { url: string; csrf: string },
): Promise<SweepResult[]> {
  const results: SweepResult[] = []
  const page = await a.get(o.url)
  const own = page.status === 200 && page.type === 'text/html' ? fieldNames(page.text) : []
  const fields = [...new Set([...own, ...COMMON_FIELDS])]
  const timed = async (method: string, url: string, variant: string, send: () => Promise<number>) => {
    const started = performance.now()
    const status = await send()
    results.push({ method, url, variant, status, ms: Math.round(performance.now() - started) })
  }
  if (route.method === 'get') {
    for (const q of hostileQueries(fields)) {
      const url = `${o.url}?${q.query}`
      await timed('get', url, q.name, async () => (await a.get(url)).status)
    }
  } else if (route.method === 'post') {
    for (const v of hostileBodies(fields, o.csrf))
      await timed('post', o.url, v.name, () => sendVariant(a, o.url, v))
  }
  return results
}

/** The records whose ids a sweep puts in the paths that name one (absent: 1, which is nobody's). */
export type SweepIds = Partial<
  Record<
    | 'mandarin'
    | 'education'
    | 'degree'
    | 'registration'
    | 'certification'
    | 'identityReview'
    | 'authority'
    | 'point'
    | 'window'
    | 'staff'
    | 'file',
    string | number
  >
>

const PARAMS: Record<string, string> = {
  key: 'mandarin',
  step: 'agreement',
  token: 'x'.repeat(43),
}

/** For fillPath: each `:id` the record of its path's kind, other parameters a value they take. */
export function sweepResolver(ids: SweepIds): (param: string, path: string) => string {
  const byPath: [RegExp, string | number | undefined][] = [
    [/^\/info\/mandarin\//, ids.mandarin],
    [/^\/info\/education\//, ids.education],
    [/^\/info\/degrees\//, ids.degree],
    [/^\/staff\/info-reviews\//, ids.education],
    [/^\/(registration\/records|staff\/registrations)\//, ids.registration],
    [/^\/(certification\/records|staff\/certifications)\//, ids.certification],
    [/^\/staff\/identity-reviews\//, ids.identityReview],
    [/^\/staff\/admin\/authorities\//, ids.authority],
    [/^\/staff\/admin\/points\//, ids.point],
    [/^\/staff\/admin\/windows\//, ids.window],
    [/^\/staff\/admin\/staff\//, ids.staff],
    [/^\/files\//, ids.file],
  ]
  return (param, path) => {
    if (param === 'key' && path.startsWith('/platform/')) return 'registration'
    if (param !== 'id') return PARAMS[param] ?? '1'
    return String(byPath.find(([re]) => re.test(path))?.[1] ?? '1')
  }
}

const isLogout = (r: RouteEntry) => /\/logout$/.test(r.path)

/**
 * Sweeps every route of `routes` as `a`, plus one form beyond the size limit, checking after each
 * POST (and once after the GETs) that the session still answers `home` with its page. Logging out
 * ends the session on purpose: those routes go last, after the session checks.
 */
export async function sweepAll(
  a: Agent,
  routes: RouteEntry[],
  o: { csrfPage: string; home: string; resolve: (param: string, path: string) => string },
): Promise<{ results: SweepResult[]; broken: string[] }> {
  const csrf = csrfFrom((await a.get(o.csrfPage)).text)
  const results: SweepResult[] = []
  const broken: string[] = []
  const check = async (after: string) => {
    const res = await a.get(o.home)
    if (res.status !== 200) broken.push(`${after} → ${o.home} ${res.status}`)
  }
  const tooLong = tooLarge(csrf)
  results.push({
    method: 'post',
    url: '/login',
    variant: tooLong.name,
    status: await sendVariant(a, '/login', tooLong),
    ms: 0,
  })
  for (const route of [...routes.filter((r) => !isLogout(r)), ...routes.filter(isLogout)]) {
    results.push(...(await sweepRoute(a, route, { url: fillPath(route.path, o.resolve), csrf })))
    if (route.method === 'post' && !isLogout(route)) await check(`POST ${route.path}`)
    if (route === routes[routes.length - 1]) await check('the GETs')
  }
  return { results, broken }
}
