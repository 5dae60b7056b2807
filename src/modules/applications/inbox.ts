import type { Db } from '../../db/knex'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import * as repo from './repository'
import type { MessageRow } from './repository'

// 留言 and 有留言, the same for every business: staff of the point or authority write to the
// applicant; the applicant's inbox shows them oldest first and opening it marks them read. Each
// business keeps its messages in its own table (registration_messages, certification_messages)
// keyed by its application.

export type { MessageRow }

export interface MessageBox {
  unreadCounts(db: Db, ids: number[]): Promise<Map<number, { all: number; unread: number }>>
  list(db: Db, applicationId: number): Promise<MessageRow[]>
  markRead(db: Db, applicationId: number, now: Date): Promise<void>
  /** A message to the applicant, audited in the same transaction. */
  send(
    services: Pick<Services, 'db' | 'clock' | 'audit'>,
    input: { applicationId: number; staffId: number; body: string; actor: Actor },
  ): Promise<void>
}

export function messageBox(o: {
  table: string
  key: string
  audit: { action: string; targetType: string }
}): MessageBox {
  const t = { table: o.table, key: o.key }
  return {
    unreadCounts: (db, ids) => repo.messageCounts(db, t, ids),
    list: (db, applicationId) => repo.messagesOf(db, t, applicationId),
    markRead: (db, applicationId, now) => repo.markMessagesRead(db, t, applicationId, now),
    async send(services, input) {
      await services.db.transaction(async (trx) => {
        const id = await repo.insertMessage(trx, t, { ...input, at: services.clock.now() })
        await services.audit.record(trx, input.actor, {
          action: o.audit.action,
          targetType: o.audit.targetType,
          targetId: input.applicationId,
          detail: { messageId: id, length: input.body.length },
        })
      })
    },
  }
}
