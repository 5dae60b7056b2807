import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { TEST_PASSWORD, createApplicant, createStaff } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { certificateNumber, registryCertificateRow } from '../helpers/infoFactories'
import { registryCertificate } from '../helpers/registrationFactories'
import * as registration from '../../src/modules/registration/messages'
import * as certification from '../../src/modules/certification/messages'
import { loginStaff, postFrom } from './staffSupport'

// Issue 13, "Texts the manuals give in full, shown in full": the 须知 of both businesses, the
// platform's name of 定期注册, the certificate tables of manual 001, and the administrator's edits.

let t: TestApp
beforeAll(async () => {
  t = await appWithAllRoutes()
})
afterAll(() => t.close())

const squash = (html: string) => html.replace(/\s+/g, ' ')

async function applicant(): Promise<{ a: Agent; who: Awaited<ReturnType<typeof createApplicant>> }> {
  const who = await createApplicant(t.db, { name: '薛明' })
  const a = agent(t.app)
  await loginAs(a, who)
  return { a, who }
}

async function admin(): Promise<Agent> {
  const s = await createStaff(t.db, [{ role: 'admin', scope_type: 'instance', scope_id: null }])
  return loginStaff(t, s.username, TEST_PASSWORD)
}

const SETTINGS = '/staff/admin/settings'
const settingsBody = (over: Record<string, string>) => ({
  bureauName: '台山市教育局',
  contactPhone: '',
  contactEmail: '',
  notice: '',
  registrationNotices: '',
  registrationReminder: '',
  registrationHalf: 'H2',
  registrationMustRead: registration.MUST_READ_DEFAULT.join('\n'),
  certificationMustRead: certification.MUST_READ_DEFAULT.join('\n'),
  registrationMaterials: registration.MATERIALS_DEFAULT.join('\n'),
  mandarinExemptionAllowed: 'no',
  mandarinExemptionNote: certification.MANDARIN_EXEMPTION_NOTE_DEFAULT,
  ...over,
})

describe('定期注册 须知', () => {
  it('is manual 001’s 教师资格定期注册申请人必读 in full, sections as headings, with 返回业务平台 at the top', async () => {
    const { a } = await applicant()
    const page = await a.get('/platform/registration/notice')
    expect(page.status).toBe(200)
    const html = squash(page.text)
    expect(html).toMatch(
      /<h1>教师资格定期注册申请人必读<\/h1> <a class="button button-secondary" href="\/platform">返回业务平台<\/a>/,
    )
    for (const line of registration.MUST_READ_DEFAULT) expect(page.text).toContain(line)
    for (const heading of ['一、注册范围', '二、注册条件', '三、注册材料'])
      expect(page.text).toContain(`<h2>${heading}</h2>`)
    expect(page.text).toContain(
      '<li>(3) 每个注册有效期内完成不少于国家规定的360个培训学时或省级教育行政部门规定的等量学分；</li>',
    )
    expect(page.text).toContain('<li>(3) 中小学或主管部门聘用合同。</li>')
  })

  it('shows the administrator’s text once 系统设置 changes it, and the manual’s again once cleared', async () => {
    const s = await admin()
    const own =
      '一、注册范围\n本县公办和民办中小学、幼儿园教师均须注册。\n(1) 《教师资格定期注册申请表》一式2份；'
    expect((await postFrom(s, SETTINGS, SETTINGS, settingsBody({ registrationMustRead: own }))).status).toBe(
      303,
    )
    const { a } = await applicant()
    const page = (await a.get('/platform/registration/notice')).text
    expect(page).toContain('<p>本县公办和民办中小学、幼儿园教师均须注册。</p>')
    expect(page).not.toContain('部分省份将依法举办的民办普通中小学')
    // the form shows the text to edit; an emptied field brings the manual's back
    expect((await s.get(SETTINGS)).text).toContain('本县公办和民办中小学、幼儿园教师均须注册。')
    await postFrom(s, SETTINGS, SETTINGS, settingsBody({ registrationMustRead: '' }))
    expect((await a.get('/platform/registration/notice')).text).toContain(
      '部分省份将依法举办的民办普通中小学',
    )
    expect(await t.db('settings').where({ key: 'registration_must_read' }).first('value')).toEqual({
      value: '',
    })
  })
})

describe('认定须知', () => {
  it('is 教师资格认定申请人必读, names the wizard’s own buttons and never says one entrance cannot do the other business', async () => {
    const page = await agent(t.app).get('/certification/notice')
    expect(page.status).toBe(200)
    expect(squash(page.text)).toMatch(
      /<h1>教师资格认定申请人必读<\/h1> <a class="button button-secondary" href="\/platform">返回业务平台<\/a>/,
    )
    for (const line of certification.MUST_READ_DEFAULT) expect(page.text).toContain(line)
    for (const button of [
      '【上传并预览】',
      '【上传并预览照片】',
      '【按输入的数值裁剪】',
      '【重新选择】',
      '【申请表预览/下载】',
    ])
      expect(page.text).toContain(button)
    for (const gone of ['反之亦然', '网报入口', '点击图片', '点击上传', '“上传”按钮'])
      expect(page.text).not.toContain(gone)
    expect(page.text).toContain('href="/certification/commitment-template.pdf"')
  })
})

describe('the platform and the certificate tables', () => {
  it('names the business 中小学在职教师定期注册 as manual 000 does, with its records table', async () => {
    const { a } = await applicant()
    const page = (await a.get('/platform')).text
    expect(page).toContain('<h3 id="business-registration">中小学在职教师定期注册</h3>')
    expect(page).toContain('<caption class="table-caption">中小学在职教师定期注册信息</caption>')
  })

  it('lists 个人信息中心’s certificates under manual 001’s headers', async () => {
    const { a, who } = await applicant()
    const cert = await registryCertificateRow(t.db, who, {
      cert_number: certificateNumber(2022),
      issued_on: '2022-03-01',
    })
    const page = (await a.get('/info/certificates')).text
    const headers = [...page.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((m) => m[1])
    expect(headers.slice(0, 5)).toEqual(['证书号码', '认定机构名称', '资格种类', '任教学科', '证书签发日期'])
    expect(squash(page)).toContain(`<td class="nowrap">${cert.cert_number}</td><td>江门市台山市教育局</td>`)
  })

  it('gives the registration wizard’s certificate table manual 001’s 操作 column, where the certificate is chosen', async () => {
    const { a, who } = await applicant()
    const certNumber = await registryCertificate(t.db, who)
    await a.get('/registration/start')
    const agreement = await a.get('/registration/apply/agreement')
    await a
      .post('/registration/apply/agreement')
      .type('form')
      .send({ agree: 'yes', _csrf: csrfFrom(agreement.text) })
    const page = await a.get('/registration/apply/certificate')
    expect(page.status).toBe(200)
    const headers = [...page.text.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((m) => m[1])
    expect(headers).toEqual(['证书编号', '申请资格种类', '任教学科', '上次注册日期', '上次注册结论', '操作'])
    expect(squash(page.text)).toMatch(
      new RegExp(
        `<input type="radio" id="certNumber" name="certNumber" value="${certNumber}"> <label for="certNumber">选择`,
      ),
    )
  })
})
