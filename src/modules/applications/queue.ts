import type { Request } from 'express'
import type { TransitionActor } from '../../domain/transitions'
import { trimmed } from '../../web/values'

// What every business's staff queue shares (定期注册 and 教师资格认定): whose applications a staff
// member acts on, reading the filter from the query and writing it back into links. The queue's reads
// are queueRepository.ts; its pages staffPages.ts.

export interface QueueFilter {
  status?: string
  from?: string
  to?: string
  q?: string
}

/** The points (现场确认) and authorities (审批) a staff member acts for in one business. */
export interface StaffScope {
  points: number[]
  authorities: number[]
}

/** The capacities in which the staff member acts on this application (none: it is not theirs). */
export function actorKindsFor(
  scope: StaffScope,
  row: { point_id: number | string; authority_id: number | string },
): TransitionActor[] {
  const kinds: TransitionActor[] = []
  if (scope.points.includes(Number(row.point_id))) kinds.push('point')
  if (scope.authorities.includes(Number(row.authority_id))) kinds.push('authority')
  return kinds
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** A form value that may come once, many times or not at all, as trimmed non-empty strings. */
export const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v])
    .filter((x): x is string => typeof x === 'string')
    .map((s) => s.trim())
    .filter(Boolean)

/**
 * The queue filter in the query: a status among `statuses` (else all), dates as YYYY-MM-DD, the
 * search term (50 characters). With no status in the query at all, `defaultStatus` applies.
 */
export function queueFilterOf(
  query: Record<string, unknown>,
  statuses: Record<string, string>,
  defaultStatus = '',
): QueueFilter {
  const status =
    query.status === undefined
      ? defaultStatus
      : Object.prototype.hasOwnProperty.call(statuses, trimmed(query.status))
        ? trimmed(query.status)
        : ''
  return {
    status,
    from: DATE.test(trimmed(query.from)) ? trimmed(query.from) : '',
    to: DATE.test(trimmed(query.to)) ? trimmed(query.to) : '',
    q: trimmed(query.q).slice(0, 50),
  }
}

const queueQueryString = (f: QueueFilter, extra: Record<string, string> = {}) =>
  new URLSearchParams({
    status: f.status ?? '',
    from: f.from ?? '',
    to: f.to ?? '',
    q: f.q ?? '',
    ...extra,
  }).toString()

export interface QueuePage<T> {
  rows: T[]
  total: number
  page: number
  pages: number
}

/** The page number in the query (1 when absent or nonsense). */
export const pageOf = (req: Request) => Math.max(1, Number.parseInt(trimmed(req.query.page), 10) || 1)

/** Links of the queue page: previous and next page, the two exports, all under the same filter. */
export function queueLinks(base: string, f: QueueFilter, result: { page: number; pages: number }) {
  return {
    prevHref: result.page > 1 ? `${base}?${queueQueryString(f, { page: String(result.page - 1) })}` : '',
    nextHref:
      result.page < result.pages ? `${base}?${queueQueryString(f, { page: String(result.page + 1) })}` : '',
    csvHref: `${base}/export.csv?${queueQueryString(f)}`,
    xlsxHref: `${base}/export.xlsx?${queueQueryString(f)}`,
  }
}
