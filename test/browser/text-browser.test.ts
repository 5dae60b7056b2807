import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { appWithAllRoutes, TEST_CAPTCHA, type TestApp } from '../helpers/app'
import { uniqueIdNumber, uniquePhone } from '../helpers/factories'
import { Keys, Lynx, lynxMissing } from '../helpers/lynx'
import {
  certificationApplicant,
  certifyingAuthority,
  commitmentScan,
} from '../helpers/certificationFactories'
import { portrait } from '../fixtures/images'
import {
  fakeBureau,
  idPhoto,
  registryCertificate,
  school,
  taishanBureau,
} from '../helpers/registrationFactories'

// The applicant's whole journeys in lynx, the text browser, driven by keystrokes on a terminal (see
// test/helpers/lynx.ts): register (with the SMS code), log in (the CAPTCHA image fetched as a text
// browser user fetches it, by its address), 实名核验, both wizards with their uploads (lynx sends
// files: its file field takes a path), the records, and the PDF of each application form. Skipped,
// with the reason, when lynx is not installed (CI installs it: .ci/run).

if (lynxMissing) console.warn(`text-browser journeys SKIPPED: ${lynxMissing}`)
const describeInLynx = lynxMissing ? describe.skip : describe

jest.setTimeout(600_000)

const NAME = '陈静怡'
const PASSWORD = 'Lynx#2026ok'

