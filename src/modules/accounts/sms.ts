import crypto from 'node:crypto'
import type { Db } from '../../db/knex'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { maskPhone } from '../../domain/idNumber'
import { checkMobile } from '../../domain/password'
import { shanghaiDate } from '../../domain/time'
import { MESSAGES, SMS_TEXT } from './messages'
import * as repo from './repository'

// SMS verification codes (manual 000 §2.1.1 (6)): 6 digits, valid 5 minutes, at most 3 per phone
// number per day. Any area may use them; `purpose` keeps a code for one thing from serving another.
export const SMS_RULES = { validMinutes: 5, perPhonePerDay: 3, maxWrongTries: 5 } as const

export type SmsPurpose = 'register' | 'reset_password' | 'change_phone'

export type SmsSendOutcome = { ok: true } | { ok: false; reason: 'rate_limited' | 'quota'; message: string }

export type SmsCheckOutcome =
  { ok: true } | { ok: false; reason: 'missing' | 'wrong' | 'killed'; message: string }

/** Codes are kept only as a keyed hash, bound to the phone and purpose they were sent for. */
function hashCode(secret: string, phone: string, purpose: SmsPurpose, code: string): string {
  return crypto.createHmac('sha256', secret).update(`sms\n${phone}\n${purpose}\n${code}`).digest('hex')
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}

/**
 * Sends a fresh code (the newest code for a phone and purpose is the only one that counts). The
 * per-IP limit is checked first; the phone's daily quota is then taken with a single guarded upsert,
 * so parallel requests can never get more than three codes for one phone on one Shanghai day. The
 * code, the outbox row and the audit entry commit together.
 */
export async function sendSmsCode(
  services: Services,
  request: { phone: string; purpose: SmsPurpose; ip: string; actor?: Actor },
): Promise<SmsSendOutcome> {
  const { phone, purpose, ip } = request
  if (checkMobile(phone)) throw new Error('sendSmsCode needs a checked 11-digit mobile number')
  const limit = await services.rateLimits.consume('sms', ip)
  if (!limit.ok) return { ok: false, reason: 'rate_limited', message: MESSAGES.smsRateLimited }

  const now = services.clock.now()
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')
  return services.db.transaction(async (trx) => {
    const usedToday = await repo.takeSmsQuota(trx, phone, shanghaiDate(now), SMS_RULES.perPhonePerDay)
    if (usedToday === undefined) return { ok: false, reason: 'quota', message: MESSAGES.smsQuota } as const

    await repo.insertSmsCode(trx, {
      phone,
      purpose,
      code_hash: hashCode(services.config.sessionSecret, phone, purpose, code),
      expires_at: new Date(now.getTime() + SMS_RULES.validMinutes * 60_000),
      created_at: now,
    })
    await services.outbox.enqueue(trx, { channel: 'sms', recipient: phone, body: SMS_TEXT(code) })
    await services.audit.record(trx, request.actor ?? { kind: 'anonymous', ip }, {
      action: 'sms.send',
      detail: { purpose, phone: maskPhone(phone), usedToday },
    })
    return { ok: true } as const
  })
}

/**
 * Checks and, when right, uses up the newest code sent to `phone` for `purpose`. A wrong guess is
 * counted and the fifth kills the code. Pass the caller's transaction so that using the code commits
 * with the change it allows; the caller must commit (not roll back) after a wrong guess, or the count
 * is lost.
 */
export async function checkSmsCode(
  services: Services,
  trx: Db | undefined,
  attempt: { phone: string; purpose: SmsPurpose; code: string },
): Promise<SmsCheckOutcome> {
  if (!trx) return services.db.transaction((t) => checkSmsCode(services, t, attempt))
  const now = services.clock.now()
  const row = await repo.lockNewestSmsCode(trx, attempt.phone, attempt.purpose)

  if (!row || row.used_at || row.expires_at.getTime() <= now.getTime())
    return { ok: false, reason: 'missing', message: MESSAGES.smsNoCode }
  if (row.failed_tries >= SMS_RULES.maxWrongTries)
    return { ok: false, reason: 'killed', message: MESSAGES.smsKilled }

  const typed = hashCode(services.config.sessionSecret, attempt.phone, attempt.purpose, attempt.code)
  if (!sameHash(typed, row.code_hash)) {
    return (await repo.countWrongSmsTry(trx, row.id)) >= SMS_RULES.maxWrongTries
      ? { ok: false, reason: 'killed', message: MESSAGES.smsKilled }
      : { ok: false, reason: 'wrong', message: MESSAGES.smsWrong }
  }

  return (await repo.useSmsCode(trx, row.id, now))
    ? { ok: true }
    : { ok: false, reason: 'missing', message: MESSAGES.smsNoCode }
}
