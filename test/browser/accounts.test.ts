import type { Browser, BrowserContext, Page } from 'puppeteer'
import {
  describeInBrowser,
  fill,
  inspect,
  mainText,
  newPage,
  pathOf,
  startBrowserApp,
  submit,
  type BrowserApp,
  type PageElement,
} from '../helpers/browser'
import { uniqueIdNumber, uniquePhone } from '../helpers/factories'

// 实名注册 as a first-time applicant meets it with JavaScript off: the buttons that leave the page
// (获取短信验证码, the agreement) must bring back everything typed, passwords included.

const PASSWORD = 'Secret#2026x'

describeInBrowser('实名注册 in a browser without JavaScript', () => {
  let app: BrowserApp
  let browser: Browser
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    app = await startBrowserApp()
    browser = app.browser
    context = await browser.createBrowserContext()
    page = await newPage(context)
  }, 120_000)
  afterAll(async () => {
    await context?.close()
    await app?.close()
  })

  const valueOf = (id: string) => page.$eval(`#${id}`, (el) => (el as unknown as PageElement).value)
  const checked = (id: string) => page.$eval(`#${id}`, (el) => (el as unknown as PageElement).checked)

  async function fillEverything(phone: string, docNumber: string): Promise<void> {
    await app.open(page, '/register')
    await page.click('#docType')
    await fill(page, {
      name: '陈晓',
      docNumber,
      validFrom: '2020-01-01',
      validTo: '2040-01-01',
      password: PASSWORD,
      passwordConfirm: PASSWORD,
      email: 'chen.xiao@example.com',
      phone,
    })
  }

  it('keeps both password fields filled after 获取短信验证码, so 注册 then succeeds', async () => {
    const phone = uniquePhone()
    const docNumber = uniqueIdNumber()
    await fillEverything(phone, docNumber)
    await submit(page, 'button[value="sms"]')
    expect(await mainText(page)).toContain('验证码已发送')
    expect(await valueOf('password')).toBe(PASSWORD)
    expect(await valueOf('passwordConfirm')).toBe(PASSWORD)
    expect(await valueOf('name')).toBe('陈晓')
    expect(await inspect(page, 'accounts-register-code-sent')).toEqual([])

    const sms = await app.t
      .db('outbox')
      .where({ channel: 'sms', recipient: phone })
      .orderBy('id', 'desc')
      .first('body')
    await fill(page, { smsCode: /(\d{6})/.exec(sms.body)![1] })
    await page.click('#agree')
    await submit(page, 'form[action="/register"] button.button:not(.button-secondary)')
    expect(pathOf(page)).toBe('/login')
    expect(await app.t.db('applicants').where({ doc_number: docNumber }).first('id')).toBeTruthy()
  })

  it('opens the agreement in the same window, and its 同意 returns to the filled form with the box ticked', async () => {
    await fillEverything(uniquePhone(), uniqueIdNumber())
    await submit(page, 'button[value="agreement"]')
    expect(await mainText(page)).toContain('用户账号注册协议')
    expect(await inspect(page, 'accounts-register-agreement-carried')).toEqual([])
    await submit(page, 'button[value="agree"]')
    expect(await valueOf('name')).toBe('陈晓')
    expect(await valueOf('password')).toBe(PASSWORD)
    expect(await valueOf('passwordConfirm')).toBe(PASSWORD)
    expect(await checked('agree')).toBe(true)
  })

  it('shows the SMS limit under a heading that says the code was not sent', async () => {
    const phone = uniquePhone()
    await fillEverything(phone, uniqueIdNumber())
    for (let i = 0; i < 4; i++) await submit(page, 'button[value="sms"]')
    const heading = await page.$eval(
      '#error-summary-title',
      (el) => (el as unknown as PageElement).textContent,
    )
    expect(heading).toBe('短信验证码未发送，原因如下')
    expect(await valueOf('password')).toBe(PASSWORD)
    expect(await inspect(page, 'accounts-register-sms-limit')).toEqual([])
  })
})
