import type { Db } from '../db/knex'
import type { OutboxMessage, OutboxRow } from './outbox'

// The outbox table: rows written with the business change, delivered later by outbox.ts's sender.

export async function insertMessage(trx: Db, m: OutboxMessage, now: Date): Promise<void> {
  await trx('outbox').insert({
    channel: m.channel,
    recipient: m.recipient,
    subject: m.subject ?? null,
    body: m.body,
    created_at: now,
  })
}

export function recentMessages(db: Db, limit: number): Promise<OutboxRow[]> {
  return db('outbox').orderBy('id', 'desc').limit(limit)
}

/** The oldest pending message on these channels, locked; SKIP LOCKED lets several senders share the work. */
export function claimPending(trx: Db, channels: string[]): Promise<OutboxRow | undefined> {
  return trx('outbox')
    .where({ status: 'pending' })
    .whereIn('channel', channels)
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .first()
}

export async function updateMessage(
  trx: Db,
  id: number,
  fields: Partial<Pick<OutboxRow, 'status' | 'sent_at' | 'attempts' | 'last_error'>>,
): Promise<void> {
  await trx('outbox').where({ id }).update(fields)
}
