import type { Services } from '../../../services'
import type { FieldErrors } from '../../../web/formValidation'
import type { Values } from '../../../web/wizard/types'
import * as m from '../messages'

// 注册条件: each condition answered 是; a 否 is refused with the manual's reason.

export const conditionsPage = () => ({ conditions: m.CONDITIONS })

export function conditionsErrors(_s: Services, _req: unknown, value: Values): FieldErrors {
  const errors: FieldErrors = {}
  for (const c of m.CONDITIONS) if (value[c.name] === 'no') errors[c.name] = m.CONDITION_REFUSALS[c.name]
  return errors
}
