import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import jsQR from 'jsqr'
import sharp from 'sharp'

// Shared by the PDF test files: the poppler tools. Chromium is the app's own choice (system, else
// the packaged one; PDF_BROWSER=packaged in CI's second PDF run): a missing browser fails the tests.

export const SCREENSHOTS = path.resolve(__dirname, '../../screenshots')

function tmpFile(pdf: Buffer): { file: string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-pdf-'))
  const file = path.join(dir, 'form.pdf')
  fs.writeFileSync(file, pdf)
  return { file, done: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

function poppler(tool: string, args: string[], pdf: Buffer): string {
  const t = tmpFile(pdf)
  try {
    return execFileSync(tool, [...args, t.file, '-'], { encoding: 'utf8' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${tool} not found: apt-get install poppler-utils`)
    throw err
  } finally {
    t.done()
  }
}

export const pdfText = (pdf: Buffer) => poppler('pdftotext', ['-layout'], pdf)
export const pdfPages = (pdf: Buffer) => Number(/Pages:\s+(\d+)/.exec(pdfInfo(pdf))?.[1] ?? 0)

export function pdfInfo(pdf: Buffer): string {
  const t = tmpFile(pdf)
  try {
    return execFileSync('pdfinfo', [t.file], { encoding: 'utf8' })
  } finally {
    t.done()
  }
}

export function pdfFonts(pdf: Buffer): string {
  const t = tmpFile(pdf)
  try {
    return execFileSync('pdffonts', [t.file], { encoding: 'utf8' })
  } finally {
    t.done()
  }
}

/** The raster images in the PDF (pdfimages -list), soft masks left out. */
export function pdfImages(pdf: Buffer): { width: number; height: number }[] {
  const t = tmpFile(pdf)
  try {
    const out = execFileSync('pdfimages', ['-list', t.file], { encoding: 'utf8' })
    return out
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[2] === 'image')
      .map((c) => ({ width: Number(c[3]), height: Number(c[4]) }))
  } finally {
    t.done()
  }
}

export const pdfImageCount = (pdf: Buffer) => pdfImages(pdf).length

/** One page as a PNG (pdftoppm), written to `out` when given. */
export function pdfPagePng(pdf: Buffer, page: number, dpi: number, out?: string): Buffer {
  const t = tmpFile(pdf)
  try {
    const png = execFileSync('pdftoppm', [
      '-png',
      '-r',
      String(dpi),
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      t.file,
    ])
    if (out) {
      fs.mkdirSync(path.dirname(out), { recursive: true })
      fs.writeFileSync(out, png)
    }
    return png
  } finally {
    t.done()
  }
}

/** Decodes the QR code printed on a page (rendered at 150 dpi). */
export async function qrOnPage(pdf: Buffer, page = 1): Promise<string | undefined> {
  const png = pdfPagePng(pdf, page, 150)
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data
}

/**
 * A fontconfig set-up that hides every CJK font of the machine: a folder of links to the fonts
 * without Chinese coverage only (Chromium needs at least one font to start its font machinery).
 */
export function fontconfigWithoutCjk(): { file: string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jszg-fonts-'))
  const list = (pattern: string) =>
    execFileSync('fc-list', [pattern, 'file'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.replace(/:\s*$/, '').trim())
      .filter(Boolean)
  const cjk = new Set(list(':lang=zh'))
  const fontsDir = path.join(dir, 'fonts')
  fs.mkdirSync(fontsDir)
  let n = 0
  for (const file of list(':')) {
    if (cjk.has(file)) continue
    fs.symlinkSync(file, path.join(fontsDir, `${n++}-${path.basename(file)}`))
  }
  if (!n) throw new Error('no font without CJK coverage on this machine (install fonts-dejavu-core)')
  const file = path.join(dir, 'fonts.conf')
  fs.writeFileSync(
    file,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${fontsDir}</dir><cachedir>${path.join(dir, 'cache')}</cachedir></fontconfig>\n`,
  )
  return { file, done: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
