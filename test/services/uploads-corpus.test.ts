import fc from 'fast-check'
import sharp from 'sharp'
import { darkBox, pngClaiming, portrait, textFile } from '../fixtures/images'
import { cropImage, prepareImage, type PreparedImage } from '../../src/services/imageStore'
import { boxTooSmall, IMAGE_MESSAGES, IMAGE_RULES, outsideBox } from '../../src/domain/imageRules'

// The upload corpus for the ID photo (证件照): JPG < 190 KB, 200–300 × 408–418 px inclusive, white
// background; normalising crops to 1寸 and scales to 295 × 413, never stretching or enlarging.

const KIND = 'id_photo'
const box = IMAGE_RULES.id_photo.box

async function accepted(input: Buffer, normalise = true): Promise<PreparedImage> {
  const r = await prepareImage(KIND, input, { normalise })
  if (!r.ok) throw new Error(`expected the image to be accepted, got: ${r.error}`)
  return r.image
}

/** What the stored file really is, read back from its bytes. */
async function storedFacts(image: PreparedImage) {
  const meta = await sharp(image.content).metadata()
  return {
    format: meta.format,
    width: meta.width,
    height: meta.height,
    exif: meta.exif,
    icc: meta.icc,
    xmp: meta.xmp,
    size: image.content.length,
  }
}

describe('id_photo, not normalised: the box at its boundaries', () => {
  const widths = [199, 200, 300, 301]
  const heights = [407, 408, 418, 419]
  const cases = widths.flatMap((w) => heights.map((h) => [w, h] as const))

  it.each(cases)('%d × %d', async (w, h) => {
    const input = await portrait({ width: w, height: h })
    const r = await prepareImage(KIND, input, { normalise: false })
    const inside = w >= 200 && w <= 300 && h >= 408 && h <= 418
    if (inside) {
      expect(r.ok).toBe(true)
      if (r.ok) expect([r.image.width, r.image.height]).toEqual([w, h])
    } else if (w < 200 || h < 408) {
      expect(r).toEqual({ ok: false, error: boxTooSmall(box, w, h) })
    } else {
      expect(r).toEqual({ ok: false, error: outsideBox(box, w, h) })
    }
  })

  it('says what the box is in the refusal', async () => {
    const r = await prepareImage(KIND, await portrait({ width: 301, height: 419 }), { normalise: false })
    expect(r).toEqual({
      ok: false,
      error:
        '图片尺寸不符合要求（301×419像素）。照片应为宽200–300像素、高408–418像素，请修改后重新上传，或选择由系统自动处理',
    })
  })

  it('refuses a PNG or a file over 190 KB unless normalising is chosen', async () => {
    const png = await portrait({ width: 295, height: 413, format: 'png' })
    expect(await prepareImage(KIND, png, { normalise: false })).toEqual({
      ok: false,
      error: IMAGE_MESSAGES.jpgOnly,
    })
    const heavy = await sharp({
      create: {
        width: 300,
        height: 418,
        channels: 3,
        background: '#fff',
        noise: { type: 'gaussian', mean: 128, sigma: 120 },
      },
    })
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .toBuffer()
    expect(heavy.length).toBeGreaterThanOrEqual(190_000)
    expect(await prepareImage(KIND, heavy, { normalise: false })).toEqual({
      ok: false,
      error: '图片大小应小于190KB，请压缩后重新上传，或选择由系统自动处理',
    })
  })
})

