import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { Services } from '../services'

/**
 * A database failure that means the server is not there (stopped, restarting, unreachable), as one
 * error: the session store hands this to express-session instead of the driver's own error, whose
 * code may be ENOENT (a stopped server's Unix socket is gone), which express-session takes for "no
 * such session" and answers with a new, empty one: everyone would be logged out by an outage.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'EDBUNAVAILABLE'
  constructor(cause: unknown) {
    super('database unavailable', { cause })
  }
}

// Failures to reach the server at all, over TCP or its Unix socket.
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
])
// PostgreSQL's own: class 08 (connection exception), 57P01–57P03 (shut down, crashed, starting up).
const POSTGRES_DOWN = /^(08...|57P0[123])$/
// The pools' and the driver's words for the same, which carry no code.
const DOWN_MESSAGES =
  /Knex: Timeout acquiring a connection|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/

/** Whether an error means the database is unreachable: the one place that decides the 503 page. */
export function isDatabaseDown(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  if (err instanceof DatabaseUnavailableError) return true
  const e = err as { code?: unknown; syscall?: unknown; message?: unknown; errors?: unknown; cause?: unknown }
  if (typeof e.code === 'string') {
    if (CONNECT_CODES.has(e.code) || POSTGRES_DOWN.test(e.code)) return true
    // A Unix socket that is not there: the server is stopped (ENOENT from a file read is not this).
    if (e.code === 'ENOENT' && e.syscall === 'connect') return true
  }
  if (typeof e.message === 'string' && DOWN_MESSAGES.test(e.message)) return true
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseDown)) return true
  return e.cause !== err && isDatabaseDown(e.cause)
}

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).render('pages/errors/404.njk')
}

// Never a stack trace: a Chinese page, and the details only in the log.
export function errorHandler(services: Services): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (isDatabaseDown(err)) {
      const cause = err instanceof DatabaseUnavailableError ? err.cause : err
      services.logger.error({ err: cause, url: req.originalUrl }, 'database unavailable')
      // A failure after the answer went out (express-session's save at its end) has no page of its own.
      if (res.headersSent) return
      // The session stays as the database last had it: not saved by this answer, its cookie not sent.
      ;(req as { session?: unknown }).session = undefined
      res.status(503).set('Retry-After', '30')
      return renderSafely(res, 'pages/errors/503.njk', '系统暂时无法访问数据库，请稍后再试。')
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500
    if (status === 500) services.logger.error({ err, url: req.originalUrl }, 'request failed')
    if (res.headersSent) return
    res.status(status)
    if (status === 413) return renderSafely(res, 'pages/errors/500.njk', '提交的内容过大。')
    if (status >= 400 && status < 500 && status !== 404)
      return renderSafely(res, 'pages/errors/500.njk', '请求无法处理，请返回上一页重试。')
    if (status === 404) return renderSafely(res, 'pages/errors/404.njk', '页面不存在。')
    renderSafely(res, 'pages/errors/500.njk', '系统出现错误，请稍后再试。')
  }
}

function renderSafely(res: Parameters<ErrorRequestHandler>[2], view: string, fallback: string) {
  res.render(view, (renderErr: Error | null, html?: string) => {
    if (renderErr || !html) return res.type('text/plain; charset=utf-8').send(fallback)
    res.type('html').send(html)
  })
}
