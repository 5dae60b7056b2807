import type { Request } from 'express'
import type { FieldErrors } from '../formValidation'
import type { Navigation } from './navigation'
import { reviewErrors, reviewSections, type ReviewSection } from './review'
import type { Progress, Step, Values, WizardDefinition } from './types'

export const SUMMARY_TEMPLATE = 'partials/wizard/review-page.njk'

/** A page's form state as web/formValidation' takeForm gives it (the saved answers, or a refused POST's). */
export interface ShownForm {
  values: Values
  errors: FieldErrors
  errorList: { field: string; text: string }[]
}

export interface StepPage {
  template: string
  locals: Record<string, unknown>
}

/**
 * What a step's page shows: its template and locals (the form, the answers so far, the review
 * sections of a summary step, the wizard's frame — step bar, back link, action, button — and the
 * step's own beforeRender locals).
 */
export interface Rendering {
  /** The review step's sections: the steps before it the answers lead through. */
  summaryOf(req: Request, progress: Progress, step: Step): Promise<ReviewSection[]>
  /** Whether the review page finds a problem (a photo gone since) that keeps the applicant there. */
  summaryBlocks(req: Request, progress: Progress, step: Step): Promise<boolean>
  page(
    req: Request,
    opened: { progress: Progress; route: string[]; edit?: string },
    step: Step,
    form: ShownForm,
  ): Promise<StepPage>
}

export function createRendering(def: WizardDefinition, nav: Navigation): Rendering {
  function summaryOf(req: Request, progress: Progress, step: Step) {
    return reviewSections(
      req,
      nav
        .reachable(progress, req)
        .map((s) => nav.byPath.get(s)!)
        .filter((s) => def.steps.indexOf(s) < def.steps.indexOf(step)),
      progress.values,
      nav.allValues(progress),
      (s) => nav.stepUrl(s, step.path),
    )
  }

  async function page(
    req: Request,
    { progress, route, edit }: { progress: Progress; route: string[]; edit?: string },
    step: Step,
    form: ShownForm,
  ): Promise<StepPage> {
    const values = nav.allValues(progress)
    const extra = (await step.beforeRender?.(req, values, form.values)) ?? {}
    const summary = step.summary ? await summaryOf(req, progress, step) : undefined
    const found = summary ? reviewErrors(summary) : {}
    return {
      template: step.template ?? (step.summary ? SUMMARY_TEMPLATE : `pages/${def.key}/${step.path}.njk`),
      locals: {
        ...form,
        ...(Object.keys(found).length
          ? {
              errors: { ...form.errors, ...found },
              errorList: [
                ...form.errorList,
                ...Object.entries(found).map(([field, text]) => ({ field, text })),
              ],
            }
          : {}),
        answers: values,
        sections: summary,
        pageTitle: `${step.title} - ${def.title}`,
        wizard: {
          key: def.key,
          title: def.title,
          notice: def.notice,
          step: { path: step.path, title: step.title },
          stepBar: nav.stepBar(progress, req, step),
          backLink: nav.backLink(progress, route, step, edit),
          action: nav.stepUrl(step.path, edit),
          editing: !!edit,
          abandon: !!step.abandon,
          submitLabel: step.submitLabel ?? (edit ? '保存并返回确认页' : '下一步'),
        },
        ...extra,
      },
    }
  }

  return {
    summaryOf,
    summaryBlocks: async (req, progress, step) =>
      Object.keys(reviewErrors(await summaryOf(req, progress, step))).length > 0,
    page,
  }
}
