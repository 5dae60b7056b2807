import type { Response } from 'express'
import ExcelJS from 'exceljs'
import { shanghaiDateTime } from '../../domain/time'

// The staff queue's export files, the same for every business: CSV with a BOM so Excel reads the
// Chinese, XLSX with text cells, their download headers and time-stamped names.

/** 202611151030: a file name's time stamp (Asia/Shanghai). */
export const fileStamp = (now: Date) => shanghaiDateTime(now).replace(/\D/g, '').slice(0, 12)

export const attachment = (res: Response, name: string) =>
  res.set(
    'Content-Disposition',
    `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  )

// Spreadsheet programs run cells starting with these as formulas; a leading apostrophe defuses them.
export function csvCell(v: string): string {
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(header: readonly string[], rows: string[][]): string {
  const lines = [header, ...rows]
  return `\uFEFF${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`
}

export async function toXlsx(
  sheetName: string,
  header: readonly string[],
  rows: string[][],
): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet(sheetName)
  sheet.addRow([...header])
  sheet.getRow(1).font = { bold: true }
  // Numbers stay text: 报名号 and 证件号码 are longer than a spreadsheet's digits.
  for (const r of rows) sheet.addRow(r)
  sheet.columns.forEach((c) => {
    c.width = 20
    c.numFmt = '@'
  })
  return Buffer.from(await book.xlsx.writeBuffer())
}

/** Sends a written export (toCsv, toXlsx) as `<name>.<format>`. */
export function sendExport(res: Response, format: 'csv' | 'xlsx', name: string, body: Buffer | string): void {
  attachment(res, `${name}.${format}`)
  res.set('Cache-Control', 'no-store')
  res.set(
    'Content-Type',
    format === 'csv'
      ? 'text/csv; charset=utf-8'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  )
  res.send(body)
}
