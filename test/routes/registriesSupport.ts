import ExcelJS from 'exceljs'
import type { Response } from 'superagent'
import type { Agent } from '../helpers/http'
import { postMultipart } from '../fixtures/identity'
import { makeIdNumber } from '../../src/domain/idNumber'

// Arrangements shared by the registries tests: files as an administrator would upload them.

export const BOM = '\uFEFF'

export const EXAM_HEADER = '考试合格证明编号,姓名,证件号码,资格种类,任教学科,有效期至'

let seq = 100
/** A fresh ID number with a correct check character. */
export const idNumber = () => makeIdNumber('450103', '19900101', String(seq++ % 1000).padStart(3, '0'))

/** The same number with a wrong check character. */
export const badChecksum = (valid: string) => valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0')

let certSeq = 1000
export const examRow = (
  o: Partial<{ cert: string; name: string; id: string; type: string; subject: string; until: string }> = {},
) =>
  [
    o.cert ?? `KS2023${certSeq++}`,
    o.name ?? '张三',
    o.id ?? idNumber(),
    o.type ?? '小学教师资格',
    o.subject ?? '语文',
    o.until ?? '2027-12-31',
  ].join(',')

export const csv = (header: string, rows: string[], eol = '\r\n') => [header, ...rows].join(eol) + eol

/** Posts the import form of a registry page; the answer redirects to the import's status page. */
export async function upload(
  a: Agent,
  pagePath: string,
  content: string | Buffer,
  mode: 'upsert' | 'replace' | '' = 'upsert',
  filename = 'registry.csv',
) {
  return postMultipart(a, pagePath, pagePath, mode ? { mode } : {}, [
    {
      field: 'file',
      content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
      filename,
      contentType: 'application/octet-stream',
    },
  ])
}

/** Uploads and opens the status page it redirects to. */
export async function importFile(
  a: Agent,
  pagePath: string,
  content: string | Buffer,
  mode: 'upsert' | 'replace' = 'upsert',
  filename?: string,
) {
  const res = await upload(a, pagePath, content, mode, filename)
  if (res.status !== 303 || !/^\/staff\/registries\/imports\/\d+$/.test(res.headers.location ?? ''))
    throw new Error(`upload answered ${res.status} → ${res.headers.location ?? '-'}`)
  const page = await a.get(res.headers.location)
  return { location: res.headers.location as string, page }
}

/** An XLSX workbook of text cells (and whatever `raw` cells a test puts in as they are). */
export async function xlsx(rows: (string | number | Date)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const sheet = wb.addWorksheet('Sheet1')
  for (const r of rows) sheet.addRow(r)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** Parses an exported XLSX into rows of cell text. */
export async function readXlsx(content: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(content as unknown as ArrayBuffer)
  const out: string[][] = []
  wb.worksheets[0].eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return out
}

/** supertest: collect a binary body. */
export const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = []
  res.on('data', (c: Buffer) => chunks.push(c))
  res.on('end', () => cb(null, Buffer.concat(chunks)))
}
