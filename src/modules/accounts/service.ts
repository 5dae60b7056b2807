import crypto from 'node:crypto'
import type { Services } from '../../services'
import type { Actor, RequestContext } from '../../services/audit'
import { maskDocNumber, maskPhone } from '../../domain/idNumber'
import type { FieldErrors } from '../../web/formValidation'
import { clearFailures, isLocked, recordFailure } from '../auth/lockout'
import { MESSAGES, RESET_EMAIL } from './messages'
import {
  endSessionsOf,
  findAccount,
  insertAccount,
  insertPasswordReset,
  livePasswordReset,
  updateAccount,
  usePasswordReset,
  type AccountRow,
} from './repository'
import type { Registration } from './schemas'
import { checkSmsCode } from './sms'
import { currentAgreement, recordConsent } from '../privacy/agreement'

export type Outcome = { ok: true } | { ok: false; errors: FieldErrors }

export const RESET_LINK_MINUTES = 30

const actorOf = (a: Pick<AccountRow, 'id' | 'doc_number'>, ctx: RequestContext): Actor => ({
  kind: 'applicant',
  id: a.id,
  label: maskDocNumber(a.doc_number),
  ip: ctx.ip,
  userAgent: ctx.userAgent,
})

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

class DuplicateDocNumber extends Error {}

/** 实名注册: uses the SMS code and creates the account in one transaction. */
export async function registerApplicant(
  services: Services,
  reg: Registration,
  ctx: RequestContext,
): Promise<{ ok: true; id: number } | { ok: false; errors: FieldErrors }> {
  const passwordHash = await services.passwords.hash(reg.password)
  try {
    return await services.db.transaction(async (trx) => {
      const sms = await checkSmsCode(services, trx, {
        phone: reg.phone,
        purpose: 'register',
        code: reg.smsCode,
      })
      if (!sms.ok) return { ok: false, errors: { smsCode: sms.message } } as const
      const now = services.clock.now()
      const id = await insertAccount(
        trx,
        {
          doc_type: reg.docType,
          doc_number: reg.docNumber,
          name: reg.name,
          valid_from: reg.validFrom,
          valid_to: reg.validTo,
          password_hash: passwordHash,
          email: reg.email,
          phone: reg.phone,
          sex: reg.sex,
          birth_date: reg.birthDate,
        },
        now,
      )
      // Registered by someone else a moment ago: roll back so the SMS code stays usable.
      if (!id) throw new DuplicateDocNumber()
      const actor = actorOf({ id, doc_number: reg.docNumber }, ctx)
      await services.audit.record(trx, actor, {
        action: 'applicant.register',
        targetType: 'applicant',
        targetId: id,
        detail: { docType: reg.docType },
      })
      // The form cannot be sent without ticking 我已阅读并同意《用户账号注册协议》.
      await recordConsent(trx, services, { ...actor, id }, (await currentAgreement(trx)).version)
      return { ok: true, id } as const
    })
  } catch (err) {
    if (err instanceof DuplicateDocNumber) return { ok: false, errors: { docNumber: MESSAGES.duplicate } }
    throw err
  }
}

/** 邮件重置密码: a single-use link valid for 30 minutes; only the token's hash is stored. */
export async function sendPasswordResetEmail(
  services: Services,
  applicantId: number,
  ctx: RequestContext,
): Promise<void> {
  const account = await findAccount(services.db, applicantId)
  if (!account) throw new Error(`no applicant ${applicantId}`)
  const token = crypto.randomBytes(32).toString('base64url')
  const now = services.clock.now()
  const link = `${services.config.publicUrl.replace(/\/+$/, '')}/forgot-password/reset/${token}`
  await services.db.transaction(async (trx) => {
    await insertPasswordReset(
      trx,
      {
        applicantId,
        tokenHash: hashToken(token),
        expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000),
      },
      now,
    )
    await services.outbox.enqueue(trx, {
      channel: 'email',
      recipient: account.email,
      subject: RESET_EMAIL.subject,
      body: RESET_EMAIL.body(account.name, link),
    })
    await services.audit.record(
      trx,
      { ...actorOf(account, ctx), kind: 'anonymous', id: null },
      {
        action: 'applicant.password_reset_requested',
        targetType: 'applicant',
        targetId: applicantId,
        detail: { method: 'email' },
      },
    )
  })
}

/** Whether a reset link can still be used (for showing the form; using it is checked again). */
export async function resetLinkIsLive(services: Services, token: string): Promise<boolean> {
  return !!(await livePasswordReset(services.db, hashToken(token), services.clock.now()))
}

/** Sets the new password, forgets lockout failures and signs the account out everywhere. */
async function storeNewPassword(
  services: Services,
  trx: Services['db'],
  account: AccountRow,
  passwordHash: string,
  exceptSid?: string,
): Promise<void> {
  await updateAccount(trx, account.id, { password_hash: passwordHash }, services.clock.now())
  await clearFailures(trx, 'applicant', account.doc_number)
  await endSessionsOf(trx, account.id, exceptSid)
}

export async function resetPasswordByLink(
  services: Services,
  token: string,
  password: string,
  ctx: RequestContext,
): Promise<boolean> {
  const passwordHash = await services.passwords.hash(password)
  return services.db.transaction(async (trx) => {
    const reset = await usePasswordReset(trx, hashToken(token), services.clock.now())
    if (!reset) return false
    const account = await findAccount(trx, reset.applicantId)
    if (!account) return false
    await storeNewPassword(services, trx, account, passwordHash)
    await services.audit.record(trx, actorOf(account, ctx), {
      action: 'applicant.password_reset',
      targetType: 'applicant',
      targetId: account.id,
      detail: { method: 'email' },
    })
    return true
  })
}

