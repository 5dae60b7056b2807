import { Router } from 'express'
import type { Services } from '../../services'
import { bookingAdminRoutes } from './adminRoutes'
import { bookingApplicantRoutes } from './applicantRoutes'
import { bookingStaffRoutes } from './staffRoutes'

// 现场确认预约 (issue 18): the applicant's calendar (/booking/...), the point staff's day lists
// (/staff/booking/...) and the bureau's set-up (/staff/admin/points/:id/booking, /staff/admin/booking/...).
export function bookingRoutes(services: Services): Router {
  const router = Router()
  router.use(bookingApplicantRoutes(services))
  router.use(bookingStaffRoutes(services))
  router.use(bookingAdminRoutes(services))
  return router
}