describeInLynx('the applicant’s journeys in lynx (keyboard on a terminal, no JavaScript, no images)', () => {
  let t: TestApp
  let server: http.Server
  let lynx: Lynx
  let dir: string
  const person = { docNumber: uniqueIdNumber(), phone: uniquePhone(), id: 0 }

  beforeAll(async () => {
    t = await appWithAllRoutes({ bureau: { registration: fakeBureau([taishanBureau()]) } })
    t.clock.set('2026-09-15T02:00:00Z')
    server = http.createServer(t.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-lynx-'))
    lynx = new Lynx(`http://127.0.0.1:${(server.address() as { port: number }).port}`, dir)
  }, 120_000)
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve))
    await t?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  const act = (url: string, ...steps: ((k: Keys) => Keys)[]) => lynx.act(url, ...steps)

  const file = async (name: string, bytes: Buffer | Promise<Buffer>) => {
    const p = path.join(dir, name)
    fs.writeFileSync(p, await bytes)
    return p
  }

  it('registers: 实名注册 with the SMS code from 获取短信验证码', async () => {
    const fields = (k: Keys) =>
      k
        .choose('身份证', '证件类型*')
        .fill('姓名*', NAME)
        .fill('证件号码*', person.docNumber)
        .fill('开始日期*', '2020-01-01')
        .fill('结束日期', '2040-01-01')
        .fill('登录密码*', PASSWORD)
        .fill('再次输入登录密码*', PASSWORD)
        .fill('电子邮箱*', 'chenjy@example.com')
        .fill('手机号码*', person.phone)
    const sent = await act('/register', (k) => fields(k).press('获取短信验证码'))
    expect(sent.body).toContain(person.phone)
    const sms = await t.db('outbox').where({ channel: 'sms', recipient: person.phone }).first('body')
    expect(sms).toBeDefined()
    const code = /(\d{6})/.exec(sms.body)![1]
    const after = await act('/register', (k) =>
      fields(k).fill('短信验证码*', code).choose('我已阅读并同意《用户账号注册协议》').press('注册'),
    )
    const row = await t.db('applicants').where({ doc_number: person.docNumber }).first()
    expect(row).toMatchObject({ name: NAME, phone: person.phone })
    person.id = row.id
    expect(after.body).toContain('注册成功，请使用证件号码和密码登录。')
  })

  it('logs in: the CAPTCHA image fetched by its address, then the form', async () => {
    await lynx.dump('/login')
    expect((await lynx.source('/captcha.svg')).toString()).toContain('<svg')
    const platform = await act('/login', (k) =>
      k
        .fill('账号（证件号码）*', person.docNumber)
        .fill('密码*', PASSWORD)
        .fill('验证码*', TEST_CAPTCHA)
        .press('登录'),
    )
    expect(platform.body).toContain(`${NAME}您好，欢迎登录`)
  })

  it('completes the first login: 民族 chosen from the list', async () => {
    const platform = await act('/account/complete', (k) => k.choose('汉族', '民族*').press('提交'))
    expect(platform.body).toContain('业务办理区域')
  })

  it('verifies: 实名核验 against the registry', async () => {
    await t.db('identity_registry').insert({
      doc_type: 'id_card',
      doc_number: person.docNumber,
      name: NAME,
      imported_at: t.clock.now(),
    })
    const after = await act('/identity/verify', (k) => k.press('实名核验'))
    expect(after.body).toContain('核验通过')
    expect((await t.db('applicants').where({ id: person.id }).first()).identity_status).toBe('verified')
  })

  describe('教师资格认定, every step by keystrokes, the photo and the 个人承诺书 uploaded', () => {
    const BASE = '/certification/apply'
    const holder = { pass: '' }
    const certification = { id: 0 }
    beforeAll(async () => {
      const row = await t.db('applicants').where({ id: person.id }).first()
      const held = await certificationApplicant(t.db, { applicant: { ...row, password: PASSWORD } })
      holder.pass = held.pass.cert_number
      await certifyingAuthority(t.db, { name: '南宁市青秀区教育局' })
    })

    it('网上申报协议', async () => {
      await lynx.dump('/certification/start')
      const next = await act(`${BASE}/agreement`, (k) => k.choose('已阅读并完全同意本协议').press('下一步'))
      expect(next.body).toContain('请选择考试形式')
    })

    it('身份与条件: 更新选项 shows the lists, each chosen', async () => {
      const next = await act(
        `${BASE}/conditions`,
        (k) => k.choose('国家统一考试', '请选择考试形式*').press('更新选项'),
        (k) =>
          k
            .choose(holder.pass, '选择本人名下考试合格证明*')
            .choose('二级甲等', '选择普通话证书*')
            .choose('否', '是否应届毕业生*')
            .choose('大学本科', '选择学历*')
            .choose('学士', '选择学位*')
            .press('下一步'),
      )
      expect(next.body).toContain('身份与条件（已完成）')
    })

    it('认定机构: province, city, authority and point, each list shown by 更新选项', async () => {
      const next = await act(
        `${BASE}/authority`,
        (k) => k.choose('广西壮族自治区', '认定所在地（省）*').press('更新选项'),
        (k) => k.choose('南宁市', '认定所在地（市）*').press('更新选项'),
        (k) =>
          k.choose('南宁市青秀区教育局', '认定机构*').choose('认定确认点', '选择确认点*').press('下一步'),
      )
      expect(next.body).toContain('认定机构（已完成）')
    })

    it('认定信息: the lists, the fields and the ID photo uploaded by its path', async () => {
      const photo = await file(
        '证件照.jpg',
        portrait({ width: 600, height: 800, background: '#ffffff', grain: true }),
      )
      const next = await act(`${BASE}/information`, (k) =>
        k
          .choose('汉族', '民族*')
          .choose('群众', '政治面貌*')
          .choose('师范教育类', '专业类别*')
          .choose('普通全日制', '学习形式*')
          .fill('工作单位*', '南宁市青秀区滨湖路小学')
          .fill('现从事职业*', '教师')
          .fill('专业技术职务*', '无')
          .fill('户籍所在地*', '广西南宁市青秀区')
          .fill('出生地*', '广西南宁市')
          .fill('通讯地址*', '广西南宁市青秀区民族大道100号')
          .fill('邮编*', '530022')
          .fill('证件照*', photo)
          .press('下一步'),
      )
      expect(next.body).toContain('认定信息（已完成）')
    })

    it('个人承诺书: the scan uploaded and previewed, the box typed as numbers, then saved', async () => {
      const scan = await file('个人承诺书.jpg', commitmentScan())
      const next = await act(
        `${BASE}/commitment-scan`,
        (k) => k.fill('个人承诺书扫描件*', scan).press('上传并预览'),
        (k) =>
          k
            .fill('左', '100', '或输入裁剪区域')
            .fill('上', '80', '或输入裁剪区域')
            .fill('宽', '900', '或输入裁剪区域')
            .fill('高', '700', '或输入裁剪区域')
            .press('按输入的数值裁剪'),
        (k) => k.press('下一步'),
      )
      expect(next.body).toContain('个人承诺书（已完成）')
    })

    it('证书领取方式', async () => {
      const next = await act(`${BASE}/collection`, (k) =>
        k.choose('现场领取', '证书领取方式*').press('下一步'),
      )
      expect(next.body).toContain('证书领取方式（已完成）')
    })

    it('个人简历: a row, 添加一行, a second row', async () => {
      const columns = ['开始时间', '结束时间', '单位', '职务', '证明人']
      const first = (await lynx.dump(`${BASE}/resume`)).after('第1条 开始时间')
      // Each row is its five fields and its 删除 button: the added row's fields follow the first's.
      // (They are counted, not looked up: lynx's printout of a page it has typed into garbles wide
      // characters, and the page with the added row exists only once, after the post.)
      const next = await act(
        `${BASE}/resume`,
        (k) =>
          ['2014-09', '2018-06', '广西师范大学', '学生', '李老师']
            .reduce((keys, cell, i) => keys.fill(`第1条 ${columns[i]}`, cell), k)
            .press('添加一行'),
        (k) =>
          ['2018-07', '2026-08', '南宁市青秀区滨湖路小学', '教师', '王校长']
            .reduce((keys, cell, i) => keys.go(first + 6 + i).type(cell), k)
            .press('下一步'),
      )
      expect(next.body).toContain('个人简历（已完成）')
      // 确认信息 shows what was entered, the rows of the CV among it.
      expect(next.body).toContain('南宁市青秀区滨湖路小学')
    })

    it('确认信息, 注意事项, 个人承诺 (同意): the 申报提醒 with the 报名号', async () => {
      await act(`${BASE}/review`, (k) => k.press('下一步'))
      await act(`${BASE}/notices`, (k) => k.press('下一步'))
      const reminder = await act(`${BASE}/commitment`, (k) =>
        k.choose('同意', '是否同意个人承诺*').press('提交'),
      )
      const application = await t.db('certification_applications').where({ applicant_id: person.id }).first()
      expect(application).toBeDefined()
      expect(reminder.body).toContain('申报提醒')
      expect(reminder.body).toContain(application.number)
      certification.id = application.id
    })

    it('我的认定: the record, and the 申请表 PDF downloaded', async () => {
      const records = await lynx.dump('/certification/records')
      expect(records.body).toContain('网报待确认')
      const record = await lynx.dump(`/certification/records/${certification.id}`)
      expect(record.body).toContain(NAME)
      const pdf = await lynx.source(`/certification/records/${certification.id}/form`)
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    })
  })

  describe('定期注册, every step by keystrokes, the photo uploaded', () => {
    const BASE = '/registration/apply'
    const registration = { id: 0, cert: '' }
    beforeAll(async () => {
      registration.cert = await registryCertificate(t.db, { name: NAME, doc_number: person.docNumber })
      await school(t.db, '华南师范大学')
    })

    it('网上申报协议, 选择本次注册的教师资格证', async () => {
      await lynx.dump('/registration/start')
      const next = await act(`${BASE}/agreement`, (k) => k.choose('已阅读并完全同意').press('下一步'))
      expect(next.body).toContain('网上申报协议（已完成）')
      const chosen = await act(`${BASE}/certificate`, (k) =>
        k.choose(`选择证书${registration.cert}`).press('下一步'),
      )
      expect(chosen.body).toMatch(/^\s+填写注册信息$/m)
    })

    it('填写注册信息: the lists, the 毕业学校 found by 查询', async () => {
      const next = await act(
        `${BASE}/information`,
        (k) =>
          k
            .choose('二级甲等', '普通话证书信息*')
            .choose('大学本科', '最高学历信息*')
            .choose('师范教育类', '最高学历专业类别*')
            .choose('汉语言文学', '所学专业*')
            .choose('学士', '最高学位信息*')
            .fill('毕业时间*', '2010-06-30')
            .fill('学校名称', '华南师范', '毕业学校*')
            .choose('普通全日制', '学习形式*')
            .fill('现任教学校（请填写学校全称）*', '台山市台城桂水小学')
            .choose('县镇', '任教学校所在地*')
            .choose('公办小学', '任教学校性质*')
            .choose('无', '教师职务（职称）*')
            .fill('开始参加工作时间*', '2010-09-01')
            .fill('户籍所在地*', '广东省台山市')
            .fill('本单位聘用起始日期*', '2015-09-01')
            .choose('群众', '政治面貌*')
            .choose('在编在岗', '岗位性质*')
            .fill('通讯地址*', '广东省台山市台城街道环市路1号')
            .fill('通讯邮编*', '529200')
            .press('查询'),
        (k) => k.choose('华南师范大学', '毕业学校*').press('下一步'),
      )
      expect(next.body).toMatch(/^\s+注册条件$/m)
    })

    it('注册条件, 证件照 (uploaded by its path)', async () => {
      const conditions = await act(`${BASE}/conditions`, (k) =>
        [
          '有良好的师德表现*',
          '年度考核合格以上等次*',
          '或省级教育行政部门规定的等量学分*',
          '胜任教育教学工作*',
        ]
          .reduce((keys, condition) => keys.choose('是', condition), k)
          .press('下一步'),
      )
      expect(conditions.body).toMatch(/^\s+上传照片$/m)
      const photo = await file('证件照-注册.jpg', idPhoto())
      const next = await act(`${BASE}/photo`, (k) => k.fill('证件照*', photo).press('下一步'))
      expect(next.body).toContain('填写注册信息（已完成）')
    })

    it('选择注册机构: each list shown by 更新选项', async () => {
      const next = await act(
        `${BASE}/authority`,
        (k) => k.choose('广东省', '选择省*').choose('小学', '现任教学段*').press('更新选项'),
        (k) => k.choose('江门市', '选择市*').choose('语文', '现任教学科*').press('更新选项'),
        (k) =>
          k.choose('江门市台山市教育局', '注册机构*').choose('台山市新宁小学', '选择确认点*').press('下一步'),
      )
      expect(next.body).toContain('选择注册机构（已完成）')
    })

    it('确认申报信息, 注意事项, 提交注册申请 (同意): the 申报提醒 with the 报名号', async () => {
      const review = await lynx.dump(`${BASE}/review`)
      expect(review.body).toContain('华南师范大学')
      await act(`${BASE}/review`, (k) => k.press('下一步'))
      await act(`${BASE}/notices`, (k) => k.press('下一步'))
      const reminder = await act(`${BASE}/commitment`, (k) =>
        k.choose('同意', '是否同意个人承诺*').press('提交'),
      )
      const row = await t.db('registrations').where({ applicant_id: person.id }).first()
      expect(row).toBeDefined()
      expect(reminder.body).toContain('申报提醒')
      expect(reminder.body).toContain(row.number)
      registration.id = row.id
    })

    it('我的注册: the record, and the 申请表 PDF downloaded', async () => {
      const records = await lynx.dump('/registration/records')
      expect(records.body).toContain('网报待确认')
      const record = await lynx.dump(`/registration/records/${registration.id}`)
      expect(record.body).toContain(NAME)
      const pdf = await lynx.source(`/registration/records/${registration.id}/form`)
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    })
  })
})
