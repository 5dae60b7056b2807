import { Router } from 'express'
import type { Services } from '../../services'
import { handler } from '../../web/async'
import { textBlocks } from '../../web/texts'
import { contactAuthorities } from '../bureau/service'
import { MUST_READ_TITLE as CERTIFICATION_MUST_READ } from '../certification/messages'
import { MUST_READ_TITLE as REGISTRATION_MUST_READ } from '../registration/messages'
import { getSettings, textOf } from '../staff/settings'
import { NO_EMAIL, NO_PHONE, TITLE } from './messages'

// 咨询服务 (manual 001 §4), open to anyone: the national site carries it in its navigation and foot.
// The bureau's e-mail, telephone and hours come from 系统设置; each section's text is the
// administrator's, else the manual's.

const businessesOf = (a: { registers: boolean; certifies: boolean }) =>
  [a.certifies && '教师资格认定', a.registers && '定期注册'].filter(Boolean).join('、')

export function consultationRoutes(services: Services): Router {
  const router = Router()
  router.get(
    '/consultation',
    handler(async (_req, res) => {
      const settings = await getSettings(services.db)
      const authorities = await contactAuthorities(services.db)
      res.render('pages/consultation/index.njk', {
        title: TITLE,
        settings,
        noEmail: NO_EMAIL,
        noPhone: NO_PHONE,
        faq: textBlocks(textOf(settings, 'consultationFaq')),
        email: textBlocks(textOf(settings, 'consultationEmail')),
        contacts: textBlocks(textOf(settings, 'consultationContacts')),
        manuals: textBlocks(textOf(settings, 'consultationManuals')),
        mustRead: { certification: CERTIFICATION_MUST_READ, registration: REGISTRATION_MUST_READ },
        authorities: authorities.map((a) => ({
          name: a.name,
          businesses: businessesOf(a),
          phone: a.phone,
          address: a.address,
        })),
      })
    }),
  )
  return router
}
