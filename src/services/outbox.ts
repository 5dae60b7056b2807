import nodemailer from 'nodemailer'
import type { Db } from '../db/knex'
import type { Clock } from './clock'
import type { Logger } from './logger'
import * as repo from './outboxRepository'

export interface OutboxMessage {
  channel: 'sms' | 'email'
  recipient: string
  subject?: string
  body: string
}

export interface OutboxRow extends OutboxMessage {
  id: number
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  last_error: string | null
  created_at: Date
  sent_at: Date | null
}

// Messages are written in the same transaction as the business change that causes them; a sender
// delivers them later, so a slow gateway never holds a request and nothing is lost on a crash.
export interface Outbox {
  enqueue(trx: Db, message: OutboxMessage): Promise<void>
  recent(limit?: number): Promise<OutboxRow[]>
}

export function createOutbox(db: Db, clock: Clock): Outbox {
  return {
    async enqueue(trx, m) {
      await repo.insertMessage(trx, m, clock.now())
    },
    async recent(limit = 100) {
      return repo.recentMessages(db, limit)
    },
  }
}

export interface Transport {
  email?: (to: string, subject: string, body: string) => Promise<void>
  sms?: (to: string, body: string) => Promise<void>
}

export function smtpTransport(smtpUrl: string, from: string): Transport['email'] {
  const transporter = nodemailer.createTransport(smtpUrl)
  return async (to, subject, text) => {
    await transporter.sendMail({ from, to, subject, text })
  }
}

// The SMS gateway contract: POST JSON {phone, message} with an optional bearer token; any 2xx is sent.
export function httpSmsTransport(url: string, token?: string): Transport['sms'] {
  return async (phone, message) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ phone, message }),
      signal: AbortSignal.timeout(10_000),
    })
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`)
  }
}

/** Delivers pending rows once; returns how many were sent. SKIP LOCKED lets several instances share the work. */
export async function deliverPending(
  db: Db,
  clock: Clock,
  transport: Transport,
  log: Logger,
): Promise<number> {
  let sent = 0
  for (;;) {
    const done = await db.transaction(async (trx) => {
      const row = await repo.claimPending(trx, [transport.email ? 'email' : '', transport.sms ? 'sms' : ''])
      if (!row) return false
      try {
        if (row.channel === 'email') await transport.email!(row.recipient, row.subject ?? '', row.body)
        else await transport.sms!(row.recipient, row.body)
        await repo.updateMessage(trx, row.id, {
          status: 'sent',
          sent_at: clock.now(),
          attempts: row.attempts + 1,
        })
        sent++
      } catch (err) {
        const attempts = row.attempts + 1
        log.warn({ outboxId: row.id, err: String(err) }, 'outbox delivery failed')
        await repo.updateMessage(trx, row.id, {
          attempts,
          last_error: String(err).slice(0, 500),
          status: attempts >= 5 ? 'failed' : 'pending',
        })
        return false
      }
      return true
    })
    if (!done) return sent
  }
}
