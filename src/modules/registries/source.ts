import iconv from 'iconv-lite'
import ExcelJS from 'exceljs'
import { MESSAGES } from './messages'

// Turns an uploaded file into rows of text cells, each with the line number an administrator sees
// in a spreadsheet (the header is line 1). The format is sniffed from the bytes, never the name:
// XLSX is a ZIP (PK\x03\x04); text is UTF-8 (with or without a BOM) or, when it is not valid UTF-8,
// GB18030 — a superset of the GBK that Excel in China saves "CSV (逗号分隔)" in.

export type SourceFormat = 'xlsx' | 'csv-utf8' | 'csv-gb18030'

export const FORMAT_LABELS: Record<SourceFormat, string> = {
  xlsx: 'Excel工作簿（XLSX）',
  'csv-utf8': 'CSV（UTF-8）',
  'csv-gb18030': 'CSV（GBK/GB18030）',
}

export interface SourceRow {
  line: number
  cells: string[]
  /** Cells Excel stored as numbers too long to keep every digit (an 18-digit ID number). */
  lossy?: number[]
}

export type ReadResult =
  | { ok: true; format: SourceFormat; rows: SourceRow[] }
  | { ok: false; format?: SourceFormat; line: number; error: string }

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04

/** A file opened for checking: its rows come one at a time (CSV is parsed while it is checked). */
export type OpenedSource =
  | { ok: true; format: SourceFormat; rows: Iterable<SourceRow>; estimate: number }
  | { ok: false; format?: SourceFormat; line: number; error: string }

/** A CSV file that cannot be read on: thrown by csvRows() while it is iterated. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    readonly error: string,
  ) {
    super(error)
  }
}

/**
 * Opens an upload: XLSX is read whole, text is decoded and then parsed lazily, so that parsing,
 * checking and loading are one pass over the file and no row outlives its turn. `estimate` is the
 * number of data rows as far as line breaks tell (for the status page until the count is known).
 */
export async function openSource(bytes: Buffer): Promise<OpenedSource> {
  if (isZip(bytes)) {
    const read = await readXlsx(bytes)
    return read.ok ? { ...read, estimate: Math.max(0, read.rows.length - 1) } : read
  }
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  )
    return { ok: false, line: 1, error: MESSAGES.utf16 }
  let text: string
  let format: SourceFormat = 'csv-utf8'
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    text = iconv.decode(bytes, 'gb18030')
    format = 'csv-gb18030'
  }
  if (text.includes('\u0000')) return { ok: false, format, line: 1, error: MESSAGES.notText }
  let breaks = 0
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) breaks++
  const lines = text.endsWith('\n') ? breaks : breaks + 1
  return { ok: true, format, rows: csvRows(text), estimate: Math.max(0, lines - 1) }
}

/** The whole file's rows at once (tests and small callers; imports use openSource). */
export async function readSource(bytes: Buffer): Promise<ReadResult> {
  const opened = await openSource(bytes)
  if (!opened.ok) return opened
  try {
    return { ok: true, format: opened.format, rows: [...opened.rows] }
  } catch (err) {
    if (err instanceof CsvError) return { ok: false, format: opened.format, line: err.line, error: err.error }
    throw err
  }
}

/**
 * RFC 4180 CSV (comma, or tab when the first line has tabs and no commas): quoted fields may hold
 * commas, quotes ("") and line breaks. Cells are trimmed; blank lines are skipped. Written by hand
 * because it is several times faster than a general parser asked for line numbers, and a record's
 * first line is what the administrator needs. Rows come one at a time; an unclosed quote throws
 * CsvError when the parse reaches it.
 */
export function* csvRows(text: string): Generator<SourceRow, void, undefined> {
  const firstBreak = text.indexOf('\n')
  const firstLine = firstBreak < 0 ? text : text.slice(0, firstBreak)
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ','
  const n = text.length
  let i = 0
  let line = 1
  let first = true
  // The next quote at or after i (-1: none left), so that a file without quotes is scanned once.
  let quote = text.indexOf('"')
  const emit = (start: number, cells: string[]): SourceRow => {
    if (first) {
      first = false
      if (cells.length) cells[0] = cells[0].replace(/^\uFEFF/, '')
    }
    return { line: start, cells }
  }
  while (i < n) {
    const start = line
    // Most lines have no quotes: split them natively.
    const eol = text.indexOf('\n', i)
    const lineEnd = eol < 0 ? n : eol
    if (quote >= 0 && quote < i) quote = text.indexOf('"', i)
    if (quote < 0 || quote > lineEnd) {
      const end = lineEnd > i && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd
      const cells = text.slice(i, end).split(delimiter)
      let blank = true
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c].trim()
        cells[c] = cell
        if (cell) blank = false
      }
      i = lineEnd + 1
      line++
      if (!blank) yield emit(start, cells)
      continue
    }
    const cells: string[] = []
    let blank = true
    for (;;) {
      let cell: string
      if (text[i] === '"') {
        let j = i + 1
        let out = ''
        for (;;) {
          const q = text.indexOf('"', j)
          if (q < 0) throw new CsvError(start, MESSAGES.unclosedQuote)
          out += text.slice(j, q)
          if (text[q + 1] === '"') {
            out += '"'
            j = q + 2
          } else {
            i = q + 1
            break
          }
        }
        for (let k = out.indexOf('\n'); k >= 0; k = out.indexOf('\n', k + 1)) line++
        // Anything between the closing quote and the delimiter is kept, as spreadsheets do.
        let end = i
        while (end < n && text[end] !== delimiter && text[end] !== '\n' && text[end] !== '\r') end++
        cell = out + text.slice(i, end)
        i = end
      } else {
        let end = i
        while (end < n && text[end] !== delimiter && text[end] !== '\n' && text[end] !== '\r') end++
        cell = text.slice(i, end)
        i = end
      }
      cell = cell.trim()
      if (cell) blank = false
      cells.push(cell)
      if (i < n && text[i] === delimiter) {
        i++
        continue
      }
      break
    }
    if (text[i] === '\r') i++
    if (text[i] === '\n') i++
    line++
    if (!blank) yield emit(start, cells)
  }
}

/** A cell as the text a person sees; dates as YYYY-MM-DD. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value)
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('')
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue)
    if ('text' in value) return String(value.text)
    if ('error' in value) return ''
  }
  return String(value)
}

async function readXlsx(bytes: Buffer): Promise<ReadResult> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch {
    return { ok: false, format: 'xlsx', line: 1, error: MESSAGES.badXlsx }
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) return { ok: false, format: 'xlsx', line: 1, error: MESSAGES.emptyFile }
  const rows: SourceRow[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[]
    const cells: string[] = []
    const lossy: number[] = []
    for (let c = 1; c < values.length; c++) {
      const v = values[c]
      if (typeof v === 'number' && Math.abs(v) > Number.MAX_SAFE_INTEGER) lossy.push(c - 1)
      cells.push(cellText(v).trim())
    }
    while (cells.length && !cells[cells.length - 1]) cells.pop()
    if (cells.length) rows.push(lossy.length ? { line: rowNumber, cells, lossy } : { line: rowNumber, cells })
  })
  return { ok: true, format: 'xlsx', rows }
}
