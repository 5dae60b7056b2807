// Every kind of uploaded image is one row in this table; the upload service reads nothing else.
// A later kind (a scan for a new form, another photo) is a new row here, not another upload path.

export type InputFormat = 'jpg' | 'png'

export interface PixelBox {
  minWidth: number
  maxWidth: number
  minHeight: number
  maxHeight: number
}

/**
 * How "normalise" turns an accepted image into the stored one:
 * - fit: scale down (never up) to fit inside `target`, keeping the whole picture;
 * - cover: crop to `target`'s aspect ratio (horizontally centred, from the upper part, where a
 *   face is) and scale down to exactly `target`; never stretched, never enlarged.
 */
export type NormaliseStrategy = 'fit' | 'cover'

export interface ImageRule {
  /** What the rule is called on pages: "照片", "证件照"... */
  label: string
  /** Formats accepted as input, recognised by content (never by name or MIME header). */
  accept: readonly InputFormat[]
  maxInputBytes: number
  /** Decoding an image costs memory by its pixels, not its bytes; more than this is refused unread. */
  maxInputPixels: number
  /** Stored files are JPEG strictly smaller than this. */
  maxBytes: number
  strategy: NormaliseStrategy
  /** fit: the box the image is scaled into; cover: the exact size aimed at. */
  target: { width: number; height: number }
  /** When set, the stored image must measure inside this box (inclusive). */
  box?: PixelBox
  /** The stored image's border must be white (ID photos). */
  whiteBackground?: boolean
  /** Lowest side length the byte-limit loop may shrink to before giving up. */
  minSide: number
  /** The file name given to browsers when the file is opened. */
  downloadName: string
}

const MB = 1024 * 1024
const KB = 1000

/** What a scanned document needs: any reasonable photo or scan, stored legibly under 1600 px. */
const SCAN = {
  accept: ['jpg', 'png'],
  maxInputBytes: 10 * MB,
  maxInputPixels: 40_000_000,
  strategy: 'fit',
  target: { width: 1600, height: 1600 },
  minSide: 400,
} as const

export const IMAGE_RULES = {
  // Manual identity review (manual 000 §2.2.2): "请提供清晰的照片（图片大小小于190KB，格式为JPG）". Phone
  // photos of a document are large, so they are scaled to a size that stays legible and re-encoded.
  identity_review_photo: {
    ...SCAN,
    label: '照片',
    maxBytes: 190 * KB,
    downloadName: 'photo.jpg',
  },
  // 普通话证书 entered by hand: "上传证书扫描件（JPG格式，小于200KB）" (seed 000 §2.4).
  mandarin_scan: {
    ...SCAN,
    label: '普通话证书扫描件',
    maxBytes: 200 * KB,
    downloadName: 'mandarin.jpg',
  },
  // 学历 that cannot be verified online (无法核验 / 港澳台 / 国外): the certificate or 认证报告 scan.
  education_scan: {
    ...SCAN,
    label: '学历证书扫描件',
    maxBytes: 200 * KB,
    downloadName: 'education.jpg',
  },
  // The 1寸 ID photo of both applications (manual 001 §2.2: JPG, < 190 KB, 宽200–300 × 高408–418
  // 像素, white background; SPEC: the box is inclusive and normalising aims at 295 × 413). The
  // certification manual says < 200 KB; the stricter limit serves both. Confirmation points check
  // the photo against the person; both authorities print it on the form.
  id_photo: {
    label: '证件照',
    accept: ['jpg', 'png'],
    maxInputBytes: 10 * MB,
    maxInputPixels: 40_000_000,
    maxBytes: 190 * KB,
    strategy: 'cover',
    target: { width: 295, height: 413 },
    box: { minWidth: 200, maxWidth: 300, minHeight: 408, maxHeight: 418 },
    whiteBackground: true,
    minSide: 408,
    downloadName: '证件照.jpg',
  },
  // A certificate issued before 2008 added by hand to a registration (manual 001: JPG < 190 KB).
  certificate_photo: {
    ...SCAN,
    label: '教师资格证书照片',
    maxBytes: 190 * KB,
    downloadName: '教师资格证书.jpg',
  },
  // The signed 个人承诺书 as photographed or scanned, before cropping.
  commitment_scan: {
    ...SCAN,
    label: '个人承诺书扫描件',
    maxBytes: 200 * KB,
    downloadName: '个人承诺书.jpg',
  },
  // The dashed box cut out of the scan (cropImage); it is printed on the 认定申请表.
  commitment_crop: {
    ...SCAN,
    label: '个人承诺书（裁剪）',
    maxBytes: 200 * KB,
    minSide: 200,
    downloadName: '个人承诺书-裁剪.jpg',
  },
} as const satisfies Record<string, ImageRule>

export type ImageKind = keyof typeof IMAGE_RULES

export const isImageKind = (k: string): k is ImageKind => Object.prototype.hasOwnProperty.call(IMAGE_RULES, k)

