import { Router } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireVerified } from '../../middleware/auth'
import { handler } from '../../web/async'
import { windowLines } from '../applications/wizardSteps'
import * as m from './messages'
import { bookingNote } from '../booking/service'
import { reminderView } from './applyService'
import { BASE } from './steps'
import { CLOSED, PREFILL, RECORDS, STEP_BAR, certificationWizard } from './wizard'

export const START = '/certification/start'
export { RECORDS } from './wizard'

/** 教师资格认定: the wizard (/certification/apply/...) and the 申报提醒 (the records: recordRoutes.ts). */
export function certificationRoutes(services: Services): Router {
  const { db, clock, bureau } = services
  const { engine, titles } = certificationWizard(services)

  const router = Router()
  router.use(['/certification/start', BASE, RECORDS, CLOSED], requireApplicant, requireVerified)

  // 报名: a new run (the look-up's choices pre-fill it).
  router.get(START, (req, res) => res.redirect(303, engine.start(req, PREFILL)))

  router.use(engine.router)

  router.get(
    CLOSED,
    handler(async (req, res) => {
      const now = clock.now()
      const authority = await bureau.authorityById(db, Number(req.query.authority) || 0)
      const window = authority ? await bureau.certification.windowFor(db, authority.id, now) : undefined
      const said = windowLines(window, now)
      res.render('pages/registration/closed.njk', {
        pageTitle: m.WINDOW_CLOSED,
        title: window ? m.WINDOW_CLOSED : m.NO_PLAN,
        authorityLabel: '认定机构',
        authority,
        lines: window ? [said.when] : [],
        todo: said.todo,
        links: [{ text: '重新选择认定机构', href: `${BASE}/authority` }],
      })
    }),
  )

  router.get(
    `${RECORDS}/:id/reminder`,
    handler(async (req, res, next) => {
      const view = await reminderView(services, Number(req.params.id), Number(req.applicant!.id))
      if (!view) return next()
      res.set('Cache-Control', 'no-store')
      res.render('pages/certification/reminder.njk', {
        ...view,
        booking: await bookingNote(db, 'certification', view.row),
        pageTitle: `${m.STEP_TITLES.reminder} - ${m.WIZARD_TITLE}`,
        stepBar: [...STEP_BAR.map((s) => titles[s]), m.STEP_TITLES.reminder].map((label, i) => ({
          label,
          current: i === STEP_BAR.length,
          done: i < STEP_BAR.length,
        })),
      })
    }),
  )

  return router
}
