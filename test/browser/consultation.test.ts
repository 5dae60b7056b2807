import type { Page } from 'puppeteer'
import {
  describeInBrowser,
  inspect,
  mainText,
  newPage,
  type BrowserApp,
  startBrowserApp,
} from '../helpers/browser'
import { createApplicant, createStaff } from '../helpers/factories'

// Issue 13's closing pass, rows 4, 10 and 14, as a person sees them with JavaScript off at 1024 px:
// the 咨询服务 page reached from the header, 实名注册's hint, 个人信息中心's note and 系统设置's form.

describeInBrowser('咨询服务, 实名注册 and 个人信息中心 in a browser without JavaScript', () => {
  let app: BrowserApp
  let page: Page
  const applicant = { docNumber: '', password: '' }
  const admin = { username: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp()
    const now = new Date('2026-09-01T00:00:00Z')
    await app.t.db('authorities').insert({
      name: '江门市台山市教育局',
      region_code: '440781',
      level: 'county',
      phone: '0750-5522000',
      address: '台山市台城环北大道',
      registers: true,
      certifies: true,
      stages: ['1', '2', '3'],
      qualification_types: ['1', '2', '3'],
      created_at: now,
      updated_at: now,
    })
    await app.t.db('settings').insert([
      { key: 'contact_email', value: JSON.stringify('jszg@taishan.example.cn'), updated_at: now },
      { key: 'contact_phone', value: JSON.stringify('0750-5550000'), updated_at: now },
      { key: 'contact_hours', value: JSON.stringify('工作日 8:30—12:00，14:30—17:30'), updated_at: now },
    ])
    const a = await createApplicant(app.t.db, { name: '薛明' })
    Object.assign(applicant, { docNumber: a.doc_number, password: a.password })
    const s = await createStaff(app.t.db, [{ role: 'admin' }], { name: '张管理' })
    Object.assign(admin, { username: s.username, password: s.password })
    page = await newPage(app.browser)
  }, 120_000)
  afterAll(() => app?.close())

  it('咨询服务 opens from the header’s 咨询服务 and shows the bureau’s e-mail with the manual’s subject rule', async () => {
    await app.open(page, '/')
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('nav[aria-label="主导航"] a[href="/consultation"]'),
    ])
    expect(new URL(page.url()).pathname).toBe('/consultation')
    const text = await mainText(page)
    expect(text).toContain('jszg@taishan.example.cn')
    expect(text).toContain('邮件主题：真实姓名+问题关键词')
    expect(text).toContain('0750-5522000')
    expect(await inspect(page, 'consultation-01-page')).toEqual([])
  })

  it('实名注册 asks for every field to be typed by hand', async () => {
    await app.open(page, '/register')
    expect(await mainText(page)).toContain('（请每一项都要手动输入）')
    expect(await inspect(page, 'consultation-02-register')).toEqual([])
  })

  it('个人信息中心 says 定期注册 needs no verified 学历 or 普通话', async () => {
    await app.login(page, applicant)
    await app.open(page, '/info')
    expect(await mainText(page)).toContain('注意：定期注册业务办理无需核验学历、普通话等信息。')
    expect(await inspect(page, 'consultation-03-info')).toEqual([])
    await app.open(page, '/consultation')
    expect(await inspect(page, 'consultation-04-page-signed-in')).toEqual([])
  })

  it('系统设置 carries the 咨询服务 texts with the manual’s as the default', async () => {
    const context = await app.browser.createBrowserContext()
    const staffPage = await newPage(context)
    await app.login(staffPage, admin)
    await app.open(staffPage, '/staff/admin/settings')
    const value = await staffPage.$eval(
      '#consultationEmail',
      (el) => (el as unknown as { value: string }).value,
    )
    expect(value).toContain('邮件主题：真实姓名+问题关键词')
    expect(await inspect(staffPage, 'consultation-05-settings')).toEqual([])
    await context.close()
  })
})
