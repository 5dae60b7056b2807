import connectPgSimple from 'connect-pg-simple'
import session from 'express-session'
import type { RequestHandler } from 'express'
import type { Services } from '../services'
import { shanghaiTime } from '../domain/time'

declare module 'express-session' {
  interface SessionData {
    realm: 'applicant' | 'staff'
    userId: number
    startedAt: number
    lastSeenAt: number
    captcha: string
    returnTo: string | undefined
    flash: { kind: 'info' | 'success' | 'error'; text: string }[]
    forms: Record<string, { errors: Record<string, string>; values: Record<string, unknown> }>
    wizards: Record<string, unknown>
    [key: string]: unknown
  }
}

export const IDLE_MINUTES = { applicant: 30, staff: 15 } as const
export const ABSOLUTE_HOURS = 8

export function sessionMiddleware(services: Services): RequestHandler {
  const PgStore = connectPgSimple(session)
  return session({
    name: 'jszg.sid',
    store: new PgStore({
      pool: services.sessionPool,
      tableName: 'session',
      pruneSessionInterval: services.config.env === 'test' ? false : 15 * 60,
      errorLog: (...args: unknown[]) => services.logger.warn({ args: args.map(String) }, 'session store'),
      // Expiry is ours (idle + absolute, see sessionTimeouts); a touch per request would be a write per request.
      disableTouch: true,
    }),
    secret: services.config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: services.config.publicUrl.startsWith('https://'),
      maxAge: ABSOLUTE_HOURS * 3600_000,
    },
  })
}

/** When the signed-in session ends: the earlier of the idle and the absolute limit. */
export function sessionEndsAt(s: {
  realm?: 'applicant' | 'staff'
  startedAt?: number
  lastSeenAt?: number
}): number | null {
  if (!s.realm || !s.startedAt || !s.lastSeenAt) return null
  return Math.min(s.lastSeenAt + IDLE_MINUTES[s.realm] * 60_000, s.startedAt + ABSOLUTE_HOURS * 3600_000)
}

// Idle and absolute timeouts use the injected clock so tests can move time.
export function sessionTimeouts(services: Services): RequestHandler {
  return (req, res, next) => {
    const s = req.session
    if (!s.realm) return next()
    const now = services.clock.now().getTime()
    const endsAt = sessionEndsAt(s)
    if (endsAt !== null && now >= endsAt) {
      const realm = s.realm
      return req.session.regenerate((err) => {
        if (err) return next(err)
        req.session.flash = [{ kind: 'info', text: '您长时间未操作，会话已过期，请重新登录。' }]
        // A form posted after expiry carries the old session's token: send the person to log in
        // rather than to a CSRF error.
        res.redirect(303, realm === 'staff' ? '/staff/login' : '/login')
      })
    }
    // Touching the session rewrites its row; once a minute is precise enough for minute-level expiry.
    if (now - (s.lastSeenAt ?? 0) >= 60_000) s.lastSeenAt = now
    res.locals.sessionEndsAt = shanghaiTime(new Date(sessionEndsAt(s)!))
    next()
  }
}
