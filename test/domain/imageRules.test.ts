import fc from 'fast-check'
import {
  boxTooSmall,
  checkDimensions,
  coverPlan,
  formatBytes,
  IMAGE_MESSAGES,
  IMAGE_RULES,
  inBox,
  isImageKind,
  ruleText,
} from '../../src/domain/imageRules'
import { measureBackground, type RawImage } from '../../src/domain/imageCheck'

const idPhoto = IMAGE_RULES.id_photo

describe('image rules: the table', () => {
  it.each([
    ['identity_review_photo', 190_000, 'fit'],
    ['mandarin_scan', 200_000, 'fit'],
    ['education_scan', 200_000, 'fit'],
    ['id_photo', 190_000, 'cover'],
    ['certificate_photo', 190_000, 'fit'],
    ['commitment_scan', 200_000, 'fit'],
    ['commitment_crop', 200_000, 'fit'],
  ])('%s: stored JPG under %d bytes, normalised by %s', (kind, maxBytes, strategy) => {
    expect(isImageKind(kind)).toBe(true)
    const rule = IMAGE_RULES[kind as keyof typeof IMAGE_RULES]
    expect(rule.maxBytes).toBe(maxBytes)
    expect(rule.strategy).toBe(strategy)
    expect(rule.accept).toEqual(['jpg', 'png'])
  })

  it('knows no other kinds', () => {
    expect(isImageKind('avatar')).toBe(false)
    expect(isImageKind('toString')).toBe(false)
  })

  it('describes a rule the way the manuals do', () => {
    expect(ruleText(idPhoto)).toBe('JPG格式，小于190KB，宽200–300像素、高408–418像素，白色背景')
    expect(ruleText(IMAGE_RULES.mandarin_scan)).toBe('JPG格式，小于200KB')
    expect(formatBytes(10 * 1024 * 1024)).toBe('10MB')
  })
})

describe('the ID photo box 200–300 × 408–418 (inclusive)', () => {
  it.each([
    [199, 407, false],
    [199, 408, false],
    [200, 407, false],
    [200, 408, true],
    [300, 418, true],
    [250, 413, true],
    [301, 418, false],
    [300, 419, false],
    [301, 419, false],
  ])('%d × %d in the box: %s', (w, h, inside) => {
    expect(inBox(idPhoto, w, h)).toBe(inside)
  })

  it('refuses from the header alone what is smaller than the box, naming the sizes', () => {
    expect(checkDimensions(idPhoto, 199, 500)).toBe(boxTooSmall(idPhoto.box, 199, 500))
    expect(checkDimensions(idPhoto, 300, 407)).toContain('系统不会放大照片')
    expect(checkDimensions(idPhoto, 200, 408)).toBeNull()
    expect(checkDimensions(idPhoto, 6000, 8000)).toBe(IMAGE_MESSAGES.pixels)
  })
})

describe('coverPlan: crop to 1寸, never stretch, never enlarge', () => {
  it.each([
    [3000, 4000, 295, 413],
    [4000, 3000, 295, 413],
    [600, 800, 295, 413],
    [295, 413, 295, 413],
    [300, 418, 295, 413],
    [200, 408, 200, 408],
    [250, 1000, 250, 418],
    [1000, 410, 293, 410],
    [300, 5000, 295, 413],
  ])('%d × %d → %d × %d', (w, h, ow, oh) => {
    const plan = coverPlan(idPhoto, w, h)!
    expect([plan.width, plan.height]).toEqual([ow, oh])
  })

  it('keeps the head: the crop is centred horizontally and taken from the upper part', () => {
    const plan = coverPlan(idPhoto, 3000, 6000)!
    expect(plan.crop.left).toBe(0)
    expect(plan.crop.top).toBeGreaterThan(0)
    expect(plan.crop.top).toBeLessThan((6000 - plan.crop.height) / 2)
    const wide = coverPlan(idPhoto, 4000, 3000)!
    expect(wide.crop.top).toBe(0)
    expect(Math.abs(wide.crop.left * 2 + wide.crop.width - 4000)).toBeLessThanOrEqual(1)
  })

  it('any size at least as big as the box gives an in-box result, cropped inside the image, with one scale for both sides', () => {
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 8000 }), fc.integer({ min: 408, max: 8000 }), (w, h) => {
        const plan = coverPlan(idPhoto, w, h)
        expect(plan).not.toBeNull()
        const { crop, width, height } = plan!
        expect(inBox(idPhoto, width, height)).toBe(true)
        expect(crop.left).toBeGreaterThanOrEqual(0)
        expect(crop.top).toBeGreaterThanOrEqual(0)
        expect(crop.left + crop.width).toBeLessThanOrEqual(w)
        expect(crop.top + crop.height).toBeLessThanOrEqual(h)
        const sx = width / crop.width
        const sy = height / crop.height
        expect(sx).toBeLessThanOrEqual(1)
        expect(sy).toBeLessThanOrEqual(1)
        // Not distorted: the two scales differ by rounding only (under 1%).
        expect(Math.abs(sx - sy) / Math.max(sx, sy)).toBeLessThan(0.01)
      }),
    )
  })
})

/** A width × height RGB image: `border` everywhere, `centre` in the middle half. */
function image(width: number, height: number, border: number[], centre = [30, 30, 30]): RawImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const inner = x > width / 4 && x < (3 * width) / 4 && y > height / 4 && y < (3 * height) / 4
      data.set(inner ? centre : border, (y * width + x) * 3)
    }
  return { data, width, height, channels: 3 }
}

describe('measureBackground: white backgrounds only', () => {
  it.each([
    ['white', [255, 255, 255], true],
    ['off-white studio light', [236, 236, 230], true],
    ['light grey', [215, 215, 215], true],
    ['ID blue', [67, 142, 219], false],
    ['ID red', [217, 0, 27], false],
    ['pale blue', [200, 225, 250], false],
    ['dark grey', [120, 120, 120], false],
    ['cream', [250, 235, 190], false],
  ])('%s background %j → white: %s', (_name, border, white) => {
    expect(measureBackground(image(295, 413, border)).white).toBe(white)
  })

  it('ignores what is in the middle of the photo (the person)', () => {
    expect(measureBackground(image(295, 413, [255, 255, 255], [200, 30, 30])).white).toBe(true)
  })
})
