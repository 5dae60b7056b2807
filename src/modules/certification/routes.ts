import { Router, type Request } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireVerified } from '../../middleware/auth'
import { certificationStatusLabel, qualificationTypeLabel } from '../../domain/certification'
import { shanghaiDateTime } from '../../domain/time'
import { handler } from '../../web/async'
import { createWizard, type WizardEngine } from '../../web/wizard/engine'
import { progressSql } from '../../web/wizard/progressRepository'
import { windowLines } from '../applications/wizardSteps'
import * as m from './messages'
import * as repo from './repository'
import { submitCertification } from './service'
import { BASE, applicantOf, certificationSteps } from './steps'
import { param } from '../../web/values'
import { bookingNote } from '../booking/service'

export const START = '/certification/start'
export const RECORDS = '/certification/records'
const CLOSED = '/certification/closed'
/** The public 网报时间查询's choice, as query parameters of 报名. */
const PREFILL = ['province', 'city', 'type', 'authority', 'point'] as const

const STEP_BAR = [
  'agreement',
  'conditions',
  'authority',
  'information',
  'commitment-scan',
  'collection',
  'resume',
  'review',
  'notices',
  'commitment',
]

/** 教师资格认定: the wizard (/certification/apply/...) and the 申报提醒 (the records: recordRoutes.ts). */
export function certificationRoutes(services: Services): Router {
  const { db, clock, bureau } = services
  const steps = certificationSteps(services)
  const titles = Object.fromEntries(steps.map((s) => [s.path, s.title]))

  // The guard asks the engine for the run in progress (it runs on requests, after this is built).
  const engine: WizardEngine = createWizard(
    {
      key: 'certification',
      basePath: BASE,
      title: m.WIZARD_TITLE,
      notice: m.NOTICE,
      steps,
      stepBar: STEP_BAR.map((s) => ({ label: titles[s], steps: [s] })),
      prefill: (req) => {
        const q = req.query as Record<string, unknown>
        if (!PREFILL.some((k) => typeof q[k] === 'string')) return null
        return {
          conditions: { examRoute: 'non_national', qualificationType: param(q.type) },
          authority: {
            provinceCode: param(q.province),
            cityCode: param(q.city),
            authorityId: param(q.authority),
            pointId: param(q.point),
          },
        }
      },
      // Every page re-checks the chosen authority's window once it is chosen.
      // (read with the progress, in one statement: engine `facts`)
      facts: () =>
        bureau.certification.openWindowSql(db, progressSql('authority', 'authorityId'), clock.now()),
      guard: async (req) => {
        // The authority step itself stays open: choosing another authority is the way on.
        if (req.originalUrl.split('?')[0] === `${BASE}/authority`) return null
        const progress = await engine.progress(req)
        const authorityId = Number(progress?.values.authority?.authorityId)
        if (progress?.completed.includes('authority') && authorityId && (await engine.facts(req)) !== true)
          return `${CLOSED}?authority=${authorityId}`
        return null
      },
      async onComplete(req, values, { trx }) {
        const outcome = await submitCertification(trx, services, {
          applicant: applicantOf(req),
          actor: req.actor,
          values,
        })
        if ('errors' in outcome) return outcome
        return `${RECORDS}/${outcome.id}/reminder`
      },
      doneRedirect: async (req) => {
        const latest = await repo.latestApplication(db, Number(req.applicant!.id))
        return latest ? `${RECORDS}/${latest.id}` : '/platform'
      },
    },
    { db, clock },
  )

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

  async function recordView(req: Request) {
    const row = await repo.applicationOf(db, Number(req.params.id), Number(req.applicant!.id))
    if (!row) return undefined
    const authority = await bureau.authorityById(db, Number(row.authority_id))
    const point = await bureau.pointById(db, Number(row.point_id))
    return {
      row,
      data: row.data,
      typeText: qualificationTypeLabel(row.qualification_type),
      statusText: certificationStatusLabel(row.status),
      authority,
      point: point && {
        ...point,
        confirmTime:
          point.confirm_start && point.confirm_end
            ? `${shanghaiDateTime(point.confirm_start)} 至 ${shanghaiDateTime(point.confirm_end)}`
            : '请留意确认点通知',
      },
      collectionText: m.COLLECTION[row.collection],
      submittedAt: shanghaiDateTime(row.submitted_at),
    }
  }

  router.get(
    `${RECORDS}/:id/reminder`,
    handler(async (req, res, next) => {
      const view = await recordView(req)
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
        reminder: view.authority?.reminder
          ? view.authority.reminder.split(/\r?\n/).filter(Boolean)
          : ((await repo.settingLines(db, 'certification_reminder')) ?? m.REMINDER_DEFAULT),
      })
    }),
  )

  return router
}
