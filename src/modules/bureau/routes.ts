import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { rolesFor } from '../../domain/roles'
import { shanghaiDateTime } from '../../domain/time'
import {
  BUSINESSES,
  DEFAULT_QUALIFICATION_TYPES,
  isBusiness,
  isWindowOpen,
  LEVEL_LABELS,
  LEVEL_OF_REGION,
  type Business,
} from '../../domain/windows'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate, type FieldErrors } from '../../web/forms'
import * as repo from './repository'
import {
  authoritiesFor,
  changePointSchools,
  pointsFor,
  removeWindow,
  saveAuthority,
  savePoint,
  saveWindow,
  suggestedWindow,
  windowFor,
} from './service'
import {
  authoritySchema,
  checkPeriod,
  checkPhone,
  formatDateTime,
  pointSchema,
  pointSchoolsSchema,
  schoolLines,
  windowSchema,
  type AuthorityForm,
  type PointForm,
  type WindowForm,
} from './schemas'
import { BUSINESS_LABELS, LOOKUPS, m, type LookupConfig } from './messages'
import { trimmed } from '../../web/values'

// Bureau set-up: the public look-ups (网报时间查询, 确认点查询) of both businesses, and the
// administrator's pages for authorities, confirmation points and online windows.

const idParam = (v: unknown): number | null => (/^\d{1,15}$/.test(String(v)) ? Number(v) : null)

const pointView = (p: repo.PointRow) => ({
  ...p,
  confirmTime:
    p.confirm_start && p.confirm_end
      ? `${shanghaiDateTime(p.confirm_start)} 至 ${shanghaiDateTime(p.confirm_end)}`
      : '请留意确认点通知',
})

