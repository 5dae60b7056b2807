import { Router } from 'express'
import type { Services } from '../../services'
import { guard, render } from './pages'
import { describeGrant, ROLES } from '../../domain/roles'
import { handler } from '../../web/async'
import { flash, hasErrors, redirectWithErrors, takeForm, validate } from '../../web/formValidation'
import {
  checkNewPassword,
  checkStaffForm,
  formFromGrants,
  inFormOrder,
  INSTANCE_ROLES,
  passwordResetSchema,
  scopeField,
  SCOPED_ROLES,
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
import { scopeChoices, unknownScopes } from '../bureau/service'

import { idOf } from '../../web/values'

// 工作人员管理 (/staff/admin/staff): the staff list, creating and editing an account with its roles and
// scopes, 停用/启用 and resetting a password.

export function staffAccountRoutes(services: Services): Router {
  const router = Router()
  const { db, audit, clock } = services
  const deps = { db, audit, passwords: services.passwords, clock }

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
      const id = idOf(req.params.id)
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
      const id = idOf(req.params.id)
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
        const id = idOf(req.params.id)
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
      const id = idOf(req.params.id)
      const account = id === null ? undefined : await findStaff(db, id)
      if (!account) return next()
      render(res, 'staff-password', { account, form: takeForm(req, `staffPassword${id}`) })
    }),
  )

  router.post(
    '/admin/staff/:id/password',
    guard('staff.manage'),
    handler(async (req, res, next) => {
      const id = idOf(req.params.id)
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

  return router
}
