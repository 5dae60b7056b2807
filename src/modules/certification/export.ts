import { certificationStatusLabel, qualificationTypeLabel } from '../../domain/certification'
import { shownDocNumber } from '../../domain/idNumber'
import { shanghaiDateTime } from '../../domain/time'
import { trimmed } from '../../web/values'
import type { QueueExport } from '../queueExports/service'
import { certificationQueue, type QueueRow } from './staffService'

// The 教师资格认定 queue's columns for the CSV and XLSX export (src/modules/applications/exportFiles.ts writes the
// files). The order is our own (no national import layout is published; README 报送导出 lists it).

export const EXPORT_HEADER = [
  '报名号',
  '姓名',
  '证件号码',
  '申请资格种类',
  '任教学科',
  '认定状态',
  '认定机构',
  '确认点',
  '证书号码',
  '提交时间',
] as const

export const exportCells = (r: QueueRow): string[] => [
  r.number,
  r.name,
  // the export holds only the staff member's own queue
  shownDocNumber(r.doc_number, 'scopedStaff'),
  qualificationTypeLabel(r.qualification_type),
  r.subject,
  certificationStatusLabel(r.status),
  trimmed(r.data?.authorityName),
  trimmed(r.data?.pointName),
  r.certificate_number ?? '',
  shanghaiDateTime(r.submitted_at),
]

export const certificationExport: QueueExport<QueueRow> = {
  key: 'certifications',
  name: 'certifications',
  sheet: '教师资格认定',
  header: EXPORT_HEADER,
  queue: certificationQueue,
  cells: async () => exportCells,
}
