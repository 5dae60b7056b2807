import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireApplicant, requireStaff, requireVerified } from '../../middleware/auth'
import { signedIn } from '../../middleware/actor'
import { DOC_TYPE_LABELS, type DocNumberViewer, type DocType } from '../../domain/idNumber'
import { IMAGE_MESSAGES } from '../../domain/imageRules'
import { rolesFor } from '../../domain/roles'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, type FieldErrors } from '../../web/forms'
import { receiveUpload, receivedId, uploadField, uploadError } from '../../web/uploads'
import {
  CERTIFICATE_NOTE,
  DEGREE_NAMES,
  DEGREE_NOTE,
  EDUCATION_CATEGORY_LABELS,
  educationFieldLabels,
  EDUCATION_LEVELS,
  EXAM_MISSING_NOTE,
  EXAM_NOTE,
  KIND_LABELS,
  MESSAGES,
  NO_DEGREE_NOTE,
  STATUS_LABELS,
} from './messages'
import {
  certificatesOf,
  countItems,
  examPassesOf,
  findItem,
  findQueueItem,
  itemsOf,
  lastSync,
  lockedIds,
  QUEUE_PAGE_SIZE,
  refNames,
  searchQueue,
  studentStatusOf,
  type InfoItemRow,
  type ItemKind,
  type Person,
  type QueueScope,
} from './repository'
import {
  checkDecision,
  checkDegree,
  checkEducation,
  checkMandarin,
  checkQueueQuery,
  checkVerify,
  isManualEducationCategory,
} from './schemas'
import {
  decideInfoItem,
  deleteInfoItem,
  saveManualItem,
  refreshCertificates,
  syncCertificates,
  syncStudentStatus,
  verifierScope,
  verifyByNumber,
  type ManualItem,
} from './service'
import { shanghaiDate } from '../../domain/time'
import { recordStaffView } from '../privacy/recordViews'
import { returnKeyOf, returnLabel, returnPath, withReturn, type ReturnKey } from './returns'

// 个人信息中心 (/info/...) for verified applicants, and the confirmation staff's 信息核验 queue
// (/staff/info-reviews). Item pages look items up by id AND the signed-in applicant, so another
// account's ids answer 404.

const VIEWS = 'pages/info'
const DECISION_FORM = 'infoDecision'

const PATHS: Record<ItemKind, string> = { mandarin: 'mandarin', education: 'education', degree: 'degrees' }
const TITLES: Record<ItemKind, string> = {
  mandarin: '普通话证书信息',
  education: '学历学籍信息',
  degree: '学位证书信息',
}

const person = (req: Request): Person => {
  const a = req.applicant!
  return { id: Number(a.id), name: a.name, doc_number: a.doc_number }
}
const idParam = (req: Request): number | null =>
  /^\d{1,15}$/.test(String(req.params.id)) ? Number(req.params.id) : null
const body = (req: Request): Record<string, unknown> => req.body ?? {}

/** Template locals of an add page opened with a return key (see returns.ts): where 返回 and the form lead. */
const returnLocals = (key: ReturnKey | undefined, base: string) => ({
  returnKey: key,
  returnLabel: key ? returnLabel(key) : '',
  /** For links and form actions: '?return=<key>' or '&return=<key>' (after another parameter), or ''. */
  returnQuery: withReturn('', key),
  returnAnd: withReturn('', key).replace('?', '&'),
  backHref: key ? returnPath(key) : base,
})

type Added = { kind: ItemKind; id: number }

/** After an item was added: back where the add began (naming the item), or to the list. */
function afterAdd(req: Request, res: Response, key: ReturnKey | undefined, base: string, added: Added) {
  if (key) flash(req, 'info', MESSAGES.returned)
  res.redirect(303, key ? returnPath(key, added) : base)
}

type Row = [label: string, value: string]

