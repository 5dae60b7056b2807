import type { Response } from 'express'
import { requireStaff } from '../../middleware/auth'
import { rolesFor, type Permission } from '../../domain/roles'

// What the administrator's pages share: the guard of a permission and their templates' folder.

export const guard = (permission: Permission) => requireStaff(...rolesFor(permission))

export const render = (res: Response, page: string, data: Record<string, unknown>) =>
  res.render(`pages/staff/${page}.njk`, data)
