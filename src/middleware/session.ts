import connectPgSimple from 'connect-pg-simple'
import session from 'express-session'
import type { Request, RequestHandler } from 'express'
import type { Pool } from 'pg'
import type { Services } from '../services'
import { shanghaiTime } from '../domain/time'
import { DatabaseUnavailableError, isDatabaseDown } from './errors'
import { sessionWithApplicant } from './sessionRepository'
import { formToHold, MESSAGES as HELD, RESUME_PATHS } from '../modules/heldForms/held'

declare module 'express-session' {
  interface SessionData {
    realm: 'applicant' | 'staff'
    userId: number
    startedAt: number
    lastSeenAt: number
    captcha: string
    returnTo: string | undefined
    /** the agreement version the applicant must agree to before going on (found at login) */
    agreementDue: number
    flash: { kind: 'info' | 'success' | 'error'; text: string }[]
    forms: Record<string, { errors: Record<string, string>; values: Record<string, unknown> }>
    wizards: Record<string, unknown>
    [key: string]: unknown
  }
}

export const IDLE_MINUTES = { applicant: 30, staff: 15 } as const
export const ABSOLUTE_HOURS = 8
/**
 * How long a session no one has signed in to is kept (its cookie and its row): long enough to fill
 * in the registration form and its SMS code, short enough that anonymous traffic does not pile up.
 */
export const ANONYMOUS_MINUTES = 30

/** A session becomes a signed-in one: kept for the absolute limit (sessionTimeouts ends it sooner). */
export function keepSignedIn(req: Request): void {
  req.session.cookie.maxAge = ABSOLUTE_HOURS * 3600_000
}

const PRELOADED = Symbol('preloaded applicant')

type Preloaded = { applicantId: number; row: Record<string, unknown> | null; hasApplications?: boolean }

/**
 * Whether the signed-in applicant has any application (registration or certification), as the
 * session store read it with the session; undefined when it did not. The 业务平台 skips its record
 * queries for the many who have none yet.
 */
export function preloadedHasApplications(req: Request): boolean | undefined {
  return (req as Request & { [PRELOADED]?: Preloaded })[PRELOADED]?.hasApplications
}

/** The applicant row the session store loaded with the session, when it did (see SessionStore). */
export function preloadedApplicant(
  req: Request,
  applicantId: number,
): Record<string, unknown> | null | undefined {
  const p = (req as Request & { [PRELOADED]?: Preloaded })[PRELOADED]
  return p && p.applicantId === applicantId ? p.row : undefined
}

const PgStore = connectPgSimple(session)

type Callback = (err?: unknown) => void

/**
 * The store's errors as express-session must see them: an outage as one DatabaseUnavailableError,
 * never the driver's ENOENT (a stopped server's socket), which it would take for "no such session".
 */
const storeError = (err: unknown) => (err && isDatabaseDown(err) ? new DatabaseUnavailableError(err) : err)

/**
 * connect-pg-simple, but an applicant's session is read together with the applicant's row in one
 * query: every logged-in page needs both, and a second round trip per page costs a fifth of the
 * throughput (npm run bench). The row rides along under a symbol, which express-session neither
 * copies into the session nor saves.
 *
 * During a database outage every call fails with DatabaseUnavailableError (the 503 page) and no
 * session is replaced: the cookie stays, and works again when the database is back.
 */
class SessionStore extends PgStore {
  constructor(
    private readonly pool: Pool,
    options: ConstructorParameters<typeof PgStore>[0],
  ) {
    super({ ...options, pool })
  }

  get(sid: string, fn: (err: unknown, sess?: session.SessionData | null) => void): void {
    sessionWithApplicant(this.pool, sid)
      .then((data) => {
        if (!data) return fn(null)
        const sess = (typeof data.sess === 'string' ? JSON.parse(data.sess) : data.sess) as WithPreloaded
        if (sess.realm === 'applicant' && sess.userId)
          sess[PRELOADED] = {
            applicantId: Number(sess.userId),
            row: data.applicant,
            hasApplications: data.applicant === null ? undefined : data.hasApplications,
          }
        fn(null, sess)
      })
      .catch((err: unknown) => fn(storeError(err)))
  }

  /**
   * A second save of what this request already saved is not written again. express-session tracks
   * what it saved only on the session it loaded: after regenerate (login, logout) it saves the new
   * session once more at the end of the response although saveBeforeSend already did, an extra
   * statement on every login. The cookie counts by its lifetime, not its expiry (express-session
   * moves that forward by the milliseconds since, just before its own save).
   */
  set(sid: string, sess: session.SessionData, fn?: Callback): void {
    const marked = sess as WithSaved
    const saving = `${sid}\n${JSON.stringify(sess, (key, value) => (key === 'cookie' ? value?.originalMaxAge : value))}`
    if (marked[SAVED] === saving) return void process.nextTick(() => fn?.())
    super.set(sid, sess, (err?: unknown) => {
      if (!err) marked[SAVED] = saving
      fn?.(storeError(err))
    })
  }

