import iconv from 'iconv-lite'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, type Agent } from '../helpers/http'
import { createApplicant, createStaff } from '../helpers/factories'
import { loginApplicant, loginStaff } from './staffSupport'
import { REGISTRIES } from '../../src/modules/registries/definitions'
import { registryPath } from '../../src/modules/registries/routes'
import { runPendingImports } from '../../src/modules/registries/service'
import {
  badChecksum,
  binary,
  BOM,
  csv,
  EXAM_HEADER,
  examRow,
  idNumber,
  importFile,
  readXlsx,
  upload,
  xlsx,
} from './registriesSupport'

const EXAMS = '/staff/registries/exam-passes'

describe('数据库导入导出 /staff/registries', () => {
  let t: TestApp
  let admin: Agent
  beforeAll(async () => {
    t = await appWithAllRoutes()
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    admin = await loginStaff(t, staff.username, staff.password)
  })
  afterAll(() => t.close())

  const exams = () =>
    t.db('registry_exam_passes').orderBy('cert_number').select('cert_number', 'name', 'doc_number')
  const clear = () => t.db('registry_exam_passes').delete()

  it('is for administrators only: other staff get 403, applicants and visitors go to the staff login', async () => {
    const reviewer = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const r = await loginStaff(t, reviewer.username, reviewer.password)
    for (const url of [
      '/staff/registries',
      EXAMS,
      `${EXAMS}/export.csv`,
      `${EXAMS}/export.xlsx`,
      `${EXAMS}/template.csv`,
    ])
      expect((await r.get(url)).status).toBe(403)
    const { location } = await importFile(admin, EXAMS, csv(EXAM_HEADER, [examRow()]))
    expect((await r.get(location)).status).toBe(403)

    const applicant = await createApplicant(t.db)
    const a = await loginApplicant(t, applicant.doc_number, applicant.password)
    for (const url of ['/staff/registries', EXAMS, location]) {
      const res = await a.get(url)
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/staff/login')
    }
    const anonymous = await agent(t.app).get('/staff/registries')
    expect(anonymous.headers.location).toBe('/staff/login')
  })

  it('lists every registry with its row count and links, and the staff home links to it', async () => {
    await clear()
    await importFile(admin, EXAMS, csv(EXAM_HEADER, [examRow(), examRow()]))
    const page = await admin.get('/staff/registries')
    expect(page.status).toBe(200)
    for (const def of REGISTRIES) {
      expect(page.text).toContain(`href="${registryPath(def)}"`)
      expect(page.text).toContain(`href="${registryPath(def)}/export.xlsx"`)
    }
    expect(page.text).toMatch(/考试合格证明<\/a><\/td>\s*<td>[^<]*<\/td>\s*<td class="nowrap">2<\/td>/)
    expect((await admin.get('/staff')).text).toContain('href="/staff/registries"')
  })

  it('reports a bad checksum on line 7 by line and column and imports nothing', async () => {
    await clear()
    const rows = Array.from({ length: 5 }, () => examRow())
    const res = await importFile(
      admin,
      EXAMS,
      csv(EXAM_HEADER, [...rows, examRow({ id: badChecksum(idNumber()) }), examRow()]),
    )
    expect(res.page.text).toContain('文件中有1处错误，未导入任何数据。')
    expect(res.page.text).toContain('<li>第7行 证件号码：身份证号码校验位不正确，请核对后重新输入</li>')
    expect(res.page.text).not.toContain('http-equiv="refresh"')
    expect(await exams()).toEqual([])
  })

  it('names the first line of a duplicate inside the file, and checks formats, codes and dates', async () => {
    await clear()
    const text = csv(EXAM_HEADER, [
      examRow({ cert: 'KSDUP1' }),
      examRow({ cert: 'KSDUP1' }),
      examRow({ type: '九' }),
      examRow({ until: '2027-02-30' }),
      examRow({ subject: 'C99' }),
      examRow({ name: '张3' }),
      'KS1,李四',
    ])
    const { page } = await importFile(admin, EXAMS, text)
    for (const m of [
      '第3行 考试合格证明编号：与第2行重复',
      '第4行 资格种类：无法识别“九”，应为1（幼儿园教师资格）',
      '第5行 有效期至：应为日期',
      '第6行 任教学科：无法识别学科代码“C99”',
      '第7行 姓名：姓名只能包含汉字',
      '第8行：应有6列（考试合格证明编号,姓名,证件号码,资格种类,任教学科,有效期至），实际为2列',
    ])
      expect(page.text).toContain(m)
    expect(page.text).toContain('文件中有6处错误')
    expect(await exams()).toEqual([])
  })

  it('shows the first 200 errors and counts the rest', async () => {
    const rows = Array.from({ length: 250 }, () => examRow({ until: 'x' }))
    const { page } = await importFile(admin, EXAMS, csv(EXAM_HEADER, rows))
    expect(page.text).toContain('共250处，仅显示前200处，其余50处未列出')
    expect(page.text.match(/<li>第\d+行 有效期至/g)).toHaveLength(200)
  })

  it('reads a GBK file (Excel in China) and normalises the number', async () => {
    await clear()
    const n = idNumber()
    const lower = n.endsWith('X') ? n.slice(0, 17) + 'x' : n
    const gbk = iconv.encode(
      csv(EXAM_HEADER, [examRow({ cert: 'KSGBK1', name: '欧阳·娜娜', id: lower })]),
      'gbk',
    )
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow()
    const { page } = await importFile(admin, EXAMS, gbk)
    expect(page.text).toContain('导入成功：共1条，其中新增1条，更新0条。')
    expect(page.text).toContain('CSV（GBK/GB18030）')
    expect(await exams()).toEqual([{ cert_number: 'KSGBK1', name: '欧阳·娜娜', doc_number: n }])
  })

  it('reads an XLSX workbook by its content (whatever its name), dates as dates', async () => {
    await clear()
    const n = idNumber()
    const book = await xlsx([
      EXAM_HEADER.split(','),
      ['KSXLS1', '王五', n, '2', '数学', new Date(Date.UTC(2028, 5, 30))],
      ['KSXLS2', '赵六', idNumber(), '高级中学教师资格', '物理', '2028-06-30'],
    ])
    const { page } = await importFile(admin, EXAMS, book, 'upsert', 'named-like-a.csv')
    expect(page.text).toContain('导入成功：共2条，其中新增2条，更新0条。')
    expect(page.text).toContain('Excel工作簿（XLSX）')
    const row = await t.db('registry_exam_passes').where({ cert_number: 'KSXLS1' }).first()
    expect(row).toMatchObject({ name: '王五', doc_number: n, qualification_type: '2', subject: '数学' })
    const until = await t.db.raw(
      `SELECT to_char(valid_until, 'YYYY-MM-DD') AS d FROM registry_exam_passes WHERE cert_number = 'KSXLS1'`,
    )
    expect(until.rows[0].d).toBe('2028-06-30')
  })

  it('explains an ID number that Excel stored as a number', async () => {
    const book = await xlsx([
      EXAM_HEADER.split(','),
      ['KSXLS9', '王五', Number('450103199001011234'), '2', '数学', '2028-06-30'],
    ])
    const { page } = await importFile(admin, EXAMS, book)
    expect(page.text).toContain('第2行 证件号码：Excel把该列保存成了数字')
  })

  it('upserts (追加/更新) or replaces (全部替换) as chosen', async () => {
    await clear()
    const [a, b, c] = [idNumber(), idNumber(), idNumber()]
    await importFile(
      admin,
      EXAMS,
      csv(EXAM_HEADER, [examRow({ cert: 'KSUPS1', id: a }), examRow({ cert: 'KSUPS2', id: b })]),
    )
    const up = await importFile(
      admin,
      EXAMS,
      csv(EXAM_HEADER, [
        examRow({ cert: 'KSUPS2', id: b, name: '改名' }),
        examRow({ cert: 'KSUPS3', id: c }),
      ]),
    )
    expect(up.page.text).toContain('导入成功：共2条，其中新增1条，更新1条。')
    expect((await exams()).map((r) => `${r.cert_number}:${r.name}`)).toEqual([
      'KSUPS1:张三',
      'KSUPS2:改名',
      'KSUPS3:张三',
    ])

    const replaced = await importFile(
      admin,
      EXAMS,
      csv(EXAM_HEADER, [examRow({ cert: 'KSUPS9' })]),
      'replace',
    )
    expect(replaced.page.text).toContain('导入成功（全部替换）：替换前库中有3条，现为本文件的1条。')
    expect((await exams()).map((r) => r.cert_number)).toEqual(['KSUPS9'])
    const audit = await t.db('audit_log').where({ action: 'registries.import' }).orderBy('id', 'desc').first()
    expect(audit.detail).toMatchObject({ registry: 'exam-passes', mode: 'replace', rows: 1 })
  })

  it('refuses in 追加/更新 to move a certificate to another person, but 全部替换 may', async () => {
    await clear()
    const [a, b] = [idNumber(), idNumber()]
    await importFile(admin, EXAMS, csv(EXAM_HEADER, [examRow({ cert: 'KSOWN1', id: a })]))
    const { page } = await importFile(admin, EXAMS, csv(EXAM_HEADER, [examRow({ cert: 'KSOWN1', id: b })]))
    expect(page.text).toContain('第2行 考试合格证明编号：该考试合格证明编号在库中属于另一证件号码')
    expect((await exams())[0].doc_number).toBe(a)
    await importFile(admin, EXAMS, csv(EXAM_HEADER, [examRow({ cert: 'KSOWN1', id: b })]), 'replace')
    expect((await exams())[0].doc_number).toBe(b)
  })

  it('checks a Mandarin grade against its score, and registrations against the certificates', async () => {
    const n = idNumber()
    const mandarin = await importFile(
      admin,
      '/staff/registries/mandarin',
      csv('证书编号,姓名,证件号码,成绩,等级,发证单位,发证日期', [
        `PTH001,张三,${n},86.9,二级甲等,广西语委,2020-05-01`,
        `PTH002,张三,${n},87,二级甲等,广西语委,2020-05-01`,
        `PTH003,张三,${n},55,三级乙等,广西语委,2020-05-01`,
        `PTH004,张三,${n},80.25,二级乙等,广西语委,2020-05-01`,
      ]),
    )
    expect(mandarin.page.text).toContain('第2行 等级：与成绩不符：86.9分应为“二级乙等”')
    expect(mandarin.page.text).toContain('第4行 成绩：成绩低于60分不入级')
    expect(mandarin.page.text).toContain('第5行 成绩：应为0–100之间的数字，最多一位小数')
    expect(mandarin.page.text).not.toContain('第3行')

    const registrations = await importFile(
      admin,
      '/staff/registries/certificate-registrations',
      csv('证书号码,注册日期,注册结论,注册机构', ['20164500721000999,2021-11-20,注册合格,青秀区教育局']),
    )
    expect(registrations.page.text).toContain('第2行 证书号码：库中没有该证书号码，请先导入教师资格证书')
  })

  it('exports CSV with a BOM and XLSX, and both import again unchanged', async () => {
    await clear()
    await importFile(
      admin,
      EXAMS,
      csv(EXAM_HEADER, [examRow({ cert: 'KSEXP1' }), examRow({ cert: 'KSEXP2', subject: 'C03', type: '3' })]),
    )
    const before = await t
      .db('registry_exam_passes')
      .orderBy('cert_number')
      .select('cert_number', 'name', 'doc_number', 'qualification_type', 'subject')
    const exported = await admin.get(`${EXAMS}/export.csv`).buffer(true)
    expect(exported.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(exported.text.startsWith(`${BOM}${EXAM_HEADER}\r\n`)).toBe(true)
    expect(exported.text).toContain(',初级中学教师资格,C03,')
    const again = await importFile(admin, EXAMS, exported.text, 'replace')
    expect(again.page.text).toContain('导入成功（全部替换）：替换前库中有2条，现为本文件的2条。')

    const book = await admin.get(`${EXAMS}/export.xlsx`).buffer(true).parse(binary)
    expect(book.headers['content-type']).toContain('spreadsheetml')
    const rows = await readXlsx(book.body as Buffer)
    expect(rows[0].join(',')).toBe(EXAM_HEADER)
    expect(rows).toHaveLength(3)
    const fromXlsx = await importFile(admin, EXAMS, book.body as Buffer, 'replace')
    expect(fromXlsx.page.text).toContain('现为本文件的2条')
    expect(
      await t
        .db('registry_exam_passes')
        .orderBy('cert_number')
        .select('cert_number', 'name', 'doc_number', 'qualification_type', 'subject'),
    ).toEqual(before)
    expect(await t.db('audit_log').where({ action: 'registries.export' }).count({ n: '*' }).first()).toEqual({
      n: '2',
    })
  })

  it('offers a template per registry that imports cleanly as it is', async () => {
    // Certificates before their registrations (the template's registration is of the template's certificate).
    for (const def of REGISTRIES) {
      const template = await admin.get(`${registryPath(def)}/template.csv`).buffer(true)
      expect(template.status).toBe(200)
      expect(template.headers['content-disposition']).toMatch(/^attachment;/)
      const lines = template.text.split('\r\n')
      expect(lines[0]).toBe(BOM + def.columns.map((c) => c.header).join(','))
      expect(lines).toHaveLength(3)
      const { page } = await importFile(admin, registryPath(def), template.text)
      expect(page.text).toContain('导入成功')
    }
  })

  it('asks for the file and the mode on the form', async () => {
    const res = await upload(admin, EXAMS, '', '')
    expect(res.headers.location).toBe(EXAMS)
    const page = await admin.get(EXAMS)
    expect(page.text).toContain('请选择要导入的文件')
    expect(page.text).toContain('请选择导入方式')
  })
})

describe('large imports run as a job with a status page', () => {
  it('shows progress with a meta refresh while queued, and the result once the job ran', async () => {
    const t = await appWithAllRoutes({ registryImportInlineMaxBytes: 0 })
    try {
      const staff = await createStaff(t.db, [{ role: 'admin' }])
      const admin = await loginStaff(t, staff.username, staff.password)
      const res = await upload(admin, EXAMS, csv(EXAM_HEADER, [examRow(), examRow()]))
      const waiting = await admin.get(res.headers.location)
      expect(waiting.text).toContain('<meta http-equiv="refresh" content="2">')
      expect(waiting.text).toContain(`<a href="${res.headers.location}">刷新</a>`)
      expect(waiting.text).toContain('排队中')
      await runPendingImports(t.services)
      const done = await admin.get(res.headers.location)
      expect(done.text).not.toContain('http-equiv="refresh"')
      expect(done.text).toContain('导入成功：共2条，其中新增2条，更新0条。')
    } finally {
      await t.close()
    }
  })

  it('runs queued imports through pg-boss when the queue is started', async () => {
    const t = await appWithAllRoutes({ registryImportInlineMaxBytes: 0, jobs: true })
    try {
      const staff = await createStaff(t.db, [{ role: 'admin' }])
      const admin = await loginStaff(t, staff.username, staff.password)
      const res = await upload(admin, EXAMS, csv(EXAM_HEADER, [examRow()]))
      let text = ''
      for (let i = 0; i < 60 && !text.includes('导入成功'); i++) {
        await new Promise((r) => setTimeout(r, 250))
        text = (await admin.get(res.headers.location)).text
      }
      expect(text).toContain('导入成功：共1条，其中新增1条，更新0条。')
    } finally {
      await t.close()
    }
  })
})
