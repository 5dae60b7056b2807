import pino, { type DestinationStream, type SerializedRequest, type SerializedResponse } from 'pino'
import pinoHttp from 'pino-http'
import { maskDocNumber } from '../domain/idNumber'

// A log line is copied into tickets and chats: nothing in it may sign a reader in (session cookie,
// CSRF token, reset link) or name a person (ID number, phone). The serializers below shape every
// `req`, `res`, `err` and `url` the app logs, whichever logger or child writes it.

const REDACTED = '[redacted]'

/** Query parameters whose values say nothing about a person; any other value is masked. */
const PLAIN_QUERY = new Set([
  'page',
  'status',
  'from',
  'to',
  'business',
  'year',
  'authority',
  'province',
  'city',
  'county',
  'stage',
  'type',
  'point',
  'category',
  'edit',
  'download',
  'all',
  'actorKind',
  'action',
])

/** Paths that carry a secret in a segment: the e-mailed password reset link. */
const SECRET_PATHS = [/^(\/forgot-password\/reset\/)[^/]+/]

/** Request headers that hold a session or a token. */
const SECRET_HEADERS = new Set([
  'cookie',
  'authorization',
  'x-csrf-token',
  'csrf-token',
  'proxy-authorization',
])

// 居民身份证 (15 or 18 characters) and mobile numbers written anywhere in a text.
const NUMBER_RUN = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{11,15})(?![0-9A-Za-z])/g

/** Masks ID and phone numbers in free text (error messages, paths). */
export function maskText(text: string): string {
  return text.replace(NUMBER_RUN, (n) => maskDocNumber(n))
}

/** A path or URL with its secret segments, its query values (bar a few plain ones) and numbers masked. */
export function maskUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)?([^?#]*)(?:\?([^#]*))?/i.exec(url)
  if (!m) return REDACTED
  const [, origin = '', rawPath, query] = m
  const path = SECRET_PATHS.reduce((p, re) => p.replace(re, `$1${REDACTED}`), rawPath)
  const masked = origin + maskText(path)
  if (query === undefined) return masked
  const pairs = query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=')
      const rawKey = eq < 0 ? pair : pair.slice(0, eq)
      const value = eq < 0 ? '' : pair.slice(eq + 1)
      let key: string
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '))
      } catch {
        key = rawKey
      }
      const shown = !value ? '' : PLAIN_QUERY.has(key) ? maskText(value) : REDACTED
      return `${maskText(rawKey)}=${shown}`
    })
  return `${masked}?${pairs.join('&')}`
}

type Serialized = Record<string, unknown>

function safeRequest(req: SerializedRequest): Serialized {
  const headers: Serialized = {}
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (SECRET_HEADERS.has(name)) continue
    headers[name] = name === 'referer' && typeof value === 'string' ? maskUrl(value) : value
  }
  // query and params repeat the URL (unmasked); the URL is enough.
  return {
    id: req.id,
    method: req.method,
    url: maskUrl(req.url ?? ''),
    headers,
    remoteAddress: req.remoteAddress,
    remotePort: req.remotePort,
  }
}

function safeResponse(res: SerializedResponse): Serialized {
  const headers: Serialized = {}
  for (const [name, value] of Object.entries(res.headers ?? {})) {
    if (name === 'set-cookie') continue
    headers[name] = name === 'location' && typeof value === 'string' ? maskUrl(value) : value
  }
  return { statusCode: res.statusCode, headers }
}

// PostgreSQL's error fields that quote row values or statements (and so ID numbers and phones);
// code, table, column and constraint stay, they say what went wrong.
const QUOTING_FIELDS = ['where', 'hint', 'internalQuery', 'parameters', 'bindings', 'query']

/** "Key (doc_number)=(…) already exists." keeps the columns; any other detail quotes a whole row. */
function maskDetail(detail: string): string {
  const key = /^(Key \([^)]*\)=\().*(\) .*)$/s.exec(detail)
  return key ? `${key[1]}${REDACTED}${key[2]}` : REDACTED
}

function safeError(err: unknown): unknown {
  if (typeof err === 'string') return maskText(err)
  if (!err || typeof err !== 'object') return err
  const e = { ...(err as Serialized) }
  if (typeof e.message === 'string') e.message = maskText(e.message)
  if (typeof e.stack === 'string') e.stack = maskText(e.stack)
  if (typeof e.detail === 'string') e.detail = maskDetail(e.detail)
  for (const field of QUOTING_FIELDS) if (e[field] !== undefined) e[field] = REDACTED
  if (Array.isArray(e.aggregateErrors)) e.aggregateErrors = e.aggregateErrors.map(safeError)
  return e
}

const serializers = {
  req: pino.stdSerializers.wrapRequestSerializer(safeRequest),
  res: pino.stdSerializers.wrapResponseSerializer(safeResponse),
  err: pino.stdSerializers.wrapErrorSerializer(safeError as (e: pino.SerializedError) => Serialized),
  url: (url: unknown) => (typeof url === 'string' ? maskUrl(url) : url),
}

export function createLogger(level: string, destination?: DestinationStream) {
  return pino(
    {
      level,
      serializers,
      // Values logged under these names anywhere in an object.
      redact: {
        paths: [
          'docNumber',
          'doc_number',
          'phone',
          'password',
          'token',
          '*.docNumber',
          '*.doc_number',
          '*.phone',
          '*.password',
          '*.token',
        ],
        censor: REDACTED,
      },
    },
    destination,
  )
}

export type Logger = ReturnType<typeof createLogger>

/** One line per answered request, through the serializers above (not pino-http's own). */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    wrapSerializers: false,
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  })
}
