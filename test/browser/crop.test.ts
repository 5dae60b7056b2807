import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import type { Page } from 'puppeteer'
import {
  describeInBrowser,
  fill,
  inspect,
  mainText,
  newPage,
  startBrowserApp,
  submit,
  type BrowserApp,
  type PageElement,
} from '../helpers/browser'
import { createApplicant } from '../helpers/factories'
import { CROP_DEMO_VIEWS, cropDemoRoutes } from '../fixtures/crop/routes'
import { commitmentScan } from '../fixtures/crop/scan'

// The 个人承诺书 crop in headless Chromium with JavaScript OFF at 1024×768: upload the scan, click two
// corners of the dashed box on the <input type="image">, check the cut-out's pixels, then the
// typed numbers and a refusal. Screenshots go to screenshots/crop-*.png for a person to look at.

declare const window: { scrollBy(x: number, y: number): void }

describeInBrowser('the 个人承诺书 crop in a browser without JavaScript', () => {
  let app: BrowserApp
  let page: Page
  let scanPath: string
  const who = { docNumber: '', password: '' }

  beforeAll(async () => {
    app = await startBrowserApp({ routes: cropDemoRoutes, viewDirs: [CROP_DEMO_VIEWS] })
    const a = await createApplicant(app.t.db, { name: '李明' })
    Object.assign(who, { docNumber: a.doc_number, password: a.password })
    scanPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-crop-')), '个人承诺书.jpg')
    fs.writeFileSync(scanPath, await commitmentScan())
    page = await newPage(app.browser)
    await app.login(page, who)
  }, 60_000)
  afterAll(async () => {
    fs.rmSync(path.dirname(scanPath), { recursive: true, force: true })
    await app?.close()
  })

  /** Clicks the scan at (x, y) of its drawn pixels with the mouse, scrolling that point into view. */
  async function clickScan(x: number, y: number): Promise<void> {
    await page.$eval(
      '#corner',
      (el, dy) => {
        const r = (el as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect()
        window.scrollBy(0, r.top + (dy as number) - 384)
      },
      y,
    )
    const box = await (await page.$('#corner'))!.boundingBox()
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.mouse.click(box!.x + x, box!.y + y),
    ])
  }

  const value = (id: string) => page.$eval(`#${id}`, (el) => (el as unknown as PageElement).value)
  const hidden = (name: string) =>
    page.$eval(`input[name="${name}"]`, (el) => (el as unknown as PageElement).value)

  async function storedSize(id: string) {
    const row = await app.t.db('files').where({ id }).first('content', 'kind')
    expect(row.kind).toBe('commitment_crop')
    const meta = await sharp(row.content as Buffer).metadata()
    return { width: meta.width, height: meta.height }
  }

  it('uploads the scan and shows it as the image to click', async () => {
    await app.open(page, '/crop-demo')
    expect(await inspect(page, 'crop-empty')).toEqual([])
    const input = await page.$('#commitment')
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(scanPath)
    await submit(page, 'button[name="_action"][value="preview"]')
    expect(await page.$('input[type="image"]#corner')).not.toBeNull()
    const size = await page.$eval('#corner', (el) => {
      const e = el as unknown as PageElement & { width: number; height: number }
      return [e.width, e.height]
    })
    expect(size).toEqual([600, 800])
    expect(await mainText(page)).toContain('尚未选择：请点击虚线框的第一个角。')
    expect(await inspect(page, 'crop-scan')).toEqual([])
  }, 30_000)

  it('marks the first corner, then crops at the opposite one', async () => {
    await clickScan(50, 150)
    expect(await mainText(page)).toContain('已选择第一个角')
    expect(await page.$('.crop-marker')).not.toBeNull()
    const [x, y] = (await hidden('cropFirst')).split(',').map(Number)
    expect(Math.abs(x - 100)).toBeLessThanOrEqual(2)
    expect(Math.abs(y - 300)).toBeLessThanOrEqual(2)
    expect(await inspect(page, 'crop-first-corner')).toEqual([])

    await clickScan(550, 550)
    expect(await page.$('#crop-preview')).not.toBeNull()
    expect(await page.$('.crop-rect')).not.toBeNull()
    const numbers = await Promise.all(['cropLeft', 'cropTop', 'cropWidth', 'cropHeight'].map(value))
    const [left, top, width, height] = numbers.map(Number)
    for (const [got, want] of [
      [left, 100],
      [top, 300],
      [width, 1000],
      [height, 800],
    ])
      expect(Math.abs(got - want)).toBeLessThanOrEqual(2)
    expect(await storedSize(await hidden('cropFileId'))).toEqual({ width, height })
    expect(await inspect(page, 'crop-done')).toEqual([])
  }, 30_000)

  it('redoes, then crops by typed numbers, and shows a refusal beside the field', async () => {
    await submit(page, 'button[name="_action"][value="redo"]')
    expect(await page.$('#crop-preview')).toBeNull()
    expect(await hidden('commitmentFileId')).not.toBe('')

    await fill(page, { cropLeft: '900', cropTop: '300', cropWidth: '400', cropHeight: '800' })
    await submit(page, 'button[name="_action"][value="crop"]')
    expect(await mainText(page)).toContain('裁剪区域超出图片右边缘')
    expect(await page.$('.error-summary a[href="#cropWidth"]')).not.toBeNull()
    expect(await page.$('input[type="image"]#corner')).not.toBeNull()
    expect(await inspect(page, 'crop-error')).toEqual([])

    await fill(page, { cropLeft: '100', cropTop: '300', cropWidth: '1000', cropHeight: '800' })
    await submit(page, 'button[name="_action"][value="crop"]')
    expect(await storedSize(await hidden('cropFileId'))).toEqual({ width: 1000, height: 800 })

    await submit(page, 'form[action="/crop-demo"] button.button:not(.button-secondary)')
    expect(await mainText(page)).toContain('已保存')
  }, 30_000)
})
