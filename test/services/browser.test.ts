import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  ChromiumNotFound,
  chooseBrowser,
  describeBrowser,
  findChromium,
  launchChromium,
} from '../../src/services/browser'
import { createPdfService, type PdfService } from '../../src/services/pdf'
import { TestClock } from '../helpers/clock'
import { fakeRegistrationForm, PLAIN_NAME } from '../fixtures/pdfForms'
import { pdfFonts, pdfText } from './pdfSupport'

// Which Chromium prints: the machine's when it has one, else the one inside the @sparticuz/chromium
// tarball, unpacked with its own libraries and fonts. The packaged one is proven here by printing
// a Chinese form on it, whatever the machine has installed.

const packaged = { PDF_BROWSER: 'packaged' }

describe('choosing the browser', () => {
  test('PDF_BROWSER=packaged takes the npm package, whose Chromium is the one puppeteer expects', () => {
    const choice = chooseBrowser(packaged)
    expect(choice.source).toBe('packaged')
    if (choice.source !== 'packaged') return
    const { PUPPETEER_REVISIONS } = jest.requireActual('puppeteer-core/lib/cjs/puppeteer/revisions.js')
    expect(choice.version.split('.')[0]).toBe(PUPPETEER_REVISIONS.chrome.split('.')[0])
    expect(fs.existsSync(path.join(choice.binDir, 'chromium.br'))).toBe(true)
    expect(describeBrowser(choice)).toContain('@sparticuz/chromium')
  })

  test('auto prefers a system browser named by PUPPETEER_EXECUTABLE_PATH', () => {
    // any executable stands in for one: only the choice is looked at
    const choice = chooseBrowser({ PUPPETEER_EXECUTABLE_PATH: process.execPath })
    expect(choice).toEqual({ source: 'system', executablePath: process.execPath })
    expect(describeBrowser(choice)).toContain(process.execPath)
  })

  test('system without one is an error that says what to do; an unknown mode is refused', () => {
    if (!findChromium()) {
      expect(() => chooseBrowser({ PDF_BROWSER: 'system' })).toThrow(ChromiumNotFound)
      expect(() => chooseBrowser({ PDF_BROWSER: 'system' })).toThrow(/apt-get install chromium/)
    }
    expect(() => chooseBrowser({ PDF_BROWSER: 'firefox' })).toThrow(/PDF_BROWSER="firefox" 无效/)
  })
})

describe('the packaged Chromium', () => {
  let pdf: PdfService

  beforeAll(() => {
    pdf = createPdfService({
      pages: 1,
      publicUrl: 'http://localhost:3000',
      clock: new TestClock(),
      launch: () => launchChromium({ env: packaged }),
    })
  })
  afterAll(() => pdf?.close())

  test('is unpacked into a folder of this user alone and prints Chinese in the embedded font', async () => {
    const out = await pdf.render('registration-form', await fakeRegistrationForm({ name: PLAIN_NAME }))
    const choice = chooseBrowser(packaged)
    const dir = path.join(
      os.tmpdir(),
      `jszg-chromium-${(choice as { version: string }).version}-${os.userInfo().uid}`,
    )
    const stat = fs.statSync(dir)
    expect(stat.uid).toBe(os.userInfo().uid)
    expect(stat.mode & 0o022).toBe(0)
    // its own NSS, so it needs no libnss3 of the machine
    expect(fs.existsSync(path.join(dir, 'lib', 'libnss3.so'))).toBe(true)
    const browserPid = pdf.browserPid()!
    expect(fs.readlinkSync(`/proc/${browserPid}/exe`)).toBe(path.join(dir, 'chromium'))
    expect(pdfText(out)).toContain(PLAIN_NAME)
    expect(pdfFonts(out)).toMatch(/NotoSansSC/)
  })
})
