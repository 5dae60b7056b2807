import { Router, type Request, type Response } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { can, describeGrant, rolesFor, ROLES, type Permission } from '../../domain/roles'
import { shanghaiDate } from '../../domain/time'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate, type FieldErrors } from '../../web/forms'
import {
  auditFilterSchema,
  checkNewPassword,
  checkStaffForm,
  formFromGrants,
  inFormOrder,
  holidayBulkSchema,
  holidaySchema,
  INSTANCE_ROLES,
  passwordResetSchema,
  scopeField,
  SCOPED_ROLES,
  settingsSchema,
  staffCreateSchema,
  staffUpdateSchema,
  type StaffForm,
} from './schemas'
import {
  createStaffAccount,
  findStaff,
  listStaff,
  resetStaffPassword,
  setStaffActive,
  updateStaffAccount,
  usernameTaken,
  USERNAME_TAKEN,
} from './service'
import {
  addHolidays,
  deleteHoliday,
  holidayYears,
  listHolidays,
  parseHolidayLines,
  type HolidayRow,
} from './holidays'
import {
  getSettings,
  REGISTRATION_HALF_LABELS,
  REGISTRATION_HALVES,
  saveSettings,
  settingsForm,
  withoutDefaults,
  type InstanceSettings,
} from './settings'
import { auditCsv, compactDetail, distinctActions, searchAudit, type AuditFilter } from './auditLog'
import { ACTION_LABELS, actionLabel, ACTOR_KIND_LABELS, HOLIDAY_KIND_LABELS } from './messages'
import { checkEmail } from '../../domain/password'
import { scopeChoices, unknownScopes } from '../bureau/service'

// The staff console (工作台) and the administrator's pages. /staff/login and /staff/logout live in
// the auth module; the identity review queue and registry import in the identity module.

/** What the 工作台 offers, in order; each entry shows when the staff member holds the permission. */
const CONSOLE_LINKS: { permission: Permission; href: string; title: string; text: string }[] = [
  {
    permission: 'identity.review',
    href: '/staff/identity-reviews',
    title: '实名人工审核',
    text: '处理申请人提交的实名人工审核，7个工作日内办结。',
  },
  {
    permission: 'info.verify',
    href: '/staff/info-reviews',
    title: '信息核验',
    text: '核验申请人录入的普通话证书、学历和学位信息（待核验队列）。',
  },
  {
    permission: 'confirmation.handle',
    href: '/staff/registrations',
    title: '定期注册现场确认',
    text: '本确认点的定期注册申请：核对材料，确认、确认未通过或退回修改，给申请人留言，打印申请表。',
  },
  {
    permission: 'registration.approve',
    href: '/staff/registrations',
    title: '定期注册审批',
    text: '本注册机构待注册审批的申请：注册合格、暂缓注册或注册不合格，导出名单，批量打印申请表。',
  },
  {
    permission: 'confirmation.handle',
    href: '/staff/certifications',
    title: '教师资格认定现场确认',
    text: '本确认点的认定申请：核对材料，确认通过、确认未通过或退回修改，给申请人留言，打印申请表。',
  },
  {
    permission: 'confirmation.handle',
    href: '/staff/booking',
    title: '现场确认预约',
    text: '本确认点各时段的预约名单（照片、报名号）：打印名单，标记已到、未到，调整时段；各时段预约人数和爽约率。',
  },
  {
    permission: 'certification.approve',
    href: '/staff/certifications',
    title: '教师资格认定审批',
    text: '本认定机构待审核的申请：认定通过（生成证书号码）或认定不通过，导出名单，批量打印申请表。',
  },
  {
    permission: 'identity.registry',
    href: '/staff/identity-registry',
    title: '身份信息库导入',
    text: '导入或导出实名核验使用的身份信息库（CSV）。',
  },
  {
    permission: 'registries.manage',
    href: '/staff/registries',
    title: '数据库导入导出',
    text: '考试合格证明、普通话、学历、学籍、教师资格证书及注册记录、学校名录的导入（CSV/Excel）和导出。',
  },
  {
    permission: 'dashboard.read',
    href: '/staff/dashboard',
    title: '运行概况',
    text: '今日各机构各状态的申请数、待处理事项和等待最久的一件，附图表。',
  },
  {
    permission: 'staff.manage',
    href: '/staff/admin/staff',
    title: '工作人员管理',
    text: '新增、修改、停用工作人员账号，分配角色，重置密码。',
  },
  {
    permission: 'bureau.manage',
    href: '/staff/admin/authorities',
    title: '机构与确认点',
    text: '注册机构、认定机构、确认点（确认范围、现场确认时间）和网报时间。',
  },
  {
    permission: 'holidays.manage',
    href: '/staff/admin/holidays',
    title: '节假日设置',
    text: '维护法定节假日和调休上班日，用于计算工作日期限。',
  },
  {
    permission: 'settings.manage',
    href: '/staff/admin/settings',
    title: '系统设置',
    text: '教育局名称、联系电话、咨询邮箱、平台公告等。',
  },
  {
    permission: 'audit.read',
    href: '/staff/audit',
    title: '审计日志',
    text: '查询登录、提交和工作人员操作记录，导出CSV。',
  },
]

