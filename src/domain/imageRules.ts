import type { Permission } from './roles'

// Every kind of uploaded image is one row in this table; the upload service reads nothing else.
// Later issues add their kinds here (the 1寸 ID photo with its 200–300 × 408–418 px box and white
// background, certificate scans under 200 KB, ...) instead of writing another upload path.

export type InputFormat = 'jpg' | 'png'

export interface PixelBox {
  minWidth: number
  maxWidth: number
  minHeight: number
  maxHeight: number
}

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
  /** Normalising scales the image down (never up) to fit inside this box. */
  fitWithin: { width: number; height: number }
  /** When set, the stored image must measure inside this box (inclusive). */
  box?: PixelBox
  /** Lowest side length the byte-limit loop may shrink to before giving up. */
  minSide: number
  /** Staff holding this permission may open the file; the owner always may. */
  viewPermission: Permission
  /** The file name given to browsers when the file is opened. */
  downloadName: string
}

const MB = 1024 * 1024
const KB = 1000

export const IMAGE_RULES = {
  // Manual identity review (manual 000 §2.2.2): "请提供清晰的照片（图片大小小于190KB，格式为JPG）". Phone
  // photos of a document are large, so they are scaled to a size that stays legible and re-encoded.
  identity_review_photo: {
    label: '照片',
    accept: ['jpg', 'png'],
    maxInputBytes: 10 * MB,
    maxInputPixels: 40_000_000,
    maxBytes: 190 * KB,
    fitWithin: { width: 1600, height: 1600 },
    minSide: 400,
    viewPermission: 'identity.review',
    downloadName: 'photo.jpg',
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
} as const

/** 文件过大，请上传不超过10MB的图片 */
export const fileTooLarge = (maxInputBytes: number) =>
  `文件过大，请上传不超过${formatBytes(maxInputBytes)}的图片`

/** Not normalised and larger than the rule allows. */
export const storedTooLarge = (maxBytes: number) =>
  `图片大小应小于${formatBytes(maxBytes)}，请压缩后重新上传，或选择由系统自动处理`

/** 185 KB / 10MB, the way the manuals write sizes. */
export function formatBytes(n: number): string {
  if (n >= MB) return `${Math.round((n / MB) * 10) / 10}MB`
  return `${Math.max(1, Math.round(n / KB))}KB`
}

/** Refuses an image before decoding it when its header already says it is too big or too small. */
export function checkDimensions(rule: ImageRule, width: number, height: number): string | null {
  if (!(width > 0 && height > 0)) return IMAGE_MESSAGES.damaged
  if (width * height > rule.maxInputPixels) return IMAGE_MESSAGES.pixels
  if (rule.box && (width < rule.box.minWidth || height < rule.box.minHeight)) return IMAGE_MESSAGES.tooSmall
  return null
}

/** The size normalising scales to: inside `fitWithin`, never enlarged, aspect ratio kept. */
export function fitSize(rule: ImageRule, width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, rule.fitWithin.width / width, rule.fitWithin.height / height)
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }
}

/** Whether a stored image's pixels meet the rule's box (when it has one). */
export function inBox(rule: ImageRule, width: number, height: number): boolean {
  const b = rule.box
  if (!b) return true
  return width >= b.minWidth && width <= b.maxWidth && height >= b.minHeight && height <= b.maxHeight
}
