import iconv from 'iconv-lite'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, type Agent } from '../helpers/http'
import { createStaff } from '../helpers/factories'
import { loginStaff } from './staffSupport'
import { makeIdNumber } from '../../src/domain/idNumber'
import { postMultipart } from '../fixtures/identity'

describe('身份信息库 /staff/identity-registry', () => {
  let t: TestApp
  let admin: Agent
  beforeAll(async () => {
    t = await appWithAllRoutes()
    const staff = await createStaff(t.db, [{ role: 'admin' }])
    admin = await loginStaff(t, staff.username, staff.password)
  })
  afterAll(() => t.close())

  const BOM = '\uFEFF'
  const HEADER = '证件类型,证件号码,姓名'
  const csvFile = (text: string, filename = 'registry.csv') => ({
    field: 'file',
    content: Buffer.from(text, 'utf8'),
    filename,
    contentType: 'text/csv',
  })
  const upload = (text: string | Buffer) =>
    postMultipart(admin, '/staff/identity-registry', '/staff/identity-registry', { mode: 'upsert' }, [
      typeof text === 'string' ? csvFile(text) : { ...csvFile(''), content: text },
    ])
  /** Uploads and opens the import's status page (the shared registries engine, module registries). */
  const imported = async (text: string | Buffer) => {
    const res = await upload(text)
    expect(res.status).toBe(303)
    expect(res.headers.location).toMatch(/^\/staff\/registries\/imports\/\d+$/)
    return admin.get(res.headers.location)
  }
  const registry = () =>
    t.db('identity_registry').orderBy('doc_number').select('doc_type', 'doc_number', 'name')
  let seq = 100
  const idNumber = () => makeIdNumber('110101', '19900101', String(seq++))

  it('is for administrators only', async () => {
    const reviewer = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const r = await loginStaff(t, reviewer.username, reviewer.password)
    expect((await r.get('/staff/identity-registry')).status).toBe(403)
    expect((await r.get('/staff/identity-registry/export.csv')).status).toBe(403)
    const anonymous = await agent(t.app).get('/staff/identity-registry')
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.location).toBe('/staff/login')
  })

  it('documents the format and offers the template (header and an example row) as UTF-8 with a BOM', async () => {
    const page = await admin.get('/staff/identity-registry')
    expect(page.status).toBe(200)
    expect(page.text).toContain(`<code>${HEADER}</code>`)
    expect(page.text).toContain('href="/staff/identity-registry/template.csv"')
    const template = await admin.get('/staff/identity-registry/template.csv').buffer(true)
    expect(template.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(template.headers['content-disposition']).toMatch(/^attachment;/)
    expect(template.text).toBe(`${BOM}${HEADER}\r\n身份证,450103199506120317,李明\r\n`)
  })

  it('imports a good file (with a BOM) and then updates names from a file without one', async () => {
    const [n1, n2] = [idNumber(), idNumber()]
    const page = await imported(
      `${BOM}${HEADER}\r\n身份证,${n1},张三\r\n港澳居民来往内地通行证,H12345678,李·四\r\n身份证,${n2.toLowerCase()},王五\r\n`,
    )
    expect(page.text).toContain('导入成功：共3条，其中新增3条，更新0条。')
    expect(await registry()).toEqual(
      expect.arrayContaining([
        { doc_type: 'id_card', doc_number: n1, name: '张三' },
        { doc_type: 'hk_macau_pass', doc_number: 'H12345678', name: '李·四' },
        { doc_type: 'id_card', doc_number: n2, name: '王五' },
      ]),
    )
    expect((await imported(`${HEADER}\n身份证,${n1},张三丰\n`)).text).toContain(
      '导入成功：共1条，其中新增0条，更新1条。',
    )
    expect((await t.db('identity_registry').where({ doc_number: n1 }).first()).name).toBe('张三丰')
    const audit = await t
      .db('audit_log')
      .where({ action: 'identity.registry_import' })
      .orderBy('id', 'desc')
      .first()
    expect(audit.detail).toMatchObject({ rows: 1, inserted: 0, updated: 1 })
    expect(JSON.stringify(audit.detail)).not.toContain(n1)
  })

  it('reports a bad checksum on line 7 by line and column and imports nothing', async () => {
    const before = await registry()
    const good = Array.from({ length: 5 }, (_, i) => `身份证,${idNumber()},测试${'甲乙丙丁戊'[i]}`)
    const valid = idNumber()
    const badChecksum = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0')
    const page = await imported(
      [HEADER, ...good, `身份证,${badChecksum},坏校验`, `身份证,${idNumber()},之后`].join('\n'),
    )
    expect(page.text).toContain('文件中有1处错误，未导入任何数据。请修改后重新上传。')
    expect(page.text).toContain('<li>第7行 证件号码：身份证号码校验位不正确，请核对后重新输入</li>')
    expect(await registry()).toEqual(before)
  })

  it('checks every row: type, number, name, column count, duplicates inside the file, the header', async () => {
    const before = await registry()
    const n = idNumber()
    const text = [
      '类型,号码,名字',
      `身份证件,${idNumber()},甲`,
      `身份证,${n},乙`,
      `身份证,${n},丙`,
      `港澳居民来往内地通行证,12345678,丁`,
      `身份证,${idNumber()},戊1`,
      `身份证,${idNumber()}`,
      `,,`,
      `身份证,,己`,
    ].join('\r\n')
    const page = await imported(text)
    for (const message of [
      '第1行：表头应为“证件类型,证件号码,姓名”，请使用导入模板',
      '第2行 证件类型：无法识别“身份证件”',
      '第4行 证件号码：与第3行重复',
      '第5行 证件号码：港澳居民来往内地通行证号码应为9位（H或M及8位纯数字）',
      '第6行 姓名：姓名只能包含汉字、英文字母、空格和间隔号“·”',
      '第7行：应有3列（证件类型,证件号码,姓名），实际为2列',
      '第9行 证件号码：请填写证件号码',
    ])
      expect(page.text).toContain(message)
    expect(page.text).toContain('共7处')
    expect(await registry()).toEqual(before)
  })

  it('reads a file saved as GBK, and asks for a file when none was chosen', async () => {
    const n = idNumber()
    const gbk = iconv.encode(`${HEADER}\n身份证,${n},张三\n`, 'gbk')
    expect((await imported(gbk)).text).toContain('导入成功：共1条，其中新增1条，更新0条。')
    expect((await t.db('identity_registry').where({ doc_number: n }).first()).name).toBe('张三')
    await postMultipart(admin, '/staff/identity-registry', '/staff/identity-registry', { mode: 'upsert' })
    expect((await admin.get('/staff/identity-registry')).text).toContain('请选择要导入的文件')
  })

  it('exports every row as UTF-8 CSV with a BOM, and audits the export', async () => {
    const n = idNumber()
    await t
      .db('identity_registry')
      .insert({ doc_type: 'id_card', doc_number: n, name: '导出', imported_at: t.clock.now() })
    const res = await admin.get('/staff/identity-registry/export.csv').buffer(true)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.text.startsWith(`${BOM}${HEADER}\r\n`)).toBe(true)
    expect(res.text).toContain(`身份证,${n},导出\r\n`)
    const rows = res.text.trim().split('\r\n').length - 1
    expect(rows).toBe(Number((await t.db('identity_registry').count({ n: '*' }).first())!.n))
    expect(await t.db('audit_log').where({ action: 'identity.registry_export' }).first()).toBeDefined()
  })
})