  destroy(sid: string, fn?: Callback): void {
    super.destroy(sid, (err?: unknown) => fn?.(storeError(err)))
  }

  /** express-session's own regenerate issues the new session even when the old one could not be destroyed. */
  regenerate(req: Request, fn: Callback): void {
    this.destroy(req.sessionID, (err) => {
      if (err) return fn(err)
      // express-session puts generate on the store it is given.
      ;(this as unknown as { generate(req: Request): void }).generate(req)
      fn()
    })
  }

  createSession(req: Request, sess: session.SessionData): session.Session & session.SessionData {
    const preloaded = (sess as WithPreloaded)[PRELOADED]
    const created = super.createSession(req, sess)
    if (preloaded) (req as Request & { [PRELOADED]?: Preloaded })[PRELOADED] = preloaded
    return created
  }
}

type WithPreloaded = session.SessionData & { [PRELOADED]?: Preloaded }

/** What the store last wrote for this session object (its id and content), under a symbol JSON leaves out. */
const SAVED = Symbol('saved as')
type WithSaved = session.SessionData & { [SAVED]?: string }

export function sessionMiddleware(services: Services): RequestHandler {
  const store = new SessionStore(services.sessionPool, {
    tableName: 'session',
    pruneSessionInterval: services.config.env === 'test' ? false : 15 * 60,
    errorLog: (...args: unknown[]) => services.logger.warn({ args: args.map(String) }, 'session store'),
    // Expiry is ours (idle + absolute, see sessionTimeouts); a touch per request would be a write per request.
    disableTouch: true,
  })
  // With no touch at all, express-session sends an unchanged session's response in one write; a
  // store that has touch (even a disabled one) makes it hold back the last byte until the touch
  // calls back, two socket writes per response.
  Object.defineProperty(store, 'touch', { value: undefined })
  return session({
    name: 'jszg.sid',
    store,
    secret: services.config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: services.config.publicUrl.startsWith('https://'),
      // Lengthened by keepSignedIn at login; express-session writes each save's row expiry from it.
      maxAge: ANONYMOUS_MINUTES * 60_000,
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
      // A form posted into the expired session is held for its author's next login (heldForms).
      const held = formToHold(req, { realm, userId: Number(s.userId) }, now)
      return req.session.regenerate((err) => {
        if (err) return next(err)
        req.session.flash = [
          { kind: 'info', text: held ? HELD.expiredHeld : '您长时间未操作，会话已过期，请重新登录。' },
        ]
        if (held) {
          req.session.heldForm = held
          req.session.returnTo = RESUME_PATHS[realm]
        }
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

/**
 * The session's content as express-session compares it (the cookie left out). A shallow copy without
 * the cookie rather than a replacer: JSON.stringify with a replacer function calls it for every key
 * and value of the session, several times slower on a session holding a wizard's answers.
 */
const sessionHash = (req: Request) =>
  req.session ? JSON.stringify({ ...req.session, cookie: undefined }) : ''

/**
 * Saves a changed session before a redirect or a page goes out. express-session sends the headers
 * (with a new session's cookie) and all but the last byte of a response before its own save
 * finishes, so a browser could follow a 303 (login, PRG after a form), or fetch a page's CAPTCHA
 * image with the new cookie, before the session it depends on is in the database — and a session
 * id the store does not know yet gets replaced by a fresh, empty one. A page is rendered before
 * the check: printing a form's CSRF token is what gives an anonymous visitor a session (csrfToken).
 */
export const saveBeforeSend: RequestHandler = (req, res, next) => {
  const before = sessionHash(req)
  const id = req.sessionID
  const changed = () => !!req.session && (req.sessionID !== id || sessionHash(req) !== before)
  const saved = (then: () => void, fail: (err: unknown) => void) =>
    changed() ? req.session.save((err) => (err ? fail(err) : then())) : then()
  const redirect = res.redirect.bind(res) as (...args: never[]) => void
  res.redirect = ((...args: never[]) => saved(() => redirect(...args), next)) as typeof res.redirect
  const render = res.render.bind(res)
  res.render = ((view: string, options?: object | RenderCallback, callback?: RenderCallback) => {
    const done = typeof options === 'function' ? options : callback
    render(view, typeof options === 'function' ? {} : (options ?? {}), (err: Error | null, html?: string) => {
      if (err) return done ? done(err, '') : next(err)
      saved(
        () => (done ? done(null, html!) : res.send(html)),
        (saveErr) => (done ? done(saveErr as Error, '') : next(saveErr)),
      )
    })
  }) as typeof res.render
  next()
}

type RenderCallback = (err: Error | null, html: string) => void
