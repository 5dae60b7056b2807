import type { Request, Response } from 'express'
import type { Services } from '../../services'
import { DOC_TYPE_LABELS, DOC_TYPES } from '../../domain/idNumber'
import { clientIp } from '../../web/async'
import { hasErrors, takeForm, type FieldErrors } from '../../web/formValidation'
import { DOC_NUMBER_HINTS, MESSAGES } from './messages'
import { sendSmsCode, type SmsPurpose } from './sms'

// What the account pages share: the forms shown straight from their own POST (with everything typed)
// and the 获取短信验证码 button's answer.

export const VIEWS = 'pages/accounts'

export const DOC_TYPE_OPTIONS = DOC_TYPES.map((t) => ({
  value: t,
  text: DOC_TYPE_LABELS[t],
  hint: DOC_NUMBER_HINTS[t],
}))

/** A form shown straight from its own POST, with the heading its error summary should carry. */
export type TypedForm = ReturnType<typeof takeForm> & { summaryTitle?: string }
export type ShowTyped = (form: TypedForm) => void

/**
 * What the applicant typed, as text, minus the token and the button pressed; a typed SMS code is
 * dropped when a new one is on its way.
 */
export function typedValues(req: Request, keepCode = false): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.body ?? {}))
    if (typeof v === 'string' && k !== '_csrf' && k !== 'action' && (keepCode || k !== 'smsCode')) out[k] = v
  return out
}

/**
 * The form as typed, passwords included, for a page rendered in the POST's own response; such a
 * response must not be kept by the browser or a proxy. Refusals here are about the SMS code, so the
 * summary says that instead of 「提交的信息有误」.
 */
export function typedForm(req: Request, res: Response, errors: FieldErrors, keepCode = false): TypedForm {
  res.set('Cache-Control', 'no-store')
  if (hasErrors(errors)) res.status(422)
  return {
    errors,
    errorList: Object.entries(errors).map(([field, text]) => ({ field, text })),
    values: typedValues(req, keepCode),
    summaryTitle: MESSAGES.smsNotSentTitle,
  }
}

export const body = (req: Request): Record<string, unknown> => req.body ?? {}

/**
 * The "获取短信验证码" button submits the whole form and the page comes straight back from that
 * POST with everything typed, the password fields included: each page re-renders itself rather
 * than redirecting, so passwords live only in this response (never in the session row), which
 * the browser is told not to store. The heading of a refusal says the code was not sent.
 */
export async function sendCodeAndShow(
  services: Services,
  req: Request,
  res: Response,
  form: { phone: string; purpose: SmsPurpose; show: ShowTyped; errorField?: string },
): Promise<void> {
  const sent = await sendSmsCode(services, {
    phone: form.phone,
    purpose: form.purpose,
    ip: clientIp(req),
    actor: req.actor,
  })
  if (!sent.ok) return form.show(typedForm(req, res, { [form.errorField ?? 'smsCode']: sent.message }))
  res.locals.flash = [...(res.locals.flash ?? []), { kind: 'success', text: MESSAGES.smsSent }]
  form.show(typedForm(req, res, {}))
}