const idParam = (req: Request): number | null =>
  /^\d{1,15}$/.test(String(req.params.id)) ? Number(req.params.id) : null

export function staffRoutes(services: Services): Router {
  const router = Router()
  const { db, audit, clock } = services
  const deps = { db, audit, passwords: services.passwords, clock }
  const guard = (permission: Permission) => requireStaff(...rolesFor(permission))
  const render = (res: Response, page: string, data: Record<string, unknown>) =>
    res.render(`pages/staff/${page}.njk`, data)

  router.get('/', requireStaff(), (req, res) => {
    const staff = req.staff!
    const scopedRoles = staff.roles.filter((r) => r.scope_type !== 'instance')
    render(res, 'home', {
      // One card per page: a clerk who also approves sees the registration queue once.
      links: CONSOLE_LINKS.filter(
        (l, i) =>
          can(staff, l.permission) &&
          !CONSOLE_LINKS.slice(0, i).some((o) => o.href === l.href && can(staff, o.permission)),
      ),
      grants: staff.roles.map(describeGrant),
      scopedRoles: scopedRoles.length > 0,
    })
  })

  // ---- 工作人员管理 ----------------------------------------------------------------------------

  const roleOptions = {
    instanceRoles: INSTANCE_ROLES.map((r) => ({ value: r, text: ROLES[r].label })),
    scopedRoles: SCOPED_ROLES.map((r) => ({
      field: scopeField(r),
      text: ROLES[r].label,
      scopeWord: ROLES[r].scope === 'point' ? '确认点' : '机构',
    })),
  }

  router.get(
    '/admin/staff',
    guard('staff.manage'),
    handler(async (req, res) => {
      const rows = await listStaff(db)
      render(res, 'staff-list', {
        rows: rows.map((r) => ({ ...r, roleText: r.grants.map(describeGrant).join('、') })),
        selfId: Number(req.staff!.id),
      })
    }),
  )

  router.get(
    '/admin/staff/new',
    guard('staff.manage'),
    handler(async (req, res) => {
      render(res, 'staff-form', {
        mode: 'create',
        form: takeForm(req, 'staffCreate', { roles: [] }),
        ...roleOptions,
        ...(await scopeChoices(db)),
      })
    }),
  )

  router.post(
    '/admin/staff/new',
    guard('staff.manage'),
    handler(async (req, res) => {
      const { value, errors } = validate<StaffForm>(staffCreateSchema, req.body)
      const grants = checkStaffForm(value, errors, { password: true })
      Object.assign(errors, await unknownScopes(db, grants, scopeField))
      // Checked here too so a taken name shows with the other errors; the unique index settles races.
      if (!errors.username && (await usernameTaken(db, value.username!))) errors.username = USERNAME_TAKEN
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'staffCreate', inFormOrder(errors), req.body)
      const outcome = await createStaffAccount(deps, req.actor, {
        username: value.username!,
        name: value.name,
        phone: value.phone,
        email: value.email,
        password: value.password!,
        grants,
      })
      if (!outcome.ok)
        return redirectWithErrors(req, res, 'staffCreate', { [outcome.field]: outcome.message }, req.body)
      flash(req, 'success', `已新增工作人员账号“${value.username}”，请将初始密码告知本人。`)
      res.redirect(303, '/staff/admin/staff')
    }),
  )

  router.get(
    '/admin/staff/:id',
    guard('staff.manage'),
    handler(async (req, res, next) => {
      const id = idParam(req)
      const account = id === null ? undefined : await findStaff(db, id)
      if (!account) return next()
      render(res, 'staff-form', {
        mode: 'edit',
        account,
        self: account.id === Number(req.staff!.id),
        form: takeForm(req, `staffEdit${id}`, {
          name: account.name,
          phone: account.phone ?? '',
          email: account.email ?? '',
          ...formFromGrants(account.grants),
        }),
        ...roleOptions,
        ...(await scopeChoices(db)),
      })
    }),
  )

  router.post(
    '/admin/staff/:id',
    guard('staff.manage'),
    handler(async (req, res, next) => {
      const id = idParam(req)
      if (id === null) return next()
      const { value, errors } = validate<StaffForm>(staffUpdateSchema, req.body)
      const grants = checkStaffForm(value, errors, { password: false })
      Object.assign(errors, await unknownScopes(db, grants, scopeField))
      const formKey = `staffEdit${id}`
      if (hasErrors(errors)) return redirectWithErrors(req, res, formKey, inFormOrder(errors), req.body)
      const outcome = await updateStaffAccount(deps, req.actor, id, {
        name: value.name,
        phone: value.phone,
        email: value.email,
        grants,
      })
      if (!outcome.ok)
        return redirectWithErrors(req, res, formKey, { [outcome.field]: outcome.message }, req.body)
      flash(req, 'success', '工作人员信息已保存。')
      res.redirect(303, '/staff/admin/staff')
    }),
  )

  for (const [path, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const)
    router.post(
      `/admin/staff/:id/${path}`,
      guard('staff.manage'),
      handler(async (req, res, next) => {
        const id = idParam(req)
        if (id === null) return next()
        const outcome = await setStaffActive(deps, req.actor, id, active)
        if (outcome.ok) flash(req, 'success', active ? '账号已启用。' : '账号已停用，该工作人员将无法登录。')
        else flash(req, 'error', outcome.message)
        res.redirect(303, `/staff/admin/staff/${id}`)
      }),
    )

  router.get(
    '/admin/staff/:id/password',
    guard('staff.manage'),
    handler(async (req, res, next) => {
      const id = idParam(req)
      const account = id === null ? undefined : await findStaff(db, id)
      if (!account) return next()
      render(res, 'staff-password', { account, form: takeForm(req, `staffPassword${id}`) })
    }),
  )

  router.post(
    '/admin/staff/:id/password',
    guard('staff.manage'),
    handler(async (req, res, next) => {
      const id = idParam(req)
      if (id === null) return next()
      const { value, errors } = validate<{ password: string; passwordConfirm: string }>(
        passwordResetSchema,
        req.body,
      )
      checkNewPassword(value, errors)
      if (hasErrors(errors)) return redirectWithErrors(req, res, `staffPassword${id}`, errors, req.body)
      const outcome = await resetStaffPassword(deps, req.actor, id, value.password)
      if (!outcome.ok) return next()
      flash(req, 'success', '密码已重置，请将新密码告知本人。')
      res.redirect(303, `/staff/admin/staff/${id}`)
    }),
  )

  // ---- 节假日设置 ------------------------------------------------------------------------------

  router.get(
    '/admin/holidays',
    guard('holidays.manage'),
    handler(async (req, res) => {
      const thisYear = Number(shanghaiDate(clock.now()).slice(0, 4))
      const asked = Number(req.query.year)
      const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear
      const years = [...new Set([...(await holidayYears(db)), thisYear, thisYear + 1, year])].sort()
      render(res, 'holidays', {
        year,
        years,
        rows: (await listHolidays(db, year)).map((r) => ({ ...r, kindText: HOLIDAY_KIND_LABELS[r.kind] })),
        form: takeForm(req, 'holidayAdd', { kind: 'holiday' }),
        bulk: takeForm(req, 'holidayBulk'),
        kinds: Object.entries(HOLIDAY_KIND_LABELS).map(([value, text]) => ({ value, text })),
      })
    }),
  )

  const holidaysPage = (day?: string) => `/staff/admin/holidays${day ? `?year=${day.slice(0, 4)}` : ''}`

  router.post(
    '/admin/holidays',
    guard('holidays.manage'),
    handler(async (req, res) => {
      const { value, errors } = validate<HolidayRow>(holidaySchema, req.body)
      if (hasErrors(errors))
        return redirectWithErrors(req, res, 'holidayAdd', errors, req.body, holidaysPage())
      await addHolidays(db, audit, req.actor, [value])
      flash(req, 'success', `已保存 ${value.day}（${HOLIDAY_KIND_LABELS[value.kind]}）。`)
      res.redirect(303, holidaysPage(value.day))
    }),
  )

  router.post(
    '/admin/holidays/bulk',
    guard('holidays.manage'),
    handler(async (req, res) => {
      const { value, errors } = validate<{ lines: string }>(holidayBulkSchema, req.body)
      const parsed = hasErrors(errors) ? { rows: [], errors: [] } : parseHolidayLines(value.lines)
      if (!hasErrors(errors) && parsed.errors.length) {
        const shown = parsed.errors.slice(0, 20).map((e) => e.message)
        if (parsed.errors.length > shown.length)
          shown.push(`另有${parsed.errors.length - shown.length}行有误`)
        errors.lines = `有${parsed.errors.length}行不正确，未导入任何日期。${shown.join('；')}`
      } else if (!hasErrors(errors) && !parsed.rows.length) errors.lines = '请填写节假日列表'
      if (hasErrors(errors))
        return redirectWithErrors(req, res, 'holidayBulk', errors, req.body, holidaysPage())
      await addHolidays(db, audit, req.actor, parsed.rows)
      flash(req, 'success', `已导入${parsed.rows.length}个日期。`)
      res.redirect(303, holidaysPage(parsed.rows[0].day))
    }),
  )

  router.post(
    '/admin/holidays/delete',
    guard('holidays.manage'),
    handler(async (req, res) => {
      const day = String(req.body?.day ?? '')
      const done = /^\d{4}-\d{2}-\d{2}$/.test(day) && (await deleteHoliday(db, audit, req.actor, day))
      flash(
        req,
        done ? 'success' : 'error',
        done ? `已删除 ${day}。` : '该日期不在节假日表中，可能已被删除。',
      )
      res.redirect(303, holidaysPage(done ? day : undefined))
    }),
  )

  // ---- 系统设置 --------------------------------------------------------------------------------

  router.get(
    '/admin/settings',
    guard('settings.manage'),
    handler(async (req, res) => {
      const current = await getSettings(db)
      render(res, 'settings', {
        form: takeForm(req, 'settings', settingsForm(current)),
        halves: REGISTRATION_HALVES.map((h) => ({ value: h, text: REGISTRATION_HALF_LABELS[h] })),
      })
    }),
  )

  router.post(
    '/admin/settings',
    guard('settings.manage'),
    handler(async (req, res) => {
      const { value, errors } = validate<InstanceSettings>(settingsSchema, req.body)
      if (!errors.contactEmail && value.contactEmail) {
        const e = checkEmail(value.contactEmail)
        if (e) errors.contactEmail = e
      }
      if (hasErrors(errors)) return redirectWithErrors(req, res, 'settings', errors, req.body)
      const { changed } = await saveSettings(
        db,
        { audit, now: clock.now() },
        req.actor,
        withoutDefaults(value),
      )
      // the registration season's sentence names the half of the year set here
      services.perMinute.forget()
      flash(req, 'success', changed.length ? '系统设置已保存。' : '没有修改任何设置。')
      res.redirect(303, '/staff/admin/settings')
    }),
  )

  // ---- 审计日志 --------------------------------------------------------------------------------

  const readFilter = (req: Request) => {
    const { value, errors } = validate<AuditFilter & { page: number }>(auditFilterSchema, req.query)
    if (!errors.from && !errors.to && value.from && value.to && value.from > value.to)
      errors.to = '结束日期不能早于开始日期'
    return { value, errors }
  }
  const filterQuery = (f: AuditFilter, page?: number) => {
    const params = new URLSearchParams()
    for (const k of ['from', 'to', 'actorKind', 'action', 'q', 'ip'] as const)
      if (f[k]) params.set(k, String(f[k]))
    if (page && page > 1) params.set('page', String(page))
    const s = params.toString()
    return s ? `?${s}` : ''
  }
  const errorList = (errors: FieldErrors) => Object.entries(errors).map(([field, text]) => ({ field, text }))

  router.get(
    '/audit',
    guard('audit.read'),
    handler(async (req, res) => {
      const { value, errors } = readFilter(req)
      const filter: AuditFilter = hasErrors(errors) ? {} : value
      const result = hasErrors(errors)
        ? { rows: [], total: 0, page: 1, pages: 1 }
        : await searchAudit(db, filter, value.page)
      const actions = [...new Set([...(await distinctActions(db)), ...Object.keys(ACTION_LABELS)])].sort()
      render(res, 'audit', {
        values: req.query,
        errors,
        errorList: errorList(errors),
        searched: !hasErrors(errors),
        result: {
          ...result,
          rows: result.rows.map((r) => ({
            ...r,
            actorKindText: ACTOR_KIND_LABELS[r.actor_kind] ?? r.actor_kind,
            actionText: actionLabel(r.action),
            detailText: compactDetail(r.detail),
          })),
        },
        prevHref: result.page > 1 ? `/staff/audit${filterQuery(filter, result.page - 1)}` : null,
        nextHref: result.page < result.pages ? `/staff/audit${filterQuery(filter, result.page + 1)}` : null,
        exportHref: `/staff/audit/export${filterQuery(filter)}`,
        actorKinds: Object.entries(ACTOR_KIND_LABELS).map(([v, text]) => ({ value: v, text })),
        actions: actions.map((a) => ({
          value: a,
          text: ACTION_LABELS[a] ? `${ACTION_LABELS[a]}（${a}）` : a,
        })),
      })
    }),
  )

  router.get(
    '/audit/export',
    guard('audit.read'),
    handler(async (req, res) => {
      const { value, errors } = readFilter(req)
      if (hasErrors(errors))
        return res.redirect(303, `/staff/audit${filterQuery({ ...value, from: '', to: '' })}`)
      const filter: AuditFilter = {
        from: value.from,
        to: value.to,
        actorKind: value.actorKind,
        action: value.action,
        q: value.q,
        ip: value.ip,
      }
      const { csv, rows } = await auditCsv(db, filter)
      await db.transaction((trx) =>
        audit.record(trx, req.actor, {
          action: 'audit.export',
          targetType: 'audit_log',
          detail: { filter, rows },
        }),
      )
      const stamp = shanghaiDate(clock.now()).replace(/-/g, '')
      res.set('Content-Type', 'text/csv; charset=utf-8')
      res.set('Content-Disposition', `attachment; filename="audit-${stamp}.csv"`)
      res.set('Cache-Control', 'no-store')
      res.send(csv)
    }),
  )

  return router
}
