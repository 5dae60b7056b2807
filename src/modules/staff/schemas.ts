import Joi from 'joi'
import { ROLE_CODES, ROLES, type Role, type RoleGrant, type ScopeType } from '../../domain/roles'
import { checkEmail, checkMobile, checkName, checkPassword } from '../../domain/password'
import type { FieldErrors } from '../../web/formValidation'
import { isIsoDay } from './holidays'
import { DEFAULT_SETTINGS, REGISTRATION_HALVES } from './settings'

export const INSTANCE_ROLES = ROLE_CODES.filter((r) => ROLES[r].scope === 'instance')
export const SCOPED_ROLES = ROLE_CODES.filter((r) => ROLES[r].scope !== 'instance')
export const scopeField = (role: Role) => `scope_${role}`

const scopeIds = Joi.string()
  .trim()
  .allow('')
  .max(200)
  .pattern(/^\d{1,9}([\s,，、]+\d{1,9})*$/)
  .messages({ 'string.pattern.base': '{#label}应填写数字编号，多个编号用逗号分隔' })

const details = {
  name: Joi.string().trim().max(30).required().label('姓名'),
  phone: Joi.string().trim().allow('').max(11).label('手机号码'),
  email: Joi.string().trim().allow('').max(100).label('电子邮箱'),
  roles: Joi.array()
    .items(Joi.string().valid(...INSTANCE_ROLES))
    .single()
    .default([])
    .label('角色'),
  ...Object.fromEntries(
    SCOPED_ROLES.map((r) => [scopeField(r), scopeIds.label(`${ROLES[r].label}的${scopeWord(r)}编号`)]),
  ),
}

function scopeWord(role: Role): string {
  return ROLES[role].scope === 'point' ? '确认点' : '机构'
}

export const staffCreateSchema = Joi.object({
  username: Joi.string()
    .trim()
    .lowercase()
    .min(3)
    .max(32)
    .pattern(/^[a-z0-9][a-z0-9_.-]*$/)
    .required()
    .label('用户名')
    .messages({
      'string.pattern.base': '用户名只能包含英文字母、数字、下划线、点和减号，并以字母或数字开头',
    }),
  ...details,
  password: Joi.string().max(64).required().label('初始密码'),
  passwordConfirm: Joi.string().max(64).required().label('确认密码'),
})

export const staffUpdateSchema = Joi.object(details)

export const passwordResetSchema = Joi.object({
  password: Joi.string().max(64).required().label('新密码'),
  passwordConfirm: Joi.string().max(64).required().label('确认密码'),
})

export type StaffForm = {
  username?: string
  name: string
  phone: string
  email: string
  roles: string[]
  password?: string
  passwordConfirm?: string
} & Record<string, unknown>

/** The rules Joi does not express: password, phone, e-mail and name formats, at least one role. */
export function checkStaffForm(v: StaffForm, errors: FieldErrors, opts: { password: boolean }): RoleGrant[] {
  if (!errors.name && v.name) {
    const e = checkName(v.name)
    if (e) errors.name = e
  }
  if (!errors.phone && v.phone) {
    const e = checkMobile(v.phone)
    if (e) errors.phone = e
  }
  if (!errors.email && v.email) {
    const e = checkEmail(v.email)
    if (e) errors.email = e
  }
  if (opts.password) checkNewPassword(v, errors)
  const grants = grantsFromForm(v)
  if (!errors.roles && !Object.keys(errors).some((k) => k.startsWith('scope_')) && !grants.length)
    errors.roles = '请至少选择一个角色'
  return grants
}

const FORM_ORDER = [
  'username',
  'name',
  'phone',
  'email',
  'password',
  'passwordConfirm',
  'roles',
  ...SCOPED_ROLES.map(scopeField),
]

/** The errors in the order the fields appear, so the summary at the top reads like the form. */
export function inFormOrder(errors: FieldErrors): FieldErrors {
  const rank = (k: string) => (FORM_ORDER.includes(k) ? FORM_ORDER.indexOf(k) : FORM_ORDER.length)
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)))
}

export function checkNewPassword(
  v: { password?: string; passwordConfirm?: string },
  errors: FieldErrors,
): void {
  if (!errors.password && v.password) {
    const e = checkPassword(v.password)
    if (e) errors.password = e
  }
  if (!errors.password && !errors.passwordConfirm && v.password !== v.passwordConfirm)
    errors.passwordConfirm = '两次输入的密码不一致'
}

