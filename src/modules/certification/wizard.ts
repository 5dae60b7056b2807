import type { Services } from '../../services'
import { createWizard, type WizardEngine } from '../../web/wizard/engine'
import { param } from '../../web/values'
import { guardFactsSql, latestApplication } from './applyService'
import * as m from './messages'
import { submitCertification } from './service'
import { certificationForm } from './form'
import { applicationOf } from './repository'
import { BASE, applicantOf, certificationSteps } from './steps'

export const RECORDS = '/certification/records'
export const CLOSED = '/certification/closed'
/** The public 网报时间查询's choice, as query parameters of 报名. */
export const PREFILL = ['province', 'city', 'type', 'authority', 'point'] as const

/** The step bar: one stage per step, titled as the step. */
export const STEP_BAR = [
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

/** The certification wizard: its step table (steps.ts), what it re-checks on every page, and the submit. */
export function certificationWizard(services: Services): {
  engine: WizardEngine
  titles: Record<string, string>
} {
  const steps = certificationSteps(services)
  const titles = Object.fromEntries(steps.map((s) => [s.path, s.title]))

  const engine = createWizard(
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
      facts: () => guardFactsSql(services),
      guard: (req, { progress, facts }) => {
        // The authority step itself stays open: choosing another authority is the way on.
        if (req.originalUrl.split('?')[0] === `${BASE}/authority`) return null
        const authorityId = Number(progress?.values.authority?.authorityId)
        if (progress?.completed.includes('authority') && authorityId && facts !== true)
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
        // the 申请表, rendered and stored as soon as the submit has committed
        certificationForm.prepare(
          req,
          services,
          () => applicationOf(services.db, outcome.id, Number(req.applicant!.id)),
          trx.executionPromise,
        )
        return `${RECORDS}/${outcome.id}/reminder`
      },
      doneRedirect: async (req) => {
        const latest = await latestApplication(services, Number(req.applicant!.id))
        return latest ? `${RECORDS}/${latest.id}` : '/platform'
      },
    },
    { db: services.db, clock: services.clock },
  )
  return { engine, titles }
}