describe('id_photo, normalised: every camera-sized input becomes a 1寸 JPG in the box', () => {
  it.each([
    ['3000 × 4000 phone portrait', { width: 3000, height: 4000 }],
    ['4000 × 3000 phone landscape', { width: 4000, height: 3000 }],
    ['600 × 800', { width: 600, height: 800 }],
    ['grainy 3000 × 4000 with EXIF', { width: 3000, height: 4000, grain: true, exif: true }],
    ['PNG with a transparent background', { width: 900, height: 1200, format: 'png', transparent: true }],
    ['tall 400 × 2000', { width: 400, height: 2000 }],
  ] as const)('%s → 295 × 413, < 190 KB, no metadata, not stretched', async (_name, opts) => {
    const input = await portrait(opts)
    const image = await accepted(input)
    const facts = await storedFacts(image)
    expect(facts).toMatchObject({ format: 'jpeg', width: 295, height: 413 })
    expect(facts.size).toBeLessThan(190_000)
    expect(image.size).toBe(facts.size)
    expect(facts.exif).toBeUndefined()
    expect(facts.icc).toBeUndefined()
    expect(facts.xmp).toBeUndefined()
    expect(image.content.includes(Buffer.from('secret-camera'))).toBe(false)
    // The head disc stays round: the picture was cropped, not squeezed.
    const disc = await darkBox(image.content)
    expect(disc.width).toBeGreaterThan(20)
    expect(Math.abs(disc.width - disc.height) / disc.width).toBeLessThan(0.05)
  })

  it.each([
    [200, 408],
    [300, 418],
    [301, 419],
    [250, 600],
  ])('%d × %d (at or near the box) ends inside the box', async (w, h) => {
    const image = await accepted(await portrait({ width: w, height: h }))
    expect(image.width).toBeGreaterThanOrEqual(200)
    expect(image.width).toBeLessThanOrEqual(300)
    expect(image.height).toBeGreaterThanOrEqual(408)
    expect(image.height).toBeLessThanOrEqual(418)
  })

  it.each([
    [199, 2000],
    [1000, 407],
    [150, 200],
  ])('%d × %d is never enlarged: refused with a clear message', async (w, h) => {
    expect(await prepareImage(KIND, await portrait({ width: w, height: h }))).toEqual({
      ok: false,
      error: `图片尺寸过小（${w}×${h}像素）。照片应为宽200–300像素、高408–418像素，系统不会放大照片，请上传更清晰、尺寸更大的照片`,
    })
  })

  it('any size from the box up to camera sizes gives an in-box JPG under 190 KB (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 200, max: 2400 }),
        fc.integer({ min: 408, max: 2400 }),
        async (w, h) => {
          const image = await accepted(await portrait({ width: w, height: h }))
          expect(image.width).toBeGreaterThanOrEqual(200)
          expect(image.width).toBeLessThanOrEqual(300)
          expect(image.height).toBeGreaterThanOrEqual(408)
          expect(image.height).toBeLessThanOrEqual(418)
          expect(image.size).toBeLessThan(190_000)
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('id_photo: the white background', () => {
  it.each([
    ['white', '#ffffff', true],
    ['off-white', '#ecece6', true],
    ['blue', '#438edb', false],
    ['red', '#d9001b', false],
  ])('%s background (%s) accepted: %s', async (_name, background, ok) => {
    const r = await prepareImage(KIND, await portrait({ width: 600, height: 800, background }))
    if (ok) expect(r.ok).toBe(true)
    else expect(r).toEqual({ ok: false, error: '照片背景应为白色，请更换白色背景的照片' })
  })

  it('is checked on a file used as it is, too', async () => {
    const blue = await portrait({ width: 295, height: 413, background: '#438edb' })
    expect(await prepareImage(KIND, blue, { normalise: false })).toEqual({
      ok: false,
      error: IMAGE_MESSAGES.whiteBackground,
    })
  })
})

describe('id_photo: what is not a good image', () => {
  it('refuses a text file renamed .jpg (names are never read)', async () => {
    expect(await prepareImage(KIND, textFile())).toEqual({ ok: false, error: IMAGE_MESSAGES.format })
  })

  it('takes a PNG by its content whatever it is called', async () => {
    // The service is given bytes only; the route test sends this as photo.jpg / image/jpeg.
    const png = await portrait({ width: 600, height: 800, format: 'png' })
    expect((await sharp(png).metadata()).format).toBe('png')
    expect((await accepted(png)).mime).toBe('image/jpeg')
  })

  it('refuses a decompression bomb from its header, fast and without decoding it', async () => {
    const bomb = await pngClaiming(30_000, 30_000)
    expect(bomb.length).toBeLessThan(200)
    const before = process.memoryUsage().rss
    const started = Date.now()
    expect(await prepareImage(KIND, bomb)).toEqual({ ok: false, error: IMAGE_MESSAGES.pixels })
    expect(Date.now() - started).toBeLessThan(500)
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024)
  })

  it('refuses a real, compressed-small bomb made by sharp (a solid 7000 × 7000 PNG, 49 megapixels)', async () => {
    const solid = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#ffffff' } })
      .png({ compressionLevel: 9 })
      .toBuffer()
    expect(solid.length).toBeLessThan(1024 * 1024)
    const started = Date.now()
    expect(await prepareImage(KIND, solid)).toEqual({ ok: false, error: IMAGE_MESSAGES.pixels })
    expect(Date.now() - started).toBeLessThan(500)
  })

  it('refuses a truncated JPEG as damaged', async () => {
    const whole = await portrait({ width: 1200, height: 1600, grain: true })
    const r = await prepareImage(KIND, whole.subarray(0, Math.floor(whole.length * 0.6)))
    expect(r).toEqual({ ok: false, error: IMAGE_MESSAGES.damaged })
  })

  it('refuses more than 10 MB before reading it', async () => {
    const big = Buffer.concat([await portrait({ width: 600, height: 800 }), Buffer.alloc(10 * 1024 * 1024)])
    expect(await prepareImage(KIND, big)).toEqual({ ok: false, error: '文件过大，请上传不超过10MB的图片' })
  })
})

describe('other kinds', () => {
  it('certificate_photo: a large scan is scaled to fit 1600 px and stored under 190 KB', async () => {
    const r = await prepareImage(
      'certificate_photo',
      await portrait({ width: 4000, height: 3000, grain: true }),
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect([r.image.width, r.image.height]).toEqual([1600, 1200])
    expect(r.image.size).toBeLessThan(190_000)
  })

  it('commitment_scan: stored under 200 KB whatever the background', async () => {
    const r = await prepareImage(
      'commitment_scan',
      await portrait({ width: 2480, height: 3508, background: '#f3efe0' }),
    )
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.image.size).toBeLessThan(200_000)
  })
})

describe('cropImage: the dashed box of the 个人承诺书', () => {
  let scan: Buffer
  beforeAll(async () => {
    const prepared = await prepareImage('commitment_scan', await portrait({ width: 1200, height: 1600 }))
    if (!prepared.ok) throw new Error(prepared.error)
    scan = prepared.image.content
  })

  it('cuts out the rectangle in the scan’s pixels and stores it as commitment_crop', async () => {
    // The head disc: centre (600, 720), radius 120.
    const r = await cropImage('commitment_crop', scan, { left: 400, top: 520, width: 400, height: 400 })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.image.kind).toBe('commitment_crop')
    expect([r.image.width, r.image.height]).toEqual([400, 400])
    expect(r.image.size).toBeLessThan(200_000)
    const disc = await darkBox(r.image.content)
    expect(disc.width).toBeGreaterThan(230)
    expect(disc.width).toBeLessThan(250)
  })

  it.each([
    [{ left: -1, top: 0, width: 400, height: 400 }],
    [{ left: 900, top: 0, width: 400, height: 400 }],
    [{ left: 0, top: 1300, width: 400, height: 400 }],
    [{ left: 0.5, top: 0, width: 400, height: 400 }],
    [{ left: 0, top: 0, width: 0, height: 400 }],
  ])('refuses a rectangle outside the scan: %j', async (rect) => {
    expect(await cropImage('commitment_crop', scan, rect)).toEqual({
      ok: false,
      error: IMAGE_MESSAGES.badCrop,
    })
  })

  it('refuses a rectangle too small to hold the text', async () => {
    expect(await cropImage('commitment_crop', scan, { left: 0, top: 0, width: 100, height: 120 })).toEqual({
      ok: false,
      error: IMAGE_MESSAGES.cropTooSmall,
    })
  })
})
