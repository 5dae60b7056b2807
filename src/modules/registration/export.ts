import { shownDocNumber } from '../../domain/idNumber'
import { statusLabel } from '../../domain/registration'
import { shanghaiDateTime } from '../../domain/time'
import type { Db } from '../../db/knex'
import type { QueueExport } from '../queueExports/service'
import { refOptions } from './repository'
import { registrationQueue, type QueueRow } from './staffService'

// The staff queue's columns for the CSV and XLSX export (src/modules/applications/exportFiles.ts writes the files).
// The order is our own (no national import layout is published; README 报送导出 lists it).

export const EXPORT_HEADER = [
  '注册报名号',
  '姓名',
  '证件号码',
  '证书号码',
  '现任教学段',
  '现任教学科',
  '注册结论',
  '注册机构',
  '确认点',
  '现任教学校',
  '提交时间',
] as const

export interface ExportLists {
  stages: Map<string, string>
  subjects: Map<string, string>
}

export function exportCells(r: QueueRow, lists: ExportLists): string[] {
  const data = r.data ?? {}
  return [
    r.number,
    r.name,
    // the export holds only the staff member's own queue
    shownDocNumber(r.doc_number, 'scopedStaff'),
    r.cert_number,
    lists.stages.get(r.stage) ?? r.stage,
    lists.subjects.get(r.subject) ?? r.subject,
    statusLabel(r.status),
    String(data.authorityName ?? ''),
    String(data.pointName ?? ''),
    String(data.currentSchool ?? ''),
    shanghaiDateTime(r.submitted_at),
  ]
}

export async function exportLists(db: Db): Promise<ExportLists> {
  return {
    stages: new Map((await refOptions(db, 'teaching_stage')).map((o) => [o.value, o.text])),
    subjects: new Map((await refOptions(db, 'subject')).map((o) => [o.value, o.text])),
  }
}

export const registrationExport: QueueExport<QueueRow> = {
  key: 'registrations',
  name: 'registrations',
  sheet: '定期注册',
  header: EXPORT_HEADER,
  queue: registrationQueue,
  cells: async (db) => {
    const lists = await exportLists(db)
    return (r) => exportCells(r, lists)
  },
}
