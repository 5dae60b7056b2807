import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'puppeteer'
import {
  describeInBrowser,
  inspect,
  newPage,
  startBrowserApp,
  submit,
  type BrowserApp,
  type PageElement,
} from '../helpers/browser'
import { createApplicant } from '../helpers/factories'
import { jpeg } from '../fixtures/images'

// 添加教师资格证书信息 as a person sees it in Chromium without JavaScript at 1024 px: 持证人 and
// 身份证件号码 shown from the account, a wide certificate photo shown inside its box, and 补充照片
// offered as optional. Screenshots: screenshots/add-certificate-*.png.

interface Box {
  left: number
  right: number
  top: number
  bottom: number
  width: number
  height: number
}

const FORM = '/registration/certificates/new'

describeInBrowser('添加教师资格证书信息 in a browser without JavaScript', () => {
  let app: BrowserApp
  let page: Page
  let photo: string

  beforeAll(async () => {
    app = await startBrowserApp()
    app.t.clock.set('2026-09-15T02:00:00Z')
    photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cert-')), 'certificate.jpg')
    // a certificate photographed landscape, far wider than the page
    fs.writeFileSync(photo, await jpeg({ width: 2400, height: 1700 }))
    page = await newPage(app.browser)
  }, 60_000)
  afterAll(async () => {
    await app?.close()
  })

  const upload = async () => {
    const input = await page.$('input[type="file"]#photo')
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(photo)
    await submit(page, 'button[name="action"][value="upload"]')
  }
  const boxOf = (selector: string) =>
    page.$eval(selector, (el) => {
      const r = (el as unknown as { getBoundingClientRect(): Box }).getBoundingClientRect()
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height }
    })

  it('fits the certificate photo preview in its box, shows the holder read-only and 补充照片 optional', async () => {
    const a = await createApplicant(app.t.db, { name: '韦丽华' })
    await app.login(page, { docNumber: a.doc_number, password: a.password })
    await app.open(page, FORM)
    expect(await page.$('input[name="holderName"]')).toBeNull()
    expect(await page.$('input[name="docNumber"]')).toBeNull()
    expect(await inspect(page, 'add-certificate-1-empty')).toEqual([])

    await upload()
    const figure = await boxOf('.photo-list figure')
    const img = await boxOf('.photo-list figure img')
    const main = await boxOf('main')
    // the photo inside its frame, the frame inside the page's column, and no taller than a screen
    expect(img.left).toBeGreaterThanOrEqual(figure.left)
    expect(img.right).toBeLessThanOrEqual(figure.right)
    expect(img.bottom).toBeLessThanOrEqual(figure.bottom)
    expect(figure.right).toBeLessThanOrEqual(main.right)
    expect(img.height).toBeLessThanOrEqual(240)
    expect(img.width).toBeGreaterThan(100)
    const label = await page.$eval('label[for="photo"]', (el) => (el as unknown as PageElement).textContent)
    expect(label).toBe('补充照片（选填）')
    expect(await inspect(page, 'add-certificate-2-photo')).toEqual([])
  }, 60_000)
})