/** 短信验证重置密码: the code sent to the registered phone and a new password. */
export async function resetPasswordBySms(
  services: Services,
  applicantId: number,
  input: { smsCode: string; password: string },
  ctx: RequestContext,
): Promise<Outcome> {
  const passwordHash = await services.passwords.hash(input.password)
  return services.db.transaction(async (trx) => {
    const account = await findAccount(trx, applicantId)
    if (!account) throw new Error(`no applicant ${applicantId}`)
    const sms = await checkSmsCode(services, trx, {
      phone: account.phone,
      purpose: 'reset_password',
      code: input.smsCode,
    })
    if (!sms.ok) return { ok: false, errors: { smsCode: sms.message } }
    await storeNewPassword(services, trx, account, passwordHash)
    await services.audit.record(trx, actorOf(account, ctx), {
      action: 'applicant.password_reset',
      targetType: 'applicant',
      targetId: account.id,
      detail: { method: 'sms' },
    })
    return { ok: true }
  })
}

/**
 * The signed-in applicant proves it is them before changing how the account is reached or entered.
 * Wrong guesses count toward the login lockout, so a session left open is no way to guess passwords.
 */
async function checkOwnPassword(
  services: Services,
  account: AccountRow,
  plain: string,
  wrongMessage: string,
  ctx: RequestContext,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const { db, clock } = services
  if (await isLocked(db, clock, 'applicant', account.doc_number))
    return { ok: false, message: MESSAGES.passwordTriesLocked }
  const verified = await services.passwords.verify(account.password_hash, plain)
  if (verified.ok) return { ok: true }
  const lockedNow = await db.transaction(async (trx) => {
    const locked = await recordFailure(trx, clock, services.metrics, 'applicant', account.doc_number)
    await services.audit.record(trx, actorOf(account, ctx), {
      action: 'applicant.password_check_failed',
      targetType: 'applicant',
      targetId: account.id,
      detail: locked ? { lockedNow: true } : {},
    })
    return locked
  })
  return { ok: false, message: lockedNow ? MESSAGES.passwordTriesLocked : wrongMessage }
}

async function ownAccount(services: Services, applicantId: number): Promise<AccountRow> {
  const account = await findAccount(services.db, applicantId)
  if (!account) throw new Error(`no applicant ${applicantId}`)
  return account
}

/**
 * The own account for a change of phone or e-mail: refused when the new value is the old one
 * (`unchanged` says which field) or when the current password is wrong (which counts as a failure).
 */
async function accountForContactChange(
  services: Services,
  applicantId: number,
  currentPassword: string,
  ctx: RequestContext,
  unchanged: (account: AccountRow) => Record<string, string> | null,
): Promise<{ ok: true; account: AccountRow } | { ok: false; errors: Record<string, string> }> {
  const account = await ownAccount(services, applicantId)
  const same = unchanged(account)
  if (same) return { ok: false, errors: same }
  const own = await checkOwnPassword(services, account, currentPassword, MESSAGES.currentPasswordWrong, ctx)
  if (!own.ok) return { ok: false, errors: { currentPassword: own.message } }
  return { ok: true, account }
}

export async function changePassword(
  services: Services,
  applicantId: number,
  input: { oldPassword: string; password: string; sessionId: string },
  ctx: RequestContext,
): Promise<Outcome> {
  const account = await ownAccount(services, applicantId)
  const own = await checkOwnPassword(services, account, input.oldPassword, MESSAGES.oldPasswordWrong, ctx)
  if (!own.ok) return { ok: false, errors: { oldPassword: own.message } }
  const passwordHash = await services.passwords.hash(input.password)
  await services.db.transaction(async (trx) => {
    await storeNewPassword(services, trx, account, passwordHash, input.sessionId)
    await services.audit.record(trx, actorOf(account, ctx), {
      action: 'applicant.change_password',
      targetType: 'applicant',
      targetId: account.id,
    })
  })
  return { ok: true }
}

export async function changePhone(
  services: Services,
  applicantId: number,
  input: { phone: string; smsCode: string; currentPassword: string },
  ctx: RequestContext,
): Promise<Outcome> {
  const checked = await accountForContactChange(services, applicantId, input.currentPassword, ctx, (a) =>
    input.phone === a.phone ? { phone: MESSAGES.phoneSame } : null,
  )
  if (!checked.ok) return checked
  const { account } = checked
  return services.db.transaction(async (trx) => {
    // The code must have gone to the NEW number: that proves the applicant holds it.
    const sms = await checkSmsCode(services, trx, {
      phone: input.phone,
      purpose: 'change_phone',
      code: input.smsCode,
    })
    if (!sms.ok) return { ok: false, errors: { smsCode: sms.message } }
    await updateAccount(trx, account.id, { phone: input.phone }, services.clock.now())
    await services.audit.record(trx, actorOf(account, ctx), {
      action: 'applicant.change_phone',
      targetType: 'applicant',
      targetId: account.id,
      detail: { from: maskPhone(account.phone), to: maskPhone(input.phone) },
    })
    return { ok: true }
  })
}

export async function changeEmail(
  services: Services,
  applicantId: number,
  input: { email: string; currentPassword: string },
  ctx: RequestContext,
): Promise<Outcome> {
  const checked = await accountForContactChange(services, applicantId, input.currentPassword, ctx, (a) =>
    input.email === a.email ? { email: MESSAGES.emailSame } : null,
  )
  if (!checked.ok) return checked
  const { account } = checked
  await services.db.transaction(async (trx) => {
    await updateAccount(trx, account.id, { email: input.email }, services.clock.now())
    await services.audit.record(trx, actorOf(account, ctx), {
      action: 'applicant.change_email',
      targetType: 'applicant',
      targetId: account.id,
    })
  })
  return { ok: true }
}
