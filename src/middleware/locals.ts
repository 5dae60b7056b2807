import type { RequestHandler } from 'express'
import type { Services } from '../services'

// What every page's layout reads: who is signed in, flash messages, the current path.
export function locals(services: Services): RequestHandler {
  return (req, res, next) => {
    res.locals.path = req.path
    res.locals.flash = req.session.flash ?? []
    if (req.session.flash) delete req.session.flash
    res.locals.production = services.config.env === 'production'
    res.locals.now = services.clock.now()
    next()
  }
}
