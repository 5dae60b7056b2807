import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { createPdfService, imageDataUrl, type PdfService } from '../../src/services/pdf'
import { launchChromium } from '../../src/services/browser'
import { TestClock } from '../helpers/clock'
import { verifyUrl } from '../../src/services/qr'
import { fakeCertificationForm, fakeRegistrationForm, PLAIN_NAME, RARE_NAME } from '../fixtures/pdfForms'
import { pdfImageCount, pdfImages, pdfPagePng, pdfPages, pdfText, qrOnPage, SCREENSHOTS } from './pdfSupport'

const PUBLIC_URL = 'https://jszg.example.gov.cn'
const squash = (s: string) => s.replace(/\s+/g, '')

describe('image and QR helpers', () => {
  test('imageDataUrl takes JPEG and PNG by their bytes and nothing else', async () => {
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .jpeg()
      .toBuffer()
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .png()
      .toBuffer()
    expect(imageDataUrl(jpeg)).toMatch(/^data:image\/jpeg;base64,/)
    expect(imageDataUrl(png)).toMatch(/^data:image\/png;base64,/)
    expect(imageDataUrl(Buffer.from('<svg onload="x"></svg>'))).toBeUndefined()
  })

  test('the verify URL carries the 核验码, encoded', () => {
    expect(verifyUrl('https://a.example/', 'k7qf2m5xw4hv3pazrt6nbydc5e')).toBe(
      'https://a.example/verify?code=k7qf2m5xw4hv3pazrt6nbydc5e',
    )
    expect(verifyUrl('https://a.example', 'A B&c')).toBe('https://a.example/verify?code=A%20B%26c')
  })
})

