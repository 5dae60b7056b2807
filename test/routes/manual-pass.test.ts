import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { fakeBureau, school, swappable } from '../helpers/registrationFactories'
import {
  applicantWithRegistration,
  bureauRows,
  scopedStaff,
  signedIn,
  twoAuthorities,
} from './registrationRecordsSupport'
import { applicantWithApplication, certifyingBureau } from './certificationRecordsSupport'

// Issue 13, "your own line-by-line pass of the seeds": what the pages said differently from the
// manuals beyond the list (the findings are in the closing note).

let t: TestApp
const bureau = swappable(fakeBureau([]))

beforeAll(async () => {
  t = await appWithAllRoutes({ bureau: { registration: bureau.port } })
  await school(t.db, '华南师范大学')
  await bureauRows(t, twoAuthorities())
})
afterAll(() => t.close())
beforeEach(() => {
  bureau.use(fakeBureau(twoAuthorities()))
  t.clock.set('2026-09-15T02:00:00Z')
})

const squash = (html: string) => html.replace(/\s+/g, ' ')

describe('定期注册 records in the words of manual 001', () => {
  it('详情 and the staff detail name the certificate’s 认定机构 and 证书签发日期 (manual 001 §2.2), not 发证机关/发证日期', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    for (const page of [
      (await a.get(`/registration/records/${registration.id}`)).text,
      (await clerk.a.get(`/staff/registrations/${registration.id}`)).text,
    ]) {
      const html = squash(page)
      expect(html).toMatch(/<dt>认定机构<\/dt> ?<dd>台山市教育局<\/dd>/)
      expect(html).toMatch(/<dt>证书签发日期<\/dt> ?<dd>2010-07-01<\/dd>/)
      expect(html).not.toContain('发证机关')
      expect(html).not.toContain('发证日期')
    }
  })

  it('我的注册 explains every 注册结论 the applicant can meet, 选错注册机构 and 不属于注册对象 as manual 002 §5 does, and where the conclusion ends up (manual 001 §3.2)', async () => {
    const { applicant } = await applicantWithRegistration(t, { status: 'wrong_authority' })
    const a = await signedIn(t, applicant)
    const page = squash((await a.get('/registration/records')).text)
    for (const text of [
      '由确认点收取确认所需材料后给出相应的确认结论，待材料上交至注册初审机构核查后，注册初审机构将给出相应的注册结论。',
      '注册结论将体现在教师资格证书的注册贴上。',
      '“选错注册机构”：注册机构不受理您的申报。请根据规定及注册机构工作安排，在网报时间内修改为正确的注册机构',
      '“不属于注册对象”：注册机构审批您的申报材料，发现您不在注册范围。',
      '“注册合格”',
      '“暂缓注册”',
      '“注册不合格”',
    ])
      expect(page).toContain(text)
  })
})

describe('申报提醒 of both businesses', () => {
  it('asks the applicant to read it and note what it says, as manuals 000 §3.2 (10) and 001 §3.1.2 7) do', async () => {
    const sentence =
      '页面展示申报提醒即为报名成功，请仔细阅读页面中的内容并做好相关信息记录，并按照要求完成后续工作。'
    const reg = await applicantWithRegistration(t)
    const regPage = await (
      await signedIn(t, reg.applicant)
    ).get(`/registration/records/${reg.registration.id}/reminder`)
    expect(regPage.status).toBe(200)
    expect(regPage.text).toContain(sentence)
    const cert = await applicantWithApplication(t, await certifyingBureau(t))
    const certPage = await (
      await signedIn(t, cert.applicant)
    ).get(`/certification/records/${cert.application.id}/reminder`)
    expect(certPage.status).toBe(200)
    expect(certPage.text).toContain(sentence)
  })
})