/** What the detail page and the staff screen show of an item, label by label. */
export function itemRows(item: Pick<InfoItemRow, 'kind' | 'category' | 'cert_number' | 'details'>): Row[] {
  const d = item.details
  if (item.kind === 'mandarin')
    return [
      ['证书编号', item.cert_number],
      ['分数', d.score],
      ['等级', d.grade],
      ['发证单位', d.issuer],
      ['发证日期', d.issuedOn],
    ]
  if (item.kind === 'education')
    return [
      ['学历类型', EDUCATION_CATEGORY_LABELS[item.category as keyof typeof EDUCATION_CATEGORY_LABELS] ?? ''],
      [certLabel(item.category), item.cert_number],
      ['毕业学校', d.school],
      ['所学专业', d.major],
      ['学历层次', d.level],
      ['毕业日期', d.graduatedOn],
    ]
  return [
    ['学位名称', d.degreeName],
    ['学位证书编号', item.cert_number],
    ['学位授予单位', d.school],
    ['所学专业', d.major],
    ['授予日期', d.awardedOn],
  ]
}

const certLabel = (category: string | null) => educationFieldLabels(category).certNumber

/** The form's values for an existing item (edit page defaults). */
function itemValues(item: InfoItemRow): Record<string, unknown> {
  return { certNumber: item.cert_number, category: item.category, ...item.details }
}

const statusTag = (status: string) => ({
  text: STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status,
  tone: status === 'verified' ? 'green' : status === 'rejected' ? 'red' : 'amber',
})