describe('PDF service', () => {
  let pdf: PdfService
  const clock = new TestClock('2026-09-15T02:00:00Z')

  beforeAll(() => {
    pdf = createPdfService({ pages: 2, publicUrl: PUBLIC_URL, clock })
  })
  afterAll(async () => {
    await pdf?.close()
  })

  test('定期注册申请表: every field, the rare name, 第 N 次注册, two copies, the QR of /verify and its 核验码', async () => {
    const form = await fakeRegistrationForm({ registrationCount: 3 })
    const out = await pdf.render('registration-form', form)
    expect(out.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdfPages(out)).toBe(2)
    const text = squash(pdfText(out))
    expect(text).toContain(squash(RARE_NAME))
    expect(text).toContain(form.number)
    expect(text).toContain('第3次注册')
    expect(text).toContain('第1份，共2份')
    expect(text).toContain('第2份，共2份')
    expect(text).toContain('生成时间：2026-09-1510:00')
    for (const label of [
      '证件类型',
      '证件号码',
      '证书号码',
      '签发日期',
      '资格种类',
      '认定机构',
      '任教学科',
      '性别',
      '出生日期',
      '民族',
      '现任教学段',
      '现任教学科',
      '注册机构',
      '确认点',
      '最高学历',
      '最高学位',
      '政治面貌',
      '学校所在地',
      '学校性质',
      '现任教学校',
      '聘用起始日期',
      '岗位性质',
      '普通话水平',
      '参加工作时间',
      '职称',
      '户籍所在地',
      '通讯地址',
      '邮编',
      '手机',
      '任教学校意见',
      '确认点意见',
      '注册机构意见',
    ])
      expect(text).toContain(label)
    // (long values wrap inside their cell, so these are the ones that fit on one line)
    for (const value of [form.docNumber, form.certNumber, form.currentSchool, form.point, form.household])
      expect(text).toContain(squash(value))
    // the photo on each copy, and the QR code (a vector) opens /verify with the 核验码, printed too
    expect(pdfImageCount(out)).toBeGreaterThanOrEqual(2)
    expect(await qrOnPage(out)).toBe(`${PUBLIC_URL}/verify?code=${form.verifyCode}`)
    expect(text).toContain(`核验码：${form.verifyCode}`)
    pdfPagePng(out, 1, 110, path.join(SCREENSHOTS, 'pdf-registration-form.png'))
  })

  test('教师资格认定申请表: fields, résumé rows, photo and 个人承诺书 crop on one page, QR', async () => {
    const form = await fakeCertificationForm()
    const out = await pdf.render('certification-form', form)
    expect(pdfPages(out)).toBe(1)
    const text = squash(pdfText(out))
    expect(text).toContain(squash(RARE_NAME))
    expect(text).toContain(form.number)
    for (const label of [
      '考试合格证明',
      '申请资格种类',
      '是否在校生',
      '发证单位',
      '出生地',
      '工作单位',
      '现从事职业',
      '专业技术职务',
      '联系电话',
      '开始时间',
      '结束时间',
      '证明人',
      '个人承诺书',
      '确认点审核意见',
      '认定机构审查意见',
    ])
      expect(text).toContain(label)
    for (const row of form.resume) expect(text).toContain(squash(row.unit))
    expect(pdfImageCount(out)).toBeGreaterThanOrEqual(2)
    expect(await qrOnPage(out)).toBe(`${PUBLIC_URL}/verify?code=${form.verifyCode}`)
    expect(text).toContain(`核验码：${form.verifyCode}`)
    pdfPagePng(out, 1, 110, path.join(SCREENSHOTS, 'pdf-certification-form.png'))
  })

  test('个人承诺书 template: the dashed box the applicant signs inside', async () => {
    const html = await pdf.html('commitment-template', [{ name: PLAIN_NAME }])
    expect(html).toMatch(/\.dashed-box \{ border: [\d.]+pt dashed #000/)
    expect(html).toContain('class="dashed-box"')
    // the signature and the date are inside the box
    const box = html.slice(html.indexOf('class="dashed-box"'))
    expect(box.indexOf('承诺人（签名）')).toBeGreaterThan(0)
    expect(box.indexOf('承诺人（签名）')).toBeLessThan(box.indexOf('<div class="foot">'))
    const out = await pdf.render('commitment-template', { name: PLAIN_NAME })
    expect(pdfPages(out)).toBe(1)
    const text = squash(pdfText(out))
    expect(text).toContain('个人承诺书')
    expect(text).toContain(squash(PLAIN_NAME))
    expect(text).toContain('承诺人（签名）')
    pdfPagePng(out, 1, 110, path.join(SCREENSHOTS, 'pdf-commitment-template.png'))
  })

  test('renderMany: every form in one PDF, each starting on a new page', async () => {
    const forms = await Promise.all(
      ['4501032026000201', '4501032026000202', '4501032026000203'].map((number) =>
        fakeRegistrationForm({ number, name: `张${number.slice(-1)}` }),
      ),
    )
    const out = await pdf.renderMany('registration-form', forms)
    expect(pdfPages(out)).toBe(6)
    const text = squash(pdfText(out))
    for (const f of forms) expect(text).toContain(f.number)
    const cert = await pdf.renderMany('certification-form', [
      await fakeCertificationForm(),
      await fakeCertificationForm({ number: '4501032026100046' }),
    ])
    expect(pdfPages(cert)).toBe(2)
    await expect(pdf.renderMany('registration-form', [])).rejects.toThrow(/at least one/)
  })

  test('what the applicant typed is printed as text, never as markup', async () => {
    const out = await pdf.render(
      'registration-form',
      await fakeRegistrationForm({ name: '<b>王</b>五', address: '<img src="file:///etc/passwd">' }),
    )
    const text = squash(pdfText(out))
    expect(text).toContain('<b>王</b>五')
    expect(text).toContain(squash('<img src="file:///etc/passwd">'))
  })

  test('only views/pdf templates by plain name; images only as JPEG/PNG data', async () => {
    await expect(pdf.render('../pages/public/home', {})).rejects.toThrow(/not a PDF template name/)
    await expect(pdf.render('no-such-form', {})).rejects.toThrow(/template not found/)
    const html = await pdf.html('registration-form', [
      await fakeRegistrationForm({ photo: 'http://example.com/me.jpg' }),
    ])
    expect(html).not.toContain('example.com')
    expect(html).toContain('>照片<')
  })

  test('interception refuses file://, http(s):// and every other URL: nothing is fetched', async () => {
    let hits = 0
    const server = http.createServer((_req, res) => {
      hits++
      res.end('x')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const local = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-pdf-img-'))
    const diskImage = path.join(dir, 'x.png')
    fs.writeFileSync(
      diskImage,
      await sharp({ create: { width: 50, height: 50, channels: 3, background: '#f00' } })
        .png()
        .toBuffer(),
    )
    try {
      const before = pdf.stats().aborted
      const out = await pdf.printHtml(`<!doctype html><html><head>
        <link rel="stylesheet" href="${local}/style.css">
        <style>body { background: url(${local}/bg.png) } @font-face { font-family: X; src: url(file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf) } p { font-family: X }</style>
        </head><body>
        <p>hostile</p>
        <img src="file:///etc/passwd"><img src="file://${diskImage}"><img src="http://example.com/x.png"><img src="${local}/x.png">
        <iframe src="file:///etc/passwd"></iframe><iframe src="${local}/frame"></iframe>
        <object data="${local}/o"></object><script src="${local}/s.js"></script>
        </body></html>`)
      expect(hits).toBe(0)
      const { aborted, abortedUrls } = pdf.stats()
      expect(aborted - before).toBeGreaterThanOrEqual(6)
      expect(abortedUrls).toEqual(
        expect.arrayContaining([`${local}/x.png`, `${local}/style.css`, `${local}/bg.png`, `${local}/frame`]),
      )
      // Chromium upgrades the http image of an https page; either way it is refused
      expect(abortedUrls.some((u) => /^https?:\/\/example\.com\/x\.png$/.test(u))).toBe(true)
      // file:// never loads from the form's origin (Chromium refuses it before interception): the
      // 50×50 image on disk does not reach the PDF, only Chromium's 14×16 broken-image icons do
      for (const image of pdfImages(out)) expect(image.width).toBeLessThan(20)
      expect(pdfText(out)).not.toMatch(/root:.*:0:0/)
    } finally {
      server.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a killed browser is started again; the pool keeps serving', async () => {
    await pdf.render('commitment-template', {})
    const pid = pdf.browserPid()
    expect(pid).toBeGreaterThan(0)
    const launches = pdf.stats().launches
    process.kill(pid!, 'SIGKILL')
    await new Promise((r) => setTimeout(r, 300))
    const out = await pdf.render('commitment-template', {})
    expect(pdfPages(out)).toBe(1)
    expect(pdf.stats().launches).toBe(launches + 1)
    expect(pdf.browserPid()).not.toBe(pid)

    // killed in the middle of renders: each of them still ends with a PDF (retried once on a new browser)
    const form = await fakeRegistrationForm()
    const renders = Array.from({ length: 3 }, () => pdf.render('registration-form', form))
    await new Promise((r) => setTimeout(r, 150))
    process.kill(pdf.browserPid()!, 'SIGKILL')
    const results = await Promise.all(renders)
    for (const r of results) expect(pdfPages(r)).toBe(2)
    expect(pdf.stats().launches).toBe(launches + 2)
  })

  test('the pool prints at most PDF_PAGES forms at once and reuses its pages', async () => {
    const form = await fakeRegistrationForm()
    await Promise.all(Array.from({ length: 6 }, () => pdf.render('registration-form', form)))
    expect(pdf.stats().pagesOpen).toBeLessThanOrEqual(2)
  })

  test('warm: the browser and the pool’s pages are ready before the first print, which opens none', async () => {
    const own = createPdfService({ pages: 2, publicUrl: PUBLIC_URL, clock })
    try {
      await own.warm()
      expect(own.stats()).toMatchObject({ launches: 1, pagesOpen: 2, renders: 0 })
      const printed = await own.render('registration-form', await fakeRegistrationForm())
      expect(printed.subarray(0, 4).toString()).toBe('%PDF')
      expect(own.stats()).toMatchObject({ launches: 1, pagesOpen: 2, renders: 1 })
    } finally {
      await own.close()
    }
  })

  test('background jobs start in a lull, after every print someone waits for; urgent() starts one at once', async () => {
    // the browser starts when `open` is called: until then the first print holds the only page
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    const launch = () => gate.then(() => launchChromium())
    const own = createPdfService({ pages: 1, publicUrl: PUBLIC_URL, clock, launch })
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 250 && !ok(); i++) await new Promise((r) => setTimeout(r, 20))
      expect(ok()).toBe(true)
    }
    try {
      // a page free and no print waiting: a background job starts at once
      expect(await own.inBackground(async () => 'ran').result).toBe('ran')

      // the only page busy, a second print waiting
      const started: string[] = []
      const first = own.render('commitment-template', {})
      await until(() => own.stats().busy === 1)
      // each job notes how many forms were printed when it started
      const early = own.inBackground(async () => void started.push(`early, ${own.stats().renders} printed`))
      const late = own.inBackground(async () => void started.push(`late, ${own.stats().renders} printed`))
      // the early job prints nothing: the one after it must start all the same
      const last = own.inBackground(async () => void started.push(`last, ${own.stats().renders} printed`))
      const second = own.render('commitment-template', {})
      await until(() => own.stats().waiting === 4)
      expect(own.stats()).toMatchObject({ busy: 1, waiting: 4, waitingInBackground: 3 })
      // someone now waits for the late job: it starts at once, the early one still waits
      late.urgent()
      await late.result
      expect(started).toEqual(['late, 0 printed'])
      expect(own.stats()).toMatchObject({ waitingInBackground: 2 })
      open()
      await Promise.all([first, second, early.result, last.result])
      expect(started).toEqual(['late, 0 printed', 'early, 2 printed', 'last, 2 printed'])
      expect(own.stats()).toMatchObject({ busy: 0, waiting: 0, renders: 2, pagesOpen: 1 })
    } finally {
      await own.close()
    }
  })

  test('closed: refuses further renders', async () => {
    const own = createPdfService({ pages: 1, publicUrl: PUBLIC_URL, clock })
    await own.render('commitment-template', {})
    const pid = own.browserPid()!
    await own.close()
    expect(() => process.kill(pid, 0)).toThrow()
    await expect(own.render('commitment-template', {})).rejects.toThrow(/closed/)
  })
})
