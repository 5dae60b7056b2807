import { csrfSync } from 'csrf-sync'
import multer from 'multer'
import type { ErrorRequestHandler, Request, RequestHandler } from 'express'

const { csrfSynchronisedProtection, generateToken, invalidCsrfTokenError, isRequestValid } = csrfSync({
  getTokenFromRequest: (req) =>
    (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
})

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024

/**
 * What the app's multipart forms need, and no more: one file each (the upload macro), a few dozen
 * short fields (the 认定 information step has the most), none longer than a 500-character note.
 * Text fields together stay within what a urlencoded form may send (200kb).
 */
export const MULTIPART_LIMITS = {
  fileSize: MAX_UPLOAD_BYTES,
  files: 1,
  fields: 60,
  fieldSize: 3 * 1024,
  parts: 61,
  fieldNameSize: 100,
} as const

const SENT_TOO_MUCH = Object.assign(new Error('multipart body over its limits'), { status: 413 })
const NO_UPLOADS_HERE = Object.assign(new Error('a file from a session that is not signed in'), {
  status: 403,
})

const REFUSE = Symbol('refuse multipart')
type Refusable = Request & { [REFUSE]?: (err: Error) => void }

/**
 * Every file is checked when its part begins, before a byte of it is kept: the fields before it
 * carry the token (every multipart form has _csrf as its first field), and only a signed-in
 * session has an upload form at all. A refused request is answered at once; multer reads the rest
 * of the body and throws it away.
 */
const multipart = multer({
  storage: multer.memoryStorage(),
  limits: MULTIPART_LIMITS,
  fileFilter: (req, _file, cb) => {
    const refusal = !isRequestValid(req)
      ? invalidCsrfTokenError
      : !req.session?.realm
        ? NO_UPLOADS_HERE
        : null
    if (!refusal) return cb(null, true)
    ;(req as Refusable)[REFUSE]?.(refusal)
    cb(refusal)
  },
}).any()

// Multipart bodies are parsed for every route alike, so the token inside them is checked before any
// handler runs and nothing reaches storage (or the session) when it is wrong.
export const parseMultipart: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data')) return next()
  let answered = false
  const answer = (err?: unknown) => {
    if (answered) return
    answered = true
    next(err)
  }
  // multer waits for the whole body before it passes an error on; a refusal need not.
  ;(req as Refusable)[REFUSE] = answer
  multipart(req, res, (err: unknown) => {
    if (err instanceof multer.MulterError) {
      // A photo over the limit is an everyday mistake with its own message beside the field; any
      // other limit is no form of ours, and nothing it sent is kept.
      if (err.code !== 'LIMIT_FILE_SIZE') return answer(SENT_TOO_MUCH)
      res.locals.uploadError = '文件过大，请上传不超过10MB的图片'
      req.body ??= {}
      return answer()
    }
    answer(err)
  })
}

export const csrfProtection: RequestHandler = csrfSynchronisedProtection

/**
 * The page's token, written into the session only when a template prints it (a form): a page
 * without a form leaves an anonymous visitor without a session row.
 */
class LazyToken {
  constructor(private readonly req: Request) {}
  toString(): string {
    return generateToken(this.req)
  }
}

export const csrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = new LazyToken(req)
  next()
}

export const csrfErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (err !== invalidCsrfTokenError) return next(err)
  res.status(403).render('pages/errors/csrf.njk')
}
