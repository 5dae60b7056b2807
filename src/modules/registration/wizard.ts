import type { Services } from '../../services'
import { createWizard, type WizardEngine } from '../../web/wizard/engine'
import { param } from '../../web/values'
import { activeRegistrationNow, guardFactsSql, type GuardFacts } from './applyService'
import * as m from './messages'
import { submitRegistration } from './service'
import { registrationForm } from './form'
import { registrationOf } from './repository'
import { BASE, STEP_BAR, registrationSteps } from './steps'

export const RECORDS = '/registration/records'
export const CLOSED = '/registration/closed'
/** The public 网报时间查询's choice, as query parameters of 报名. */
export const PREFILL = ['province', 'city', 'stage', 'authority', 'point'] as const

/** The registration wizard: its step table (steps.ts), what it re-checks on every page, and the submit. */
export function registrationWizard(services: Services): WizardEngine {
  return createWizard(
    {
      key: 'registration',
      basePath: BASE,
      title: m.WIZARD_TITLE,
      notice: m.NOTICE,
      steps: registrationSteps(services),
      stepBar: STEP_BAR,
      // The public 网报时间查询's choice (query parameters of 报名) pre-fills the authority step.
      prefill: (req) => {
        const q = req.query as Record<string, unknown>
        if (!PREFILL.some((k) => typeof q[k] === 'string')) return null
        return {
          authority: {
            provinceCode: param(q.province),
            cityCode: param(q.city),
            stage: param(q.stage),
            authorityId: param(q.authority),
            pointId: param(q.point),
          },
        }
      },
      // Every page re-checks: one active registration per cycle, and the chosen authority's window.
      // Both facts are read with the progress, in one statement (engine `facts`).
      facts: (req) => guardFactsSql(services, req.applicant!.id),
      guard: (req, run) => {
        const facts = run.facts as GuardFacts
        if (facts.active) return `${RECORDS}/${facts.active}`
        const { progress } = run
        const authorityId = Number(progress?.values.authority?.authorityId)
        // The authority step itself stays open: choosing another authority is the way on.
        if (req.originalUrl.split('?')[0] === `${BASE}/authority`) return null
        if (progress?.completed.includes('authority') && authorityId && !facts.windowOpen)
          return `${CLOSED}?authority=${authorityId}`
        return null
      },
      async onComplete(req, values, { trx }) {
        const outcome = await submitRegistration(trx, services, {
          applicant: req.applicant!,
          actor: req.actor,
          values,
        })
        if ('errors' in outcome) return outcome
        // the 申请表, rendered and stored as soon as the submit has committed
        if (!outcome.existing)
          registrationForm.prepare(
            req,
            services,
            () => registrationOf(services.db, outcome.id, req.applicant!.id),
            trx.executionPromise,
          )
        return outcome.existing ? `${RECORDS}/${outcome.id}` : `${RECORDS}/${outcome.id}/reminder`
      },
      doneRedirect: async (req) => {
        const active = await activeRegistrationNow(services, req.applicant!.id)
        return active ? `${RECORDS}/${active.id}` : '/platform'
      },
    },
    { db: services.db, clock: services.clock },
  )
}
