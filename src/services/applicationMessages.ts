import type { Db } from '../db/knex'
import type { Services } from '.'
import type { Actor } from './audit'

// 留言 and 有留言, the same for every business: staff of the point or authority write to the
// applicant; the applicant's inbox shows them oldest first and opening it marks them read. Each
// business keeps its messages in its own table (registration_messages, certification_messages)
// keyed by its application.

export interface MessageRow {
  id: number
  body: string
  created_at: Date
  read_at: Date | null
  staff_name: string | null
}

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
  const { table, key } = o
  return {
    async unreadCounts(db, ids) {
      if (!ids.length) return new Map()
      const rows: Record<string, string>[] = await db(table)
        .whereIn(key, ids)
        .groupBy(key)
        .select(key, db.raw('count(*) AS "all"'), db.raw('count(*) FILTER (WHERE read_at IS NULL) AS unread'))
      return new Map(rows.map((r) => [Number(r[key]), { all: Number(r.all), unread: Number(r.unread) }]))
    },
    list: (db, applicationId) =>
      db(`${table} as m`)
        .leftJoin('staff_users as s', 's.id', 'm.staff_id')
        .where(`m.${key}`, applicationId)
        .orderBy([
          { column: 'm.created_at', order: 'asc' },
          { column: 'm.id', order: 'asc' },
        ])
        .select('m.id', 'm.body', 'm.created_at', 'm.read_at', 's.name as staff_name'),
    async markRead(db, applicationId, now) {
      await db(table).where(key, applicationId).whereNull('read_at').update({ read_at: now })
    },
    async send(services, input) {
      await services.db.transaction(async (trx) => {
        const [m] = await trx(table)
          .insert({
            [key]: input.applicationId,
            staff_id: input.staffId,
            body: input.body,
            created_at: services.clock.now(),
          })
          .returning('id')
        await services.audit.record(trx, input.actor, {
          action: o.audit.action,
          targetType: o.audit.targetType,
          targetId: input.applicationId,
          detail: { messageId: Number(m.id), length: input.body.length },
        })
      })
    },
  }
}
