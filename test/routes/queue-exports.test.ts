import ExcelJS from 'exceljs'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import type { Agent } from '../helpers/http'
import { fakeBureau, swappable } from '../helpers/registrationFactories'
import {
  applicantWithRegistration,
  bureauRows,
  scopedStaff,
  twoAuthorities,
} from './registrationRecordsSupport'
import { startExportWorker } from '../../src/modules/queueExports/worker'

// Exports a bureau sends on (issue 16): the staff queue in our documented column order, as CSV
// (UTF-8 with a BOM) and XLSX; more rows than the threshold go through the job queue, with a
// progress page that refreshes itself and a download only for the staff member who asked.

const STAFF = '/staff/registrations'
const HEADER = [
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
]

const binary = (a: Agent, url: string) =>
  a
    .get(url)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => cb(null, Buffer.concat(chunks)))
    })

async function sheetRows(body: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(body as unknown as ExcelJS.Buffer)
  const rows: string[][] = []
  book.worksheets[0].eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))))
  })
  return rows
}

const csvRows = (body: Buffer) => {
  const text = body.toString('utf8')
  expect(text.charCodeAt(0)).toBe(0xfeff)
  return text
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','))
}

/** Reloads the progress page as its meta refresh would, until the export is finished. */
async function waitForFinish(a: Agent, url: string) {
  for (let i = 0; i < 240; i++) {
    const page = await a.get(url)
    if (!page.text.includes('http-equiv="refresh"')) return page
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`the export at ${url} did not finish`)
}

describe('queue exports', () => {
  let t: TestApp
  const bureau = swappable(fakeBureau([]))
  const numbers: string[] = []

  beforeAll(async () => {
    // the threshold lowered so three applications make a large export
    t = await appWithAllRoutes({ bureau: { registration: bureau.port }, queueExportInlineMaxRows: 2 })
    await bureauRows(t, twoAuthorities())
    bureau.use(fakeBureau(twoAuthorities()))
    for (const [i, name] of ['甲导出', '乙导出', '丙导出'].entries()) {
      const { registration } = await applicantWithRegistration(t, {
        authorityId: 4,
        pointId: 41,
        status: 'confirmed',
        name,
        submittedAt: new Date(Date.UTC(2026, 7, 20, 2, i)),
      })
      numbers.push(registration.number)
    }
  })
  afterAll(() => t.close())

  it('writes a small export at once, CSV with a BOM and XLSX, both in the documented column order', async () => {
    const approver = await scopedStaff(t, 'registration_approver', 4)
    const filter = `q=${encodeURIComponent('甲导出')}`
    const csv = await binary(approver.a, `${STAFF}/export.csv?${filter}`)
    expect(csv.status).toBe(200)
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
    const rows = csvRows(csv.body)
    expect(rows[0]).toEqual(HEADER)
    expect(rows.slice(1).map((r) => r[0])).toEqual([numbers[0]])

    const xlsx = await binary(approver.a, `${STAFF}/export.xlsx?${filter}`)
    expect(xlsx.headers['content-type']).toContain('spreadsheetml')
    expect(await sheetRows(xlsx.body)).toEqual(rows)
  })

  it('sends a large export through the job queue and its progress page; only the one who asked may see or download it', async () => {
    const approver = await scopedStaff(t, 'registration_approver', 4)
    const colleague = await scopedStaff(t, 'registration_approver', 4)

    const asked = await approver.a.get(`${STAFF}/export.csv?status=confirmed`)
    expect(asked.status).toBe(303)
    const page = asked.headers.location as string
    expect(page).toMatch(/^\/staff\/exports\/\d+$/)
    const xlsxPage = (await approver.a.get(`${STAFF}/export.xlsx?status=confirmed`)).headers
      .location as string

    // Queued (no worker runs in this app yet): the page refreshes itself and offers nothing to download.
    const waiting = await approver.a.get(page)
    expect(waiting.status).toBe(200)
    expect(waiting.text).toContain('<meta http-equiv="refresh" content="2">')
    expect(waiting.text).toContain('排队中')
    expect(waiting.text).toContain('0 / 3 条')
    expect(waiting.text).not.toContain('/download')
    expect((await approver.a.get(`${page}/download`)).status).toBe(404)
    const audit = await t.db('audit_log').where({ action: 'registration.export', actor_id: approver.id })
    expect(audit.map((e) => e.detail)).toEqual([
      expect.objectContaining({ format: 'csv', rows: 3, exportId: Number(page.split('/').pop()) }),
      expect.objectContaining({ format: 'xlsx', rows: 3 }),
    ])

    await startExportWorker(t.services)
    const done = await waitForFinish(approver.a, page)
    expect(done.text).toContain('已完成')
    expect(done.text).toContain('3 / 3 条')
    expect(done.text).toContain(`href="${page}/download"`)

    const csv = await binary(approver.a, `${page}/download`)
    expect(csv.status).toBe(200)
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="registrations-\d{12}\.csv"/)
    const rows = csvRows(csv.body)
    expect(rows[0]).toEqual(HEADER)
    expect(rows.slice(1).map((r) => r[0])).toEqual(numbers)
    expect(rows.slice(1).map((r) => r[1])).toEqual(['甲导出', '乙导出', '丙导出'])

    await waitForFinish(approver.a, xlsxPage)
    const xlsx = await binary(approver.a, `${xlsxPage}/download`)
    expect(xlsx.headers['content-type']).toContain('spreadsheetml')
    expect(await sheetRows(xlsx.body)).toEqual(rows)

    // Another staff member of the same authority: neither the page nor the file exists for them.
    expect((await colleague.a.get(page)).status).toBe(404)
    expect((await colleague.a.get(`${page}/download`)).status).toBe(404)
  })
})
