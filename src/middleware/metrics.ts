import type { Request, RequestHandler } from 'express'
import type { Metrics } from '../services/metrics'

/** The route label of requests no route answered: static files and the 404 page of unknown addresses. */
export const NO_ROUTE = '(no route)'

/** "/staff" + "/admin/staff/:id": the pattern, never the URL (ids would make a series each). */
function pattern(baseUrl: string, path: unknown): string {
  const own = typeof path === 'string' ? path : String(path)
  return baseUrl && own === '/' ? baseUrl : baseUrl + own
}

/**
 * Counts and times every answered request by method, route pattern and status. The router sets
 * req.route when a route matches, with the mount path in req.baseUrl at that moment only (an error
 * passed on to the app's handler has it reset by then), so the label is taken as req.route is set.
 */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint()
    let route: Request['route']
    let label = NO_ROUTE
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => route,
      set(value: Request['route']) {
        route = value
        if (value) label = pattern(req.baseUrl ?? '', value.path)
      },
    })
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      metrics.request({ method: req.method, route: label, status: res.statusCode }, seconds)
    })
    next()
  }
}