export const IMAGE_MESSAGES = {
  missing: '请选择要上传的图片',
  format: '请上传JPG或PNG格式的图片',
  pixels: '图片尺寸过大，请上传清晰的证件照片',
  damaged: '图片文件已损坏或无法识别，请重新选择',
  tooSmall: '图片尺寸过小，请上传清晰的照片',
  notInBox: '图片尺寸不符合要求',
  cannotShrink: '图片无法压缩到规定大小，请裁剪后重新上传',
  whiteBackground: '照片背景应为白色，请更换白色背景的照片',
  badCrop: '裁剪区域不正确，请在图片范围内重新选择',
  cropTooSmall: '裁剪区域过小，请框选完整的内容',
  jpgOnly: '图片应为JPG格式，请转换后重新上传，或选择由系统自动处理',
} as const

/** A previewed file the retention purge removed before the application was submitted. */
export const draftExpired = (label: string) =>
  `${label}已失效（预览后未提交的文件已过保存期限被清除），请重新上传。`

/** 文件过大，请上传不超过10MB的图片 */
export const fileTooLarge = (maxInputBytes: number) =>
  `文件过大，请上传不超过${formatBytes(maxInputBytes)}的图片`

/** Not normalised and larger than the rule allows. */
export const storedTooLarge = (maxBytes: number) =>
  `图片大小应小于${formatBytes(maxBytes)}，请压缩后重新上传，或选择由系统自动处理`

/** "宽200–300像素、高408–418像素" */
export const boxText = (b: PixelBox) =>
  `宽${b.minWidth}–${b.maxWidth}像素、高${b.minHeight}–${b.maxHeight}像素`

/** Smaller than the box: the system never enlarges a photo, so only another photo helps. */
export const boxTooSmall = (b: PixelBox, width: number, height: number) =>
  `图片尺寸过小（${width}×${height}像素）。照片应为${boxText(b)}，系统不会放大照片，请上传更清晰、尺寸更大的照片`

/** Not normalised and outside the box. */
export const outsideBox = (b: PixelBox, width: number, height: number) =>
  `图片尺寸不符合要求（${width}×${height}像素）。照片应为${boxText(b)}，请修改后重新上传，或选择由系统自动处理`

/** 185 KB / 10MB, the way the manuals write sizes. */
export function formatBytes(n: number): string {
  if (n >= MB) return `${Math.round((n / MB) * 10) / 10}MB`
  return `${Math.max(1, Math.round(n / KB))}KB`
}

/**
 * Refuses an image before decoding it when its header already says it is too big, or (for a rule
 * with a box) too small to reach the box without enlarging. Width and height as displayed, i.e.
 * after the EXIF orientation.
 */
export function checkDimensions(rule: ImageRule, width: number, height: number): string | null {
  if (!(width > 0 && height > 0)) return IMAGE_MESSAGES.damaged
  if (width * height > rule.maxInputPixels) return IMAGE_MESSAGES.pixels
  if (rule.box && (width < rule.box.minWidth || height < rule.box.minHeight))
    return boxTooSmall(rule.box, width, height)
  return null
}

/** The size normalising scales to: inside `target`, never enlarged, aspect ratio kept. */
export function fitSize(rule: ImageRule, width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, rule.target.width / width, rule.target.height / height)
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }
}

export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

export interface ResizePlan {
  /** The part of the (oriented) input kept. */
  crop: Rect
  /** The size that part is scaled to; both sides scale by the same factor (up to rounding), ≤ 1. */
  width: number
  height: number
}

/** Where the crop sits vertically in the spare height: a third of the way down keeps the head. */
const UPPER = 1 / 3

/**
 * How `cover` turns a width × height image into the stored one: the largest region of the target's
 * aspect ratio, scaled down to exactly the target. When that would need enlarging (the image is
 * only just big enough), the image is cropped into the box at its own scale instead. Null when
 * even that cannot reach the box: the photo is too small, and it is never enlarged.
 */
export function coverPlan(rule: ImageRule, width: number, height: number): ResizePlan | null {
  const { width: tw, height: th } = rule.target
  const place = (cw: number, ch: number): Rect => ({
    left: Math.floor((width - cw) / 2),
    top: Math.floor((height - ch) * UPPER),
    width: cw,
    height: ch,
  })
  const wider = width * th > tw * height
  const cw = wider ? Math.round((height * tw) / th) : width
  const ch = wider ? height : Math.round((width * th) / tw)
  if (cw >= tw && ch >= th) return { crop: place(cw, ch), width: tw, height: th }

  const b = rule.box
  if (!b) return null
  const h = Math.min(height, b.maxHeight)
  const w = Math.min(Math.max(Math.round((h * tw) / th), b.minWidth), width, b.maxWidth)
  if (h < b.minHeight || w < b.minWidth) return null
  return { crop: place(w, h), width: w, height: h }
}

/** Whether a stored image's pixels meet the rule's box (when it has one). */
export function inBox(rule: ImageRule, width: number, height: number): boolean {
  const b = rule.box
  if (!b) return true
  return width >= b.minWidth && width <= b.maxWidth && height >= b.minHeight && height <= b.maxHeight
}

/** What the upload field's hint says about a kind: "JPG格式，小于190KB，宽200–300像素、高408–418像素，白色背景". */
export function ruleText(rule: ImageRule): string {
  const parts = ['JPG格式', `小于${formatBytes(rule.maxBytes)}`]
  if (rule.box) parts.push(boxText(rule.box))
  if (rule.whiteBackground) parts.push('白色背景')
  return parts.join('，')
}