export function bureauRoutes(services: Services): Router {
  const { db, clock } = services
  const deps = { db, audit: services.audit, clock, perMinute: services.perMinute }

  const router = Router()

  // ---- 网报时间查询 and 确认点查询 (no login) --------------------------------------------------------

  async function scheduleView(cfg: LookupConfig, query: Request['query']) {
    const kindParam = cfg.business === 'registration' ? 'stage' : 'type'
    const provinces = await repo.regionOptions(db, null)
    const province = provinces.some((p) => p.value === trimmed(query.province)) ? trimmed(query.province) : ''
    const cities = province ? await repo.regionOptions(db, province) : []
    const city = cities.some((c) => c.value === trimmed(query.city)) ? trimmed(query.city) : ''
    const kinds = await repo.codeOptions(db, cfg.refKind)
    const kind = kinds.some((k) => k.value === trimmed(query[kindParam])) ? trimmed(query[kindParam]) : ''
    const authorities =
      city && kind
        ? await authoritiesFor(db, {
            business: cfg.business,
            cityCode: city,
            ...(cfg.business === 'registration' ? { stage: kind } : { qualificationType: kind }),
          })
        : []
    let authority = authorities.find((a) => String(a.id) === trimmed(query.authority))
    // A sole authority is preselected.
    if (!authority && authorities.length === 1) authority = authorities[0]
    const now = clock.now()
    let result
    if (authority) {
      const window = await windowFor(db, authority.id, cfg.business, now)
      const open = isWindowOpen(window, now)
      const search = trimmed(query.q).slice(0, 50)
      const offered = window ? await pointsFor(db, authority.id, { at: now }) : []
      const points = search
        ? await repo.offeredPoints(db, { authorityId: authority.id, at: now, search })
        : offered
      const point = offered.find((p) => String(p.id) === trimmed(query.point))
      const messages = !window
        ? [m.NO_PLAN]
        : [...(open ? [] : [m.CLOSED]), ...(offered.length ? [] : [m.NO_POINT])]
      const apply =
        cfg.applyUrl && open && offered.length
          ? `${cfg.applyUrl}?${new URLSearchParams({
              province,
              city,
              [kindParam]: kind,
              authority: String(authority.id),
              ...(point ? { point: String(point.id) } : {}),
            })}`
          : null
      result = {
        authority,
        window: window && { start: shanghaiDateTime(window.start), end: shanghaiDateTime(window.end) },
        open,
        messages,
        points: points.map(pointView),
        pointOptions: offered.map((p) => ({ value: String(p.id), text: p.name })),
        point,
        search,
        apply,
      }
    }
    return {
      cfg,
      kindParam,
      provinces,
      cities,
      kinds,
      authorityOptions: authorities.map((a) => ({ value: String(a.id), text: a.name })),
      chosen: { province, city, kind, authority: authority ? String(authority.id) : '' },
      searched: !!(city && kind),
      result,
    }
  }

  for (const business of BUSINESSES) {
    const cfg = LOOKUPS[business]
    router.get(
      `${cfg.base}/schedule`,
      handler(async (req, res) => {
        res.render('pages/bureau/schedule.njk', await scheduleView(cfg, req.query))
      }),
    )
    // The home page's first links pointed here.
    router.get(`${cfg.base}/windows`, (_req, res) => res.redirect(301, `${cfg.base}/schedule`))
    router.get(
      `${cfg.base}/points`,
      handler(async (req, res) => {
        const search = trimmed(req.query.q).slice(0, 50)
        const all = req.query.all === '1'
        const rows =
          search || all
            ? await repo.offeredPoints(db, { business, at: clock.now(), search: all ? undefined : search })
            : null
        res.render('pages/bureau/points.njk', {
          cfg,
          search: all ? '' : search,
          all,
          rows: rows?.map(pointView) ?? null,
        })
      }),
    )
  }

  // ---- administrator: authorities, points, windows --------------------------------------------------

  const guard = requireStaff(...rolesFor('bureau.manage'))
  const render = (res: Response, page: string, data: Record<string, unknown>) =>
    res.render(`pages/bureau/${page}.njk`, data)
  const options = async () => ({
    stageOptions: await repo.codeOptions(db, 'teaching_stage'),
    typeOptions: await repo.codeOptions(db, 'qualification_type'),
  })
  const ADMIN = '/staff/admin/authorities'

  router.get(
    ADMIN,
    guard,
    handler(async (_req, res) => {
      const rows = await repo.listAuthorities(db)
      const { stageOptions, typeOptions } = await options()
      const names = (codes: string[], opts: { value: string; text: string }[]) =>
        opts
          .filter((o) => codes.includes(o.value))
          .map((o) => o.text)
          .join('、')
      render(res, 'authority-list', {
        rows: rows.map((r) => ({
          ...r,
          levelText: LEVEL_LABELS[r.level],
          registerText: r.registers ? names(r.stages, stageOptions) : '',
          certifyText: r.certifies ? names(r.qualification_types, typeOptions) : '',
        })),
      })
    }),
  )

  const authorityDefaults = (a?: repo.AuthorityRow): Record<string, unknown> =>
    a
      ? {
          name: a.name,
          regionCode: a.region_code,
          address: a.address ?? '',
          phone: a.phone ?? '',
          registers: a.registers ? 'yes' : '',
          stages: a.stages,
          certifies: a.certifies ? 'yes' : '',
          qualificationTypes: a.qualification_types,
          postsCertificates: a.posts_certificates ? 'yes' : '',
          certificateBureauCode: a.certificate_bureau_code ?? '',
          reminder: a.reminder ?? '',
          formDownloadEnd: a.form_download_end ?? '',
          enabled: a.enabled ? 'yes' : '',
        }
      : { enabled: 'yes', stages: [], qualificationTypes: [] }

  async function checkAuthority(body: unknown) {
    const { value, errors } = validate<AuthorityForm>(authoritySchema, body)
    const { stageOptions, typeOptions } = await options()
    const region = errors.regionCode ? undefined : await repo.regionByCode(db, value.regionCode)
    if (!errors.regionCode && (!region || !LEVEL_OF_REGION[region.level]))
      errors.regionCode = m.REGION_UNKNOWN
    checkPhone(value.phone, 'phone', errors)
    const stages = value.stages.filter((s) => stageOptions.some((o) => o.value === s))
    let types = value.qualificationTypes.filter((t) => typeOptions.some((o) => o.value === t))
    const level = region ? LEVEL_OF_REGION[region.level] : undefined
    if (!value.registers && !value.certifies) errors.registers = m.BUSINESS_REQUIRED
    if (value.registers && !stages.length) errors.stages = m.STAGES_REQUIRED
    // Nothing ticked: the usual division of work for the authority's level (REFERENCE.md).
    if (value.certifies && !types.length && level) types = DEFAULT_QUALIFICATION_TYPES[level]
    if (value.certifies && !types.length && !errors.regionCode) errors.qualificationTypes = m.TYPES_REQUIRED
    const fields: repo.AuthorityFields | undefined =
      region && level
        ? {
            name: value.name,
            region_code: region.code.trim(),
            level,
            address: value.address || null,
            phone: value.phone || null,
            registers: !!value.registers,
            stages: value.registers ? stages : [],
            certifies: !!value.certifies,
            qualification_types: value.certifies ? types : [],
            posts_certificates: !!value.postsCertificates,
            certificate_bureau_code: value.certifies ? value.certificateBureauCode || null : null,
            reminder: value.reminder || null,
            form_download_end: value.formDownloadEnd || null,
            enabled: !!value.enabled,
          }
        : undefined
    return { errors: inOrder(errors, AUTHORITY_ORDER), fields }
  }

  router.get(
    `${ADMIN}/new`,
    guard,
    handler(async (req, res) => {
      render(res, 'authority-form', {
        mode: 'create',
        form: takeForm(req, 'authorityNew', authorityDefaults()),
        ...(await options()),
      })
    }),
  )

  router.post(
    `${ADMIN}/new`,
    guard,
    handler(async (req, res) => {
      const { errors, fields } = await checkAuthority(req.body)
      if (hasErrors(errors) || !fields) return redirectWithErrors(req, res, 'authorityNew', errors, req.body)
      const outcome = await saveAuthority(deps, req.actor, null, fields)
      if (!outcome.ok)
        return redirectWithErrors(req, res, 'authorityNew', { [outcome.field]: outcome.message }, req.body)
      flash(req, 'success', `已新增机构“${fields.name}”。请为它设置确认点和网报时间。`)
      res.redirect(303, `${ADMIN}/${outcome.id}`)
    }),
  )

  router.get(
    `${ADMIN}/:id`,
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const authority = id === null ? undefined : await repo.authorityById(db, id)
      if (!authority) return next()
      const windows = await repo.windowsOf(db, authority.id)
      const now = clock.now()
      render(res, 'authority-form', {
        mode: 'edit',
        authority: { ...authority, levelText: LEVEL_LABELS[authority.level] },
        form: takeForm(req, `authority${authority.id}`, authorityDefaults(authority)),
        points: (await repo.pointsOf(db, authority.id)).map(pointView),
        windows: windows.map((w) => ({
          ...w,
          businessText: BUSINESS_LABELS[w.business],
          startText: shanghaiDateTime(w.start),
          endText: shanghaiDateTime(w.end),
          state: isWindowOpen(w, now) ? '进行中' : w.start > now ? '未开始' : '已结束',
        })),
        ...(await options()),
      })
    }),
  )

  router.post(
    `${ADMIN}/:id`,
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      if (id === null || !(await repo.authorityById(db, id))) return next()
      const formKey = `authority${id}`
      const { errors, fields } = await checkAuthority(req.body)
      if (hasErrors(errors) || !fields) return redirectWithErrors(req, res, formKey, errors, req.body)
      const outcome = await saveAuthority(deps, req.actor, id, fields)
      if (!outcome.ok)
        return redirectWithErrors(req, res, formKey, { [outcome.field]: outcome.message }, req.body)
      flash(
        req,
        'success',
        fields.enabled ? '机构信息已保存。' : '机构信息已保存；该机构已停用，申请人查询和报名时不再显示。',
      )
      res.redirect(303, `${ADMIN}/${id}`)
    }),
  )

  // ---- points ----

  const pointDefaults = (p?: repo.PointRow): Record<string, unknown> =>
    p
      ? {
          name: p.name,
          scope: p.scope,
          freeSchools: p.free_schools.join('\n'),
          address: p.address ?? '',
          phone: p.phone ?? '',
          confirmStart: formatDateTime(p.confirm_start),
          confirmEnd: formatDateTime(p.confirm_end),
          capacityPerDay: p.capacity_per_day ?? '',
          enabled: p.enabled ? 'yes' : '',
        }
      : { enabled: 'yes' }

  function checkPoint(body: unknown, authorityId: number) {
    const { value, errors } = validate<PointForm>(pointSchema, body)
    checkPhone(value.phone, 'phone', errors)
    const { start, end } = checkPeriod(
      { start: value.confirmStart, end: value.confirmEnd },
      errors,
      { start: 'confirmStart', end: 'confirmEnd' },
      { required: false, endMessage: m.CONFIRM_END_BEFORE_START },
    )
    const fields: repo.PointFields = {
      authority_id: authorityId,
      name: value.name,
      scope: value.scope,
      free_schools: schoolLines(value.freeSchools ?? ''),
      address: value.address || null,
      phone: value.phone || null,
      confirm_start: start,
      confirm_end: end,
      capacity_per_day: value.capacityPerDay ?? null,
      enabled: !!value.enabled,
    }
    return { errors: inOrder(errors, POINT_ORDER), fields }
  }

  router.get(
    `${ADMIN}/:id/points/new`,
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const authority = id === null ? undefined : await repo.authorityById(db, id)
      if (!authority) return next()
      render(res, 'point-form', {
        mode: 'create',
        authority,
        form: takeForm(req, `pointNew${id}`, pointDefaults()),
      })
    }),
  )

  router.post(
    `${ADMIN}/:id/points/new`,
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      if (id === null || !(await repo.authorityById(db, id))) return next()
      const { errors, fields } = checkPoint(req.body, id)
      if (hasErrors(errors)) return redirectWithErrors(req, res, `pointNew${id}`, errors, req.body)
      const outcome = await savePoint(deps, req.actor, null, fields)
      if (!outcome.ok)
        return redirectWithErrors(req, res, `pointNew${id}`, { [outcome.field]: outcome.message }, req.body)
      flash(
        req,
        'success',
        `已新增确认点“${fields.name}”。可在下方添加它覆盖的学校；为它分配现场确认人员后，申请人才能选择。`,
      )
      res.redirect(303, `/staff/admin/points/${outcome.id}`)
    }),
  )

  router.get(
    '/staff/admin/points/:id',
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const point = id === null ? undefined : await repo.pointById(db, id)
      if (!point) return next()
      const authority = await repo.authorityById(db, point.authority_id)
      const schoolQ = trimmed(req.query.schoolQ).slice(0, 50)
      const schools = await repo.schoolsOfPoint(db, point.id)
      const found = schoolQ ? await repo.searchSchools(db, schoolQ) : null
      render(res, 'point-form', {
        mode: 'edit',
        authority,
        point: pointView(point),
        form: takeForm(req, `point${id}`, pointDefaults(point)),
        schools,
        schoolQ,
        found: found?.map((s) => ({ ...s, linked: schools.some((x) => x.id === s.id) })),
      })
    }),
  )

  router.post(
    '/staff/admin/points/:id',
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const point = id === null ? undefined : await repo.pointById(db, id)
      if (!point) return next()
      const { errors, fields } = checkPoint(req.body, point.authority_id)
      if (hasErrors(errors)) return redirectWithErrors(req, res, `point${id}`, errors, req.body)
      const outcome = await savePoint(deps, req.actor, point.id, fields)
      if (!outcome.ok)
        return redirectWithErrors(req, res, `point${id}`, { [outcome.field]: outcome.message }, req.body)
      flash(req, 'success', '确认点信息已保存。')
      res.redirect(303, `/staff/admin/points/${point.id}`)
    }),
  )

  router.post(
    '/staff/admin/points/:id/schools',
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const point = id === null ? undefined : await repo.pointById(db, id)
      if (!point) return next()
      const { value, errors } = validate<{ add: number[]; remove: number[] }>(pointSchoolsSchema, req.body)
      if (hasErrors(errors)) {
        flash(req, 'error', '请选择要添加或移除的学校。')
        return res.redirect(303, `/staff/admin/points/${point.id}`)
      }
      const done = await changePointSchools(deps, req.actor, point.id, value)
      flash(req, 'success', `已添加${done.added}所、移除${done.removed}所学校。`)
      const back = trimmed(req.body.schoolQ)
      res.redirect(
        303,
        `/staff/admin/points/${point.id}${back ? `?schoolQ=${encodeURIComponent(back)}` : ''}`,
      )
    }),
  )

  // ---- windows ----

  async function checkWindow(body: unknown) {
    const { value, errors } = validate<WindowForm>(windowSchema, body)
    const { start, end } = checkPeriod(
      value,
      errors,
      { start: 'start', end: 'end' },
      {
        required: true,
        endMessage: m.END_BEFORE_START,
      },
    )
    return { value, errors, start, end }
  }

  router.get(
    `${ADMIN}/:id/windows/new`,
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const authority = id === null ? undefined : await repo.authorityById(db, id)
      if (!authority) return next()
      const business: Business = isBusiness(req.query.business)
        ? req.query.business
        : authority.registers
          ? 'registration'
          : 'certification'
      const suggested = await suggestedWindow(db, business, clock.now())
      render(res, 'window-form', {
        mode: 'create',
        authority,
        businessOptions: businessOptions(authority),
        form: takeForm(req, `windowNew${id}`, {
          business,
          start: formatDateTime(suggested?.start),
          end: formatDateTime(suggested?.end),
        }),
      })
    }),
  )

  router.post(
    `${ADMIN}/:id/windows/new`,
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const authority = id === null ? undefined : await repo.authorityById(db, id)
      if (!authority) return next()
      const { value, errors, start, end } = await checkWindow(req.body)
      if (!errors.business && !businessOptions(authority).some((o) => o.value === value.business))
        errors.business = '该机构未开展这项业务，请先在机构信息中勾选'
      if (hasErrors(errors) || !start || !end)
        return redirectWithErrors(req, res, `windowNew${id}`, errors, req.body)
      const outcome = await saveWindow(deps, req.actor, null, {
        authorityId: authority.id,
        business: value.business,
        start,
        end,
      })
      if (!outcome.ok)
        return redirectWithErrors(req, res, `windowNew${id}`, { [outcome.field]: outcome.message }, req.body)
      flash(req, 'success', `已新增${BUSINESS_LABELS[value.business]}网报时间。`)
      res.redirect(303, `${ADMIN}/${authority.id}`)
    }),
  )

  router.get(
    '/staff/admin/windows/:id',
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const window = id === null ? undefined : await repo.windowById(db, id)
      if (!window) return next()
      const authority = await repo.authorityById(db, window.authority_id)
      render(res, 'window-form', {
        mode: 'edit',
        authority,
        window: { ...window, businessText: BUSINESS_LABELS[window.business] },
        businessOptions: businessOptions(authority!),
        form: takeForm(req, `window${id}`, {
          business: window.business,
          start: formatDateTime(window.start),
          end: formatDateTime(window.end),
        }),
      })
    }),
  )

  router.post(
    '/staff/admin/windows/:id',
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const window = id === null ? undefined : await repo.windowById(db, id)
      if (!window) return next()
      // The business of a window does not change; a different business is a new window.
      const { errors, start, end } = await checkWindow({ ...req.body, business: window.business })
      if (hasErrors(errors) || !start || !end)
        return redirectWithErrors(req, res, `window${id}`, errors, req.body)
      const outcome = await saveWindow(deps, req.actor, window.id, {
        authorityId: window.authority_id,
        business: window.business,
        start,
        end,
      })
      if (!outcome.ok)
        return redirectWithErrors(req, res, `window${id}`, { [outcome.field]: outcome.message }, req.body)
      flash(req, 'success', '网报时间已保存。')
      res.redirect(303, `${ADMIN}/${window.authority_id}`)
    }),
  )

  router.post(
    '/staff/admin/windows/:id/delete',
    guard,
    handler(async (req, res, next) => {
      const id = idParam(req.params.id)
      const window = id === null ? undefined : await repo.windowById(db, id)
      if (!window) return next()
      await removeWindow(deps, req.actor, window.id)
      flash(req, 'success', '网报时间已删除。')
      res.redirect(303, `${ADMIN}/${window.authority_id}`)
    }),
  )

  return router
}

function businessOptions(a: repo.AuthorityRow) {
  return BUSINESSES.filter((b) => (b === 'registration' ? a.registers : a.certifies)).map((b) => ({
    value: b,
    text: BUSINESS_LABELS[b],
  }))
}

const AUTHORITY_ORDER = [
  'name',
  'regionCode',
  'address',
  'phone',
  'registers',
  'stages',
  'certifies',
  'qualificationTypes',
  'postsCertificates',
  'certificateBureauCode',
  'reminder',
  'formDownloadEnd',
]
const POINT_ORDER = [
  'name',
  'scope',
  'freeSchools',
  'address',
  'phone',
  'confirmStart',
  'confirmEnd',
  'capacityPerDay',
]

/** The errors in the order the fields appear, so the summary at the top reads like the form. */
function inOrder(errors: FieldErrors, order: string[]): FieldErrors {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length)
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)))
}
