import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { Services } from '../services'

const DB_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  '57P01',
  '57P03',
  '08006',
  '08001',
])

export function isDatabaseDown(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const e = err as { code?: string; message?: string; errors?: unknown[] }
  if (e.code && DB_DOWN_CODES.has(e.code)) return true
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseDown)) return true
  return /Knex: Timeout acquiring a connection|Connection terminated|connect ECONNREFUSED/.test(
    e.message ?? '',
  )
}

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).render('pages/errors/404.njk')
}

// Never a stack trace: a Chinese page, and the details only in the log.
export function errorHandler(services: Services): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (isDatabaseDown(err)) {
      services.logger.error({ err, url: req.originalUrl }, 'database unavailable')
      res.status(503).set('Retry-After', '30')
      return renderSafely(res, 'pages/errors/503.njk', '系统暂时无法访问数据库，请稍后再试。')
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500
    if (status === 500) services.logger.error({ err, url: req.originalUrl }, 'request failed')
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
