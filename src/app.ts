import express from 'express'
import helmet from 'helmet'
import type { Services } from './services'
import { publicDir } from './paths'
import { configureViews } from './web/views'
import { byPrefix } from './web/routing'
import { requestLogger } from './services/logger'
import { saveBeforeSend, sessionMiddleware, sessionTimeouts } from './middleware/session'
import { inputBoundary, parseQuery } from './middleware/input'
import { csrfErrorHandler, csrfProtection, csrfToken, parseMultipart } from './middleware/csrf'
import { loadCurrentUser } from './middleware/auth'
import { requestActor } from './middleware/actor'
import { locals } from './middleware/locals'
import { displayMode } from './middleware/display'
import { displayRoutes } from './modules/display/routes'
import { heldFormRoutes } from './modules/heldForms/routes'
import { errorHandler, notFound } from './middleware/errors'
import { requestMetrics } from './middleware/metrics'
import { healthRoutes } from './modules/health/routes'
import { publicRoutes } from './modules/public/routes'
import { authRoutes } from './modules/auth/routes'
import { accountRoutes } from './modules/accounts/routes'
import { consultationRoutes } from './modules/consultation/routes'
import { privacyRoutes } from './modules/privacy/routes'
import { identityRoutes } from './modules/identity/routes'
import { infoRoutes } from './modules/info/routes'
import { filesRoutes } from './modules/files/routes'
import { platformRoutes } from './modules/platform/routes'
import { registrationRoutes } from './modules/registration/routes'
import { certificationRoutes } from './modules/certification/routes'
import { certificationRecordRoutes } from './modules/certification/recordRoutes'
import { certificationStaffRoutes } from './modules/certification/staffRoutes'
import { bureauRoutes } from './modules/bureau/routes'
import { bookingRoutes } from './modules/booking/routes'
import { certificationPublicRoutes } from './modules/certification/publicRoutes'
import { registrationRecordRoutes } from './modules/registration/recordRoutes'
import { registrationStaffRoutes } from './modules/registration/staffRoutes'
import { queueExportRoutes } from './modules/queueExports/routes'
import { staffRoutes } from './modules/staff/routes'
import { registriesRoutes } from './modules/registries/routes'
import { verifyRoutes } from './modules/verify/routes'
import { devRoutes } from './modules/dev/routes'
import { dashboardRoutes } from './modules/dashboard/routes'

/** Builds the whole application from its config and services; never listens (server.ts does). */
export function createApp(services: Services): express.Express {
  const { config } = services
  const app = express()
  app.disable('x-powered-by')
  // One hop: req.ip is the address the nearest proxy saw (the last X-Forwarded-For entry). Trusting
  // every hop would make it the first entry, which the client writes itself: rate limits, the audit
  // log and the /metrics allow-list could then be fooled by a forged header.
  app.set('trust proxy', config.trustProxy ? 1 : false)
  // Flat query strings only, through the input boundary (middleware/input.ts).
  app.set('query parser', parseQuery)
  configureViews(app, { watch: config.env === 'development' })
  app.use(requestMetrics(services.metrics))

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        // Bureaus often serve plain HTTP on a LAN: upgrading requests would break every page.
        directives: {
          'upgrade-insecure-requests': null,
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'"],
        },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https://'),
    }),
  )
  if (config.logLevel !== 'silent') app.use(requestLogger(services.logger))
  app.use('/public', express.static(publicDir, { maxAge: config.env === 'production' ? '7d' : 0 }))
  app.use(byPrefix(healthRoutes(services)))
  // No icon, and no session load for a browser asking for one anyway.
  app.get('/favicon.ico', (_req, res) => res.status(204).set('Cache-Control', 'max-age=86400').end())
  // 大字模式: a cookie of its own, read before the session so every page (an outage's too) has it.
  app.use(displayMode)
  app.use(byPrefix(displayRoutes(services)))

  app.use(express.urlencoded({ extended: true, limit: '200kb', parameterLimit: 500 }))
  app.use(inputBoundary)
  app.use(sessionMiddleware(services))
  app.use(saveBeforeSend)
  app.use(sessionTimeouts(services))
  app.use(parseMultipart)
  app.use(inputBoundary)
  app.use(csrfProtection)
  app.use(csrfToken)
  app.use(loadCurrentUser(services))
  app.use(requestActor)
  app.use(locals(services))

  app.use(byPrefix(publicRoutes(services)))
  app.use(byPrefix(verifyRoutes(services)))
  app.use(byPrefix(authRoutes(services)))
  app.use(byPrefix(heldFormRoutes(services)))
  app.use(byPrefix(accountRoutes(services)))
  app.use(byPrefix(consultationRoutes(services)))
  app.use(byPrefix(privacyRoutes(services)))
  app.use(byPrefix(identityRoutes(services)))
  app.use(byPrefix(registriesRoutes(services)))
  app.use(byPrefix(infoRoutes(services)))
  app.use(byPrefix(filesRoutes(services)))
  app.use(byPrefix(platformRoutes(services)))
  app.use(byPrefix(registrationRecordRoutes(services)))
  app.use(byPrefix(bureauRoutes(services)))
  app.use(byPrefix(bookingRoutes(services)))
  app.use(byPrefix(certificationPublicRoutes(services)))
  app.use(byPrefix(registrationRoutes(services)))
  app.use(byPrefix(certificationRecordRoutes(services)))
  app.use(byPrefix(certificationRoutes(services)))
  app.use('/staff/certifications', certificationStaffRoutes(services))
  app.use('/staff/registrations', registrationStaffRoutes(services))
  app.use('/staff/dashboard', dashboardRoutes(services))
  app.use(byPrefix(queueExportRoutes(services)))
  app.use('/staff', staffRoutes(services))
  if (config.env !== 'production') app.use('/dev', devRoutes(services))

  app.use(notFound)
  app.use(csrfErrorHandler)
  app.use(errorHandler(services))
  return app
}
