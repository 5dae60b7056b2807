import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { IMAGE_MESSAGES } from '../../domain/imageRules'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, type FieldErrors } from '../../web/formValidation'
import { receiveUpload, receivedId, uploadField, uploadError } from '../../web/uploadFields'
import {
  DEGREE_NAMES,
  DEGREE_NOTE,
  EDUCATION_CATEGORY_LABELS,
  educationFieldLabels,
  EDUCATION_LEVELS,
  MESSAGES,
  NO_DEGREE_NOTE,
} from './messages'
import { findItem, lockedIds, type InfoItemRow, type ItemKind } from './repository'
import { checkDegree, checkEducation, checkMandarin, isManualEducationCategory } from './schemas'
import { saveManualItem, type ManualItem } from './service'
import { shanghaiDate } from '../../domain/time'
import { returnKeyOf, withReturn, type ReturnKey } from './returns'

import { afterAdd, body, certLabel, PATHS, person, returnLocals, TITLES, VIEWS } from './pages'
import { idOf } from '../../web/values'

// 录入 and 修改 of the applicant's hand-entered items (with the scan for 普通话 and 学历), under the
// guard infoRoutes puts on /info.

/** The form's values for an existing item (edit page defaults). */
function itemValues(item: InfoItemRow): Record<string, unknown> {
  return { certNumber: item.cert_number, category: item.category, ...item.details }
}

