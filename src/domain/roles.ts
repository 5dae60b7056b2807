// Staff roles and what each may do. A role is held on a scope: the whole instance, one authority
// (认定/注册机构) or one confirmation point (确认点). Routes ask `can(staff, permission, scope?)`;
// the table below is the only place that says which role grants which permission.

export type ScopeType = 'instance' | 'authority' | 'point'

export const ROLES = {
  admin: { label: '系统管理员', scope: 'instance' },
  identity_reviewer: { label: '实名审核员', scope: 'instance' },
  registration_approver: { label: '注册审批', scope: 'authority' },
  certification_approver: { label: '认定审批', scope: 'authority' },
  confirmation_clerk: { label: '现场确认', scope: 'point' },
} as const satisfies Record<string, { label: string; scope: ScopeType }>

export type Role = keyof typeof ROLES
export const ROLE_CODES = Object.keys(ROLES) as Role[]

export const SCOPE_LABELS: Record<ScopeType, string> = {
  instance: '全系统',
  authority: '机构',
  point: '确认点',
}

export const PERMISSIONS = {
  'staff.manage': ['admin'],
  'identity.review': ['identity_reviewer', 'admin'],
  'identity.registry': ['admin'],
  'registries.manage': ['admin'],
  'info.verify': ['confirmation_clerk', 'admin'],
  'audit.read': ['admin'],
  'dashboard.read': ['admin'],
  'settings.manage': ['admin'],
  'holidays.manage': ['admin'],
  'bureau.manage': ['admin'],
  'registration.approve': ['registration_approver'],
  'certification.approve': ['certification_approver'],
  'confirmation.handle': ['confirmation_clerk'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof PERMISSIONS

export interface RoleGrant {
  role: string
  scope_type: string
  scope_id: number | string | null
}

export interface Scope {
  type: Exclude<ScopeType, 'instance'>
  id: number
}

export const isRole = (code: string): code is Role => Object.prototype.hasOwnProperty.call(ROLES, code)

export const roleLabel = (code: string): string => (isRole(code) ? ROLES[code].label : code)

/** The roles that grant a permission, for requireStaff(...rolesFor('staff.manage')). */
export function rolesFor(permission: Permission): Role[] {
  return [...PERMISSIONS[permission]]
}

/**
 * Whether the staff member holds a role granting `permission`. Without `scope` any grant counts
 * (the page then lists only the staff member's own scopes); with it, an instance-wide grant or a
 * grant on exactly that authority or point.
 */
export function can(
  staff: { roles: RoleGrant[] } | undefined | null,
  permission: Permission,
  scope?: Scope,
): boolean {
  if (!staff) return false
  const granting: readonly string[] = PERMISSIONS[permission]
  return staff.roles.some(
    (g) =>
      granting.includes(g.role) &&
      (!scope ||
        g.scope_type === 'instance' ||
        (g.scope_type === scope.type && Number(g.scope_id) === scope.id)),
  )
}

/** The ids of the authorities or points on which the staff member holds a role granting `permission`. */
export function scopesFor(
  staff: { roles: RoleGrant[] },
  permission: Permission,
  type: Scope['type'],
): number[] {
  const granting: readonly string[] = PERMISSIONS[permission]
  return staff.roles
    .filter((g) => granting.includes(g.role) && g.scope_type === type && g.scope_id !== null)
    .map((g) => Number(g.scope_id))
}

/** "注册审批（机构 3）" — how a grant reads on the staff pages. */
export function describeGrant(g: RoleGrant): string {
  const label = roleLabel(g.role)
  if (g.scope_type === 'instance') return label
  return `${label}（${SCOPE_LABELS[g.scope_type as ScopeType] ?? g.scope_type} ${g.scope_id}）`
}
