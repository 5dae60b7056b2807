import ExcelJS from 'exceljs'
import { statusLabel } from '../../domain/registration'
import { shanghaiDateTime } from '../../domain/time'
import type { QueueRow } from './staffService'

// The staff queue exported as CSV (UTF-8 with a BOM, so Excel reads the Chinese) and XLSX.

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
    r.doc_number,
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

// Spreadsheet programs run cells starting with these as formulas; a leading apostrophe defuses them.
function csvCell(v: string): string {
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function registrationsCsv(rows: QueueRow[], lists: ExportLists): string {
  const lines = [EXPORT_HEADER as readonly string[], ...rows.map((r) => exportCells(r, lists))]
  return `\uFEFF${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`
}

export async function registrationsXlsx(rows: QueueRow[], lists: ExportLists): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('定期注册')
  sheet.addRow([...EXPORT_HEADER])
  sheet.getRow(1).font = { bold: true }
  // Numbers stay text: 报名号 and 证件号码 are longer than a spreadsheet's digits.
  for (const r of rows) sheet.addRow(exportCells(r, lists))
  sheet.columns.forEach((c) => {
    c.width = 20
    c.numFmt = '@'
  })
  return Buffer.from(await book.xlsx.writeBuffer())
}