export function infoItemFormRoutes(services: Services): Router {
  const router = Router()
  const { db, clock } = services
  const today = () => shanghaiDate(clock.now())

  // ---------------------------------------------------------------------------------------------
  // 录入 and 修改 of hand-entered items (with the scan for 普通话 and 学历)

  const SCANS = { mandarin: 'mandarin_scan', education: 'education_scan', degree: null } as const

  function checkForm(
    kind: ItemKind,
    values: Record<string, unknown>,
  ): { errors: FieldErrors; item: ManualItem } {
    if (kind === 'mandarin') {
      const { value, errors } = checkMandarin(values, today())
      return {
        errors,
        item: {
          kind,
          certNumber: value.certNumber,
          details: { score: value.score, grade: value.grade, issuer: value.issuer, issuedOn: value.issuedOn },
        },
      }
    }
    if (kind === 'education') {
      const { value, errors } = checkEducation(values, today())
      return {
        errors,
        item: {
          kind,
          certNumber: value.certNumber,
          category: value.category,
          details: {
            school: value.school,
            major: value.major,
            level: value.level,
            graduatedOn: value.graduatedOn,
          },
        },
      }
    }
    const { value, errors } = checkDegree(values, today())
    return {
      errors,
      item: {
        kind,
        certNumber: value.certNumber,
        details: {
          degreeName: value.degreeName,
          school: value.school,
          major: value.major,
          awardedOn: value.awardedOn,
        },
      },
    }
  }

  async function renderForm(
    req: Request,
    res: Response,
    kind: ItemKind,
    opts: {
      formKey: string
      action: string
      defaults: Record<string, unknown>
      item?: InfoItemRow
      back?: ReturnKey
    },
  ) {
    const form = takeForm(req, opts.formKey, opts.defaults)
    const scanKind = SCANS[kind]
    const category = String(form.values.category ?? opts.item?.category ?? '')
    const scan = scanKind
      ? await uploadField(db, {
          field: 'scan',
          kind: scanKind,
          owner: { kind: 'applicant', id: person(req).id },
          values: form.values,
        })
      : null
    res.render(`${VIEWS}/form-${kind}.njk`, {
      ...form,
      ...returnLocals(opts.back, `/info/${PATHS[kind]}`),
      kind,
      base: `/info/${PATHS[kind]}`,
      title: TITLES[kind],
      action: withReturn(opts.action, opts.back),
      item: opts.item,
      scan: scan && kind === 'education' ? { ...scan, label: educationFieldLabels(category).scan } : scan,
      category,
      categoryLabel: EDUCATION_CATEGORY_LABELS[category as keyof typeof EDUCATION_CATEGORY_LABELS] ?? '',
      certLabel: certLabel(category),
      levelOptions: EDUCATION_LEVELS.map((l) => ({ value: l, text: l })),
      degreeOptions: DEGREE_NAMES.map((d) => ({ value: d, text: d })),
      degreeNote: DEGREE_NOTE,
      noDegreeNote: NO_DEGREE_NOTE,
      gradeShown: kind === 'mandarin' ? checkMandarin({ score: form.values.score }, today()).value.grade : '',
    })
  }

  async function handleForm(
    req: Request,
    res: Response,
    kind: ItemKind,
    formKey: string,
    item?: InfoItemRow,
  ) {
    const back = item ? undefined : returnKeyOf(req.query.return)
    const who = person(req)
    const values = body(req)
    const scanKind = SCANS[kind]
    const received = scanKind
      ? await receiveUpload(db, req, {
          field: 'scan',
          kind: scanKind,
          owner: { kind: 'applicant', id: who.id },
          now: clock.now(),
        })
      : ({ status: 'none' } as const)
    const keep = { ...values, scanFileId: receivedId(received) }
    if (scanKind && values.action === 'preview') {
      if (received.status !== 'new')
        return redirectWithErrors(
          req,
          res,
          formKey,
          { scan: uploadError(received) ?? IMAGE_MESSAGES.missing },
          keep,
        )
      flash(req, 'success', MESSAGES.scanPreviewed)
      return redirectWithErrors(req, res, formKey, {}, keep)
    }
    const { errors, item: input } = checkForm(kind, values)
    const scanError: string | undefined =
      received.status === 'refused'
        ? received.error
        : received.status === 'none' && scanKind && !item?.scan_file_id
          ? IMAGE_MESSAGES.missing
          : undefined
    if (scanError) errors.scan = scanError
    if (hasErrors(errors)) {
      if (received.status === 'new') flash(req, 'info', MESSAGES.scanKept)
      return redirectWithErrors(req, res, formKey, errors, keep)
    }
    const draftId = received.status === 'new' || received.status === 'kept' ? received.file.id : undefined
    const outcome = await saveManualItem(services, who, { ...input, draftId }, req.actor, item?.id)
    if (!outcome.ok) {
      if (outcome.field)
        return redirectWithErrors(req, res, formKey, { [outcome.field]: outcome.error }, keep)
      flash(req, 'error', outcome.error)
      return res.redirect(303, item ? `/info/${PATHS[kind]}/${item.id}` : `/info/${PATHS[kind]}`)
    }
    flash(req, 'success', MESSAGES.saved)
    afterAdd(req, res, back, `/info/${PATHS[kind]}`, { kind, id: outcome.id })
  }

  for (const kind of ['mandarin', 'education', 'degree'] as const) {
    const base = `/info/${PATHS[kind]}`
    const newKey = `info-${kind}-new`

    router.get(
      `${base}/new`,
      handler(async (req, res) => {
        const category = req.query.category
        const back = returnKeyOf(req.query.return)
        if (kind === 'education' && !isManualEducationCategory(category))
          return res.redirect(303, withReturn(`${base}/new?category=unverifiable`, back))
        await renderForm(req, res, kind, {
          formKey: newKey,
          action: kind === 'education' ? `${base}/new?category=${String(category)}` : `${base}/new`,
          defaults: kind === 'education' ? { category } : {},
          back,
        })
      }),
    )

    router.post(
      `${base}/new`,
      handler(async (req, res) => handleForm(req, res, kind, newKey)),
    )

    /** The item to edit, or why not: 404 when it is not this applicant's, a redirect when frozen. */
    async function editable(req: Request, res: Response): Promise<InfoItemRow | undefined | null> {
      const id = idOf(req.params.id)
      const item = id === null ? undefined : await findItem(db, person(req).id, kind, id)
      if (!item) return undefined
      const locked = (await lockedIds(db, item.applicant_id)).has(`${kind}:${item.id}`)
      if (locked || item.source !== 'manual') {
        flash(req, 'error', locked ? MESSAGES.locked : MESSAGES.notEditable)
        res.redirect(303, `${base}/${item.id}`)
        return null
      }
      return item
    }

    router.get(
      `${base}/:id/edit`,
      handler(async (req, res, next) => {
        const item = await editable(req, res)
        if (item === undefined) return next()
        if (item === null) return
        await renderForm(req, res, kind, {
          formKey: `info-${kind}-${item.id}`,
          action: `${base}/${item.id}/edit`,
          defaults: itemValues(item),
          item,
        })
      }),
    )

    router.post(
      `${base}/:id/edit`,
      handler(async (req, res, next) => {
        const item = await editable(req, res)
        if (item === undefined) return next()
        if (item === null) return
        await handleForm(req, res, kind, `info-${kind}-${item.id}`, item)
      }),
    )
  }

  return router
}
