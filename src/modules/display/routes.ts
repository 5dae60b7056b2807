import { Router } from 'express'
import type { Services } from '../../services'
import { DISPLAY_COOKIE, isDisplayMode, safeLocalPath } from '../../middleware/display'

// The header's 大字模式 / 标准模式 link: a plain GET (no JavaScript, works in a text browser) that
// sets the display cookie and goes back to the page it came from. A preference, not an action on
// anyone's data, so no CSRF token; the return path is checked so the link can send no one elsewhere.

const ONE_YEAR_MS = 365 * 24 * 3600_000

export function displayRoutes(services: Services): Router {
  const router = Router()
  router.get('/display', (req, res) => {
    const mode = req.query.mode
    const back = safeLocalPath(req.query.return)
    if (isDisplayMode(mode)) {
      if (mode === 'standard') res.clearCookie(DISPLAY_COOKIE, { path: '/' })
      else
        res.cookie(DISPLAY_COOKIE, mode, {
          path: '/',
          maxAge: ONE_YEAR_MS,
          sameSite: 'lax',
          httpOnly: true,
          secure: services.config.publicUrl.startsWith('https://'),
        })
    }
    res.redirect(303, back)
  })
  return router
}
