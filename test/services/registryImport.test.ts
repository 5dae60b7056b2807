import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { makeIdNumber } from '../../src/domain/idNumber'
import { registryByKey, type Refs } from '../../src/modules/registries/definitions'
import { checkRows, collectRows } from '../../src/modules/registries/importer'
import { csvRows, CsvError, openSource, readSource } from '../../src/modules/registries/source'
import { codeLists } from '../../seeds/data/codes'

// The import engine without a database: how an upload is read (UTF-8, GBK, XLSX told apart by the
// bytes), and what checkRows says about its rows.

const refs: Refs = {
  today: '2026-11-25',
  codes: new Map(
    Object.entries(codeLists).map(([kind, list]) => [kind, new Map(list.map((c) => [c.code, c.name]))]),
  ),
  regions: new Map([['450103', '青秀区']]),
}
const def = registryByKey('exam-passes')!
const HEADER = '考试合格证明编号,姓名,证件号码,资格种类,任教学科,有效期至'
const ID = makeIdNumber('450103', '19950612', '031')
const ID2 = makeIdNumber('450103', '19960101', '042')

describe('registry import source', () => {
  it('reads a GBK (Excel "CSV (逗号分隔)") file as GB18030, names intact', async () => {
    const text = `${HEADER}\r\nKS0001,欧阳丽华,${ID},小学教师资格,语文,2028-12-31\r\n`
    const read = await readSource(iconv.encode(text, 'gbk'))
    expect(read).toMatchObject({ ok: true, format: 'csv-gb18030' })
    if (!read.ok) return
    expect(read.rows[1]).toEqual({
      line: 2,
      cells: ['KS0001', '欧阳丽华', ID, '小学教师资格', '语文', '2028-12-31'],
    })
  })

  it('reads UTF-8 with a BOM as UTF-8 and drops the BOM from the header', async () => {
    const read = await readSource(Buffer.from(`\uFEFF${HEADER}\n`, 'utf8'))
    expect(read).toMatchObject({ ok: true, format: 'csv-utf8' })
    if (read.ok) expect(read.rows[0].cells[0]).toBe('考试合格证明编号')
  })

  it('sniffs XLSX by its bytes (not its name) and marks an ID number Excel stored as a number', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Sheet1')
    sheet.addRow(HEADER.split(','))
    sheet.addRow(['KS0001', '李明', Number(ID), '小学教师资格', '语文', '2028-12-31'])
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer())
    const read = await readSource(bytes)
    expect(read).toMatchObject({ ok: true, format: 'xlsx' })
    if (!read.ok) return
    expect(read.rows[1].lossy).toEqual([2])
    const checked = await checkRows(def, read.rows, refs, collectRows())
    expect(checked.problems.shown).toEqual([
      expect.stringMatching(/^第2行 证件号码：Excel把该列保存成了数字/),
    ])
  })

  it('parses lazily: an unclosed quote surfaces as CsvError with its line when reached', async () => {
    const text = `${HEADER}\nKS0001,李明,${ID},小学教师资格,语文,2028-12-31\n"KS0002,李明\n`
    const opened = await openSource(Buffer.from(text, 'utf8'))
    expect(opened).toMatchObject({ ok: true, estimate: 2 })
    const rows = csvRows(text)
    expect(rows.next().value).toMatchObject({ line: 1 })
    expect(rows.next().value).toMatchObject({ line: 2 })
    expect(() => rows.next()).toThrow(CsvError)
    expect(await readSource(Buffer.from(text, 'utf8'))).toMatchObject({ ok: false, line: 3 })
  })
})

describe('checkRows', () => {
  const rowsOf = async (text: string) => {
    const read = await readSource(Buffer.from(text, 'utf8'))
    if (!read.ok) throw new Error(read.error)
    return read.rows
  }

  it('names both lines of a key given twice in the file', async () => {
    const rows = await rowsOf(
      [
        HEADER,
        `KS0001,李明,${ID},小学教师资格,语文,2028-12-31`,
        `KS0002,王芳,${ID2},小学教师资格,数学,2028-12-31`,
        '',
        `KS0001,李明,${ID},小学教师资格,语文,2028-12-31`,
      ].join('\n'),
    )
    const sink = collectRows()
    const checked = await checkRows(def, rows, refs, sink)
    expect(checked.problems.shown).toEqual(['第5行 考试合格证明编号：与第2行重复'])
    expect(checked).toMatchObject({ good: 2, total: 3 })
    expect(sink.values).toEqual([])
  })

  it('hands good rows on normalised (codes stored as codes) while the file has no error', async () => {
    const rows = await rowsOf(`${HEADER}\nks 0001,李明,${ID.toLowerCase()},小学教师资格,语文,2028/12/31\n`)
    const sink = collectRows()
    const checked = await checkRows(def, rows, refs, sink)
    expect(checked.problems.count).toBe(0)
    expect(sink.values).toEqual([['KS0001', '李明', ID, '2', '语文', '2028-12-31']])
    expect(sink.lines).toEqual([2])
  })

  it('reports an empty file, a wrong header and a header without rows', async () => {
    expect((await checkRows(def, [], refs, collectRows())).problems.shown).toEqual([
      expect.stringMatching(/^第1行：/),
    ])
    const wrong = await checkRows(def, await rowsOf('编号,姓名\n'), refs, collectRows())
    expect(wrong.problems.count).toBe(2)
    const bare = await checkRows(def, await rowsOf(`${HEADER}\n`), refs, collectRows())
    expect(bare.problems.count).toBe(1)
  })
})
