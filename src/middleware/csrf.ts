import { csrfSync } from 'csrf-sync'
import multer from 'multer'
import type { ErrorRequestHandler, RequestHandler } from 'express'

const { csrfSynchronisedProtection, generateToken, invalidCsrfTokenError } = csrfSync({
  getTokenFromRequest: (req) =>
    (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
})

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024

// Multipart bodies are parsed into memory for every route alike, so the token inside them is
// checked before any handler runs and nothing reaches storage when it is wrong.
const multipart = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 5, fields: 200, fieldSize: 100_000 },
}).any()

export const parseMultipart: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data')) return next()
  multipart(req, res, (err: unknown) => {
    if (err instanceof multer.MulterError) {
      res.locals.uploadError =
        err.code === 'LIMIT_FILE_SIZE'
          ? '文件过大，请上传不超过10MB的图片'
          : '上传的内容无法识别，请重新选择文件'
      req.body ??= {}
      return next()
    }
    next(err)
  })
}

export const csrfProtection: RequestHandler = csrfSynchronisedProtection

export const csrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = generateToken(req)
  next()
}

export const csrfErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (err !== invalidCsrfTokenError) return next(err)
  res.status(403).render('pages/errors/csrf.njk')
}