export function grantsFromForm(v: Record<string, unknown>): RoleGrant[] {
  const grants: RoleGrant[] = ((v.roles as string[]) ?? []).map((role) => ({
    role,
    scope_type: 'instance',
    scope_id: null,
  }))
  for (const role of SCOPED_ROLES) {
    const raw = String(v[scopeField(role)] ?? '')
    const ids = [
      ...new Set(
        raw
          .split(/[\s,，、]+/)
          .filter(Boolean)
          .map(Number),
      ),
    ]
    for (const id of ids) grants.push({ role, scope_type: ROLES[role].scope as ScopeType, scope_id: id })
  }
  return grants
}

/** The form's values for an existing account: checked instance roles and the scoped ids as text. */
export function formFromGrants(grants: RoleGrant[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    roles: grants.filter((g) => g.scope_type === 'instance').map((g) => g.role),
  }
  for (const role of SCOPED_ROLES)
    out[scopeField(role)] = grants
      .filter((g) => g.role === role)
      .map((g) => g.scope_id)
      .join(', ')
  return out
}

const isoDay = Joi.string()
  .trim()
  .custom((s, helpers) =>
    isIsoDay(s) ? s : helpers.error(/^\d{4}-\d{2}-\d{2}$/.test(s) ? 'date.base' : 'date.format'),
  )

export const holidaySchema = Joi.object({
  day: isoDay.required().label('日期'),
  kind: Joi.string().valid('holiday', 'workday').required().label('类型'),
  name: Joi.string().trim().allow('').max(50).label('名称'),
})

export const holidayBulkSchema = Joi.object({
  lines: Joi.string().max(20_000).required().label('节假日列表'),
})

export const settingsSchema = Joi.object({
  bureauName: Joi.string().trim().max(50).required().label('教育局名称'),
  contactPhone: Joi.string()
    .trim()
    .allow('')
    .max(30)
    .pattern(/^[0-9][0-9\- ()（）转]*$/)
    .default('')
    .label('联系电话')
    .messages({ 'string.pattern.base': '联系电话只能包含数字、减号、括号和“转”，例如0771-1234567' }),
  contactEmail: Joi.string().trim().allow('').max(100).default('').label('咨询邮箱'),
  contactHours: Joi.string().trim().allow('').max(100).default('').label('电话接听时间'),
  notice: Joi.string().trim().allow('').max(4000).default('').label('平台公告'),
  registrationNotices: Joi.string().trim().allow('').max(4000).default('').label('定期注册注意事项'),
  registrationReminder: Joi.string().trim().allow('').max(4000).default('').label('定期注册申报提醒'),
  registrationHalf: Joi.string()
    .valid(...REGISTRATION_HALVES)
    .required()
    .label('定期注册默认开放时段'),
  registrationMustRead: Joi.string().trim().allow('').max(8000).default('').label('定期注册须知'),
  certificationMustRead: Joi.string().trim().allow('').max(8000).default('').label('教师资格认定须知'),
  registrationMaterials: Joi.string().trim().allow('').max(2000).default('').label('确认未通过材料清单'),
  mandarinExemptionAllowed: Joi.boolean()
    .truthy('yes')
    .falsy('no')
    .default(false)
    .label('普通话免测')
    .messages({ 'boolean.base': '请选择是否允许普通话免测' }),
  mandarinExemptionNote: Joi.string().trim().allow('').max(1000).default('').label('普通话免测政策说明'),
  consultationFaq: Joi.string().trim().allow('').max(2000).default('').label('咨询服务：常见问题'),
  consultationEmail: Joi.string().trim().allow('').max(2000).default('').label('咨询服务：邮件咨询'),
  consultationContacts: Joi.string().trim().allow('').max(2000).default('').label('咨询服务：联系方式'),
  consultationManuals: Joi.string().trim().allow('').max(2000).default('').label('咨询服务：操作手册'),
  staffPasswordMaxAgeDays: Joi.number()
    .integer()
    .min(0)
    .max(3650)
    .default(DEFAULT_SETTINGS.staffPasswordMaxAgeDays)
    .label('密码有效期'),
  staffPasswordHistory: Joi.number()
    .integer()
    .min(1)
    .max(24)
    .default(DEFAULT_SETTINGS.staffPasswordHistory)
    .label('不得重复使用的密码个数'),
})

export const auditFilterSchema = Joi.object({
  from: isoDay.allow('').label('开始日期'),
  to: isoDay.allow('').label('结束日期'),
  actorKind: Joi.string().valid('', 'applicant', 'staff', 'anonymous', 'system').label('操作者类型'),
  action: Joi.string()
    .trim()
    .allow('')
    .max(60)
    .pattern(/^[a-z_.]*$/)
    .label('操作'),
  q: Joi.string().trim().allow('').max(100).label('操作者或对象'),
  ip: Joi.string().trim().allow('').max(45).label('IP地址'),
  page: Joi.number().integer().min(1).max(1_000_000).default(1).label('页码'),
})
