import { launchChromium } from '../../src/services/browser'
import { createPdfService, PDF_ORIGIN, type PdfService } from '../../src/services/pdf'
import { fontCssFor, loadEmbeddedFont } from '../../src/services/pdfFonts'
import { TestClock } from '../helpers/clock'
import { fakeRegistrationForm, PLAIN_NAME } from '../fixtures/pdfForms'
import { fontconfigWithoutCjk, pdfFonts, pdfText } from './pdfSupport'

// The embedded font, proven on a Chromium that cannot see a single CJK font of the machine: the
// Chinese still comes out (pdftotext) and the PDF embeds Noto Sans SC from the package (pdffonts).

describe('the font rules a form gets', () => {
  const font = loadEmbeddedFont(PDF_ORIGIN)
  /** Whether a rule's unicode-range holds the code point. */
  const covers = (rule: string, cp: number) =>
    /unicode-range:\s*([^;}]+)/
      .exec(rule)![1]
      .split(',')
      .some((r) => {
        const [a, b = a] = r.trim().slice(2).split('-')
        return parseInt(a, 16) <= cp && cp <= parseInt(b, 16)
      })

  test('only the rules covering the text, and every character of it covered', () => {
    const text = `<p>${PLAIN_NAME} 𠮷 教师资格定期注册申请表 (2026) №</p>`
    const rules = fontCssFor(font, text).match(/@font-face\s*\{[^}]*\}/g) ?? []
    expect(font.rules.length).toBeGreaterThan(50)
    expect(rules.length).toBeGreaterThan(0)
    expect(rules.length).toBeLessThan(font.rules.length / 3)
    for (const ch of text) {
      const cp = ch.codePointAt(0)!
      const wanted = font.rules.filter((r) => covers(r, cp))
      // each rule of the font that covers the character is kept, and only rules that cover something
      for (const r of wanted) expect(rules).toContain(r)
    }
    for (const r of rules) expect([...text].some((ch) => covers(r, ch.codePointAt(0)!))).toBe(true)
  })

  test('a text of ASCII alone needs no CJK slice', () => {
    const rules = fontCssFor(font, 'A-4 2026').match(/@font-face/g) ?? []
    expect(rules.length).toBeLessThanOrEqual(2)
    expect(fontCssFor(font, '')).toBe('')
  })
})

describe('PDF embedded CJK font', () => {
  let pdf: PdfService
  let fonts: ReturnType<typeof fontconfigWithoutCjk>

  beforeAll(() => {
    fonts = fontconfigWithoutCjk()
    pdf = createPdfService({
      pages: 1,
      publicUrl: 'http://localhost:3000',
      clock: new TestClock(),
      launch: () => launchChromium({ browserEnv: { FONTCONFIG_FILE: fonts.file } }),
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
