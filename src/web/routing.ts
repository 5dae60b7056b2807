import type { RequestHandler, Router } from 'express'

// Most module routers are mounted at '/' and declare paths under several prefixes (/login and
// /staff/login, /register and /account/...), so Express would try every one of them, route by
// route, for every request: about 150 path matches before the wizard's. byPrefix lets a request
// into a router only when the first segment of its path is one the router declares, read from the
// router itself; whatever the router could match still reaches it unchanged.

interface Layer {
  rawPath?: unknown
  route?: unknown
  handle?: { stack?: Layer[] }
}

/** A first segment Express matches literally (no parameter, wildcard, group or escape). */
const LITERAL = /^[A-Za-z0-9._~-]*$/

/**
 * Adds to `out` the first path segments (lower case; '' for '/') under which a layer of `stack`
 * can match; false when one could match any path (a parameter first, a regular expression, a
 * middleware at '/'), and then the router must be tried for every request.
 */
function firstSegments(stack: Layer[], out: Set<string>): boolean {
  for (const layer of stack) {
    const raw = layer.rawPath
    for (const path of Array.isArray(raw) ? raw : [raw]) {
      if (typeof path !== 'string' || !path.startsWith('/')) return false
      const segment = path.split('/')[1]
      if (!LITERAL.test(segment)) return false
      if (segment === '' && !layer.route) {
        // a middleware or a nested router at '/': only a router's own paths can say where it matches
        if (!layer.handle?.stack || !firstSegments(layer.handle.stack, out)) return false
      } else out.add(segment.toLowerCase())
    }
  }
  return true
}

/** The first segment of a request path, as the router's case-insensitive matching compares it. */
function firstSegmentOf(path: string): string {
  const end = path.indexOf('/', 1)
  return (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase()
}

/**
 * `router`, entered only by requests whose path starts with a segment it declares (the router
 * itself when it could match anything). Its stack stays readable for the route listings of the
 * tests (test/helpers/routeSweep.ts).
 */
export function byPrefix(router: Router): RequestHandler {
  const segments = new Set<string>()
  if (!firstSegments(router.stack as Layer[], segments)) return router
  const guard: RequestHandler = (req, res, next) => {
    const path = req.path
    if (typeof path === 'string' && path.startsWith('/') && !segments.has(firstSegmentOf(path))) return next()
    return router(req, res, next)
  }
  return Object.assign(guard, { stack: router.stack })
}