export function infoRoutes(services: Services): Router {
  const router = Router()
  const { db, clock } = services
  const today = () => shanghaiDate(clock.now())
  const applicantOnly = [requireApplicant, requireVerified]
  router.use('/info', ...applicantOnly)

  // ---------------------------------------------------------------------------------------------
  // Home and the read-only modules

  router.get(
    '/info',
    handler(async (req, res) => {
      const a = req.applicant!
      await refreshCertificates(services, person(req))
      const [counts, exams, certificates] = await Promise.all([
        countItems(db, a.id),
        examPassesOf(db, person(req)),
        certificatesOf(db, a.id),
      ])
      res.render(`${VIEWS}/home.njk`, {
        docTypeLabel: DOC_TYPE_LABELS[a.doc_type as DocType] ?? a.doc_type,
        modules: [
          { href: '/info/exams', title: '教师资格考试信息', count: exams.length },
          { href: '/info/mandarin', title: '普通话证书信息', count: counts.mandarin ?? 0 },
          { href: '/info/education', title: '学历学籍信息', count: counts.education ?? 0 },
          { href: '/info/degrees', title: '学位证书信息', count: counts.degree ?? 0 },
          { href: '/info/certificates', title: '教师资格证书信息', count: certificates.length },
        ],
      })
    }),
  )

  router.get(
    '/info/exams',
    handler(async (req, res) => {
      const [passes, types, subjects] = await Promise.all([
        examPassesOf(db, person(req)),
        refNames(db, 'qualification_type'),
        refNames(db, 'subject'),
      ])
      res.render(`${VIEWS}/exams.njk`, {
        passes: passes.map((p) => ({
          ...p,
          typeText: types.get(p.qualification_type) ?? p.qualification_type,
          subjectText: subjects.get(p.subject) ?? p.subject,
        })),
        note: EXAM_NOTE,
        missingNote: EXAM_MISSING_NOTE,
      })
    }),
  )

  router.get(
    '/info/certificates',
    handler(async (req, res) => {
      const who = person(req)
      await refreshCertificates(services, who)
      const [certs, syncedAt, types, subjects] = await Promise.all([
        certificatesOf(db, who.id),
        lastSync(db, who.id, 'certificates'),
        refNames(db, 'qualification_type'),
        refNames(db, 'subject_code'),
      ])
      res.render(`${VIEWS}/certificates.njk`, {
        certs: certs.map((c) => ({
          ...c,
          typeText: types.get(c.qualification_type) ?? c.qualification_type,
          subjectText: subjects.get(c.subject) ?? c.subject,
        })),
        syncedAt,
        note: CERTIFICATE_NOTE,
      })
    }),
  )

  router.post(
    '/info/certificates/sync',
    handler(async (req, res) => {
      await syncCertificates(services, person(req), req.actor)
      flash(req, 'success', MESSAGES.certificatesSynced)
      res.redirect(303, '/info/certificates')
    }),
  )

  router.post(
    '/info/education/student-status/sync',
    handler(async (req, res) => {
      const n = await syncStudentStatus(services, person(req), req.actor)
      flash(req, n ? 'success' : 'info', n ? MESSAGES.studentStatusSynced : MESSAGES.studentStatusNone)
      res.redirect(303, '/info/education')
    }),
  )

  // ---------------------------------------------------------------------------------------------
  // Lists of 普通话 / 学历 / 学位

  for (const kind of ['mandarin', 'education', 'degree'] as const) {
    const base = `/info/${PATHS[kind]}`

    router.get(
      base,
      handler(async (req, res) => {
        const who = person(req)
        const [items, locked] = await Promise.all([itemsOf(db, who.id, kind), lockedIds(db, who.id)])
        const studentStatus = kind === 'education' ? await studentStatusOf(db, who.id) : []
        res.render(`${VIEWS}/list.njk`, {
          kind,
          base,
          title: TITLES[kind],
          items: items.map((i) => ({
            ...i,
            rows: itemRows(i),
            status: statusTag(i.status),
            locked: locked.has(`${kind}:${i.id}`),
          })),
          studentStatus,
          studentSyncedAt: kind === 'education' ? await lastSync(db, who.id, 'student_status') : undefined,
          degreeNote: DEGREE_NOTE,
          noDegreeNote: NO_DEGREE_NOTE,
        })
      }),
    )

    router.get(
      `${base}/:id`,
      handler(async (req, res, next) => {
        const id = idParam(req)
        const item = id === null ? undefined : await findItem(db, person(req).id, kind, id)
        if (!item) return next()
        const locked = (await lockedIds(db, item.applicant_id)).has(`${kind}:${item.id}`)
        res.render(`${VIEWS}/item.njk`, {
          kind,
          base,
          title: TITLES[kind],
          item,
          rows: itemRows(item),
          status: statusTag(item.status),
          locked,
          editable: !locked && item.source === 'manual',
        })
      }),
    )

    router.post(
      `${base}/:id/delete`,
      handler(async (req, res, next) => {
        const id = idParam(req)
        if (id === null) return next()
        const outcome = await deleteInfoItem(services, person(req), kind, id, req.actor)
        if (!outcome.ok) {
          if (outcome.error === 'not_found') return next()
          flash(req, 'error', outcome.error)
          return res.redirect(303, `${base}/${id}`)
        }
        flash(req, 'success', MESSAGES.deleted)
        res.redirect(303, base)
      }),
    )
  }

  // ---------------------------------------------------------------------------------------------
  // 核验证书 / 核验学历 by number

  for (const kind of ['mandarin', 'education'] as const) {
    const base = `/info/${PATHS[kind]}`
    const formKey = `info-${kind}-verify`
    const label = kind === 'mandarin' ? '证书编号' : '学历证书编号'

    router.get(`${base}/verify`, (req, res) => {
      res.render(`${VIEWS}/verify.njk`, {
        ...takeForm(req, formKey),
        ...returnLocals(returnKeyOf(req.query.return), base),
        kind,
        base,
        title: TITLES[kind],
        label,
      })
    })

    router.post(
      `${base}/verify`,
      handler(async (req, res) => {
        const { value, errors } = checkVerify(body(req), label)
        if (hasErrors(errors)) return redirectWithErrors(req, res, formKey, errors, body(req))
        const outcome = await verifyByNumber(services, person(req), kind, value.certNumber, req.actor)
        if (!outcome.ok)
          return redirectWithErrors(req, res, formKey, { certNumber: outcome.error }, body(req))
        flash(req, 'success', kind === 'mandarin' ? MESSAGES.mandarinVerified : MESSAGES.educationVerified)
        afterAdd(req, res, returnKeyOf(req.query.return), base, { kind, id: outcome.id })
      }),
    )
  }

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
      const id = idParam(req)
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

  // ---------------------------------------------------------------------------------------------
  // 信息核验 (confirmation-point staff and administrators)

  const verifierOnly = requireStaff(...rolesFor('info.verify'))
  // verifierOnly has let in only holders of the permission, who always have a scope.
  const scopeOf = (req: Request): QueueScope => verifierScope(req.staff!) ?? { pointIds: [] }

  router.get(
    '/staff/info-reviews',
    verifierOnly,
    handler(async (req, res) => {
      const { value: filter } = checkQueueQuery(req.query)
      const { rows, total } = await searchQueue(db, filter, filter.page, scopeOf(req))
      const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE))
      const query = (page: number) =>
        new URLSearchParams({ kind: filter.kind, status: filter.status, page: String(page) })
      res.render(`${VIEWS}/staff-queue.njk`, {
        filter,
        // every row is in the verifier's scope (searchQueue)
        docViewer: 'scopedStaff' satisfies DocNumberViewer,
        rows: rows.map((r) => ({
          ...r,
          kindText: KIND_LABELS[r.kind],
          categoryText: r.kind === 'education' ? EDUCATION_CATEGORY_LABELS[r.category as 'hmt'] : '',
          status: statusTag(r.status),
        })),
        total,
        page: filter.page,
        pages,
        prevHref: filter.page > 1 ? `/staff/info-reviews?${query(filter.page - 1)}` : null,
        nextHref: filter.page < pages ? `/staff/info-reviews?${query(filter.page + 1)}` : null,
        kindOptions: [
          { value: 'all', text: '全部' },
          ...Object.entries(KIND_LABELS).map(([value, text]) => ({ value, text })),
        ],
        statusOptions: [
          { value: 'pending', text: '待核验' },
          { value: 'verified', text: '核验通过' },
          { value: 'rejected', text: '核验不通过' },
          { value: 'all', text: '全部' },
        ],
      })
    }),
  )

  router.get(
    '/staff/info-reviews/:id',
    verifierOnly,
    handler(async (req, res, next) => {
      const id = idParam(req)
      const item = id === null ? undefined : await findQueueItem(db, id, scopeOf(req))
      if (!item) return next()
      await recordStaffView(services, req, { applicantId: item.applicant_id, what: 'info_item' })
      res.render(`${VIEWS}/staff-item.njk`, {
        ...takeForm(req, DECISION_FORM),
        docViewer: 'scopedStaff' satisfies DocNumberViewer,
        item: {
          ...item,
          kindText: KIND_LABELS[item.kind],
          status: statusTag(item.status),
        },
        rows: itemRows(item),
        decisionOptions: [
          { value: 'pass', text: '核验通过' },
          { value: 'fail', text: '核验不通过' },
        ],
      })
    }),
  )

  router.post(
    '/staff/info-reviews/:id',
    verifierOnly,
    handler(async (req, res, next) => {
      const id = idParam(req)
      // Another point's applicant is not found, as on the detail page.
      if (id === null || !(await findQueueItem(db, id, scopeOf(req)))) return next()
      const back = `/staff/info-reviews/${id}`
      const { value, errors } = checkDecision(body(req))
      if (hasErrors(errors)) return redirectWithErrors(req, res, DECISION_FORM, errors, body(req), back)
      const outcome = await decideInfoItem(services, signedIn(req), id, value)
      if (!outcome.ok) {
        flash(req, 'error', outcome.error)
        return res.redirect(303, back)
      }
      flash(req, 'success', MESSAGES.decided)
      res.redirect(303, '/staff/info-reviews')
    }),
  )

  return router
}
