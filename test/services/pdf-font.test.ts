import puppeteer from 'puppeteer'
import { CHROMIUM_ARGS } from '../../src/services/browser'
import { createPdfService, type PdfService } from '../../src/services/pdf'
import { TestClock } from '../../src/services/clock'
import { fakeRegistrationForm, PLAIN_NAME } from '../fixtures/pdfForms'
import { chromium, describeWithChromium, fontconfigWithoutCjk, pdfFonts, pdfText } from './pdfSupport'

// The embedded font, proven on a Chromium that cannot see a single CJK font of the machine: the
// Chinese still comes out (pdftotext) and the PDF embeds Noto Sans SC from the package (pdffonts).

describeWithChromium('PDF embedded CJK font', () => {
  let pdf: PdfService
  let fonts: ReturnType<typeof fontconfigWithoutCjk>

  beforeAll(() => {
    fonts = fontconfigWithoutCjk()
    pdf = createPdfService({
      pages: 1,
      publicUrl: 'http://localhost:3000',
      clock: new TestClock(),
      launch: () =>
        puppeteer.launch({
          executablePath: chromium,
          headless: true,
          args: CHROMIUM_ARGS,
          env: { ...process.env, FONTCONFIG_FILE: fonts.file },
        }),
    })
  })
  afterAll(async () => {
    await pdf?.close()
    fonts?.done()
  })

  test('Chinese prints with the embedded Noto Sans SC when the machine has no CJK font', async () => {
    const form = await fakeRegistrationForm({ name: PLAIN_NAME })
    const out = await pdf.render('registration-form', form)
    const embedded = pdfFonts(out)
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/))
    const noto = embedded.filter((c) => /^[A-Z]{6}\+NotoSansSC/.test(c[0]))
    expect(noto.length).toBeGreaterThan(0)
    // every Noto font embedded (emb = yes) as a subset with a Unicode map
    for (const c of noto) expect(c.slice(-5, -2)).toEqual(['yes', 'yes', 'yes'])
    expect(embedded.some((c) => /CJK/.test(c[0]))).toBe(false)
    const text = pdfText(out).replace(/\s+/g, '')
    expect(text).toContain(PLAIN_NAME)
    expect(text).toContain('教师资格定期注册申请表')
    expect(text).toContain('南宁市第三中学青山校区')
  })
})
