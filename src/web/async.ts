import type { NextFunction, Request, RequestHandler, Response } from 'express'

// Express 5 forwards rejected promises itself; this keeps handler types tidy in routers.
export const handler =
  (fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown> | unknown): RequestHandler =>
  (req, res, next) =>
    Promise.resolve(fn(req, res, next)).catch(next)

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown'
}
