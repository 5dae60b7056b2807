import type { Request } from 'express'
import type { Db } from '../db/knex'
import { IMAGE_RULES, type ImageKind, type Rect } from '../domain/imageRules'
import { cropStoredImage, findOwnedImage, type FileOwner, type StoredFileInfo } from '../services/imageStore'
import type { FieldErrors } from './formValidation'
import { previewOf, type UploadPreview } from './uploadFields'
import type { Values } from './wizard/types'

// Cutting a box out of an uploaded scan (the dashed box of the 个人承诺书) without JavaScript.
// The scan is shown as <input type="image" name="corner">, drawn at a known width, so a click
// posts `corner.x` / `corner.y` in displayed pixels, which the server scales to the scan's own.
//   first click   -> the page comes back with that corner marked (kept in `cropFirst`);
//   second click  -> the opposite corner, in any order: the rectangle is cut out with
//                    cropStoredImage() into a draft of `kind`, shown with its numbers and 重新选择;
//   or typed      -> 左/上/宽/高 in the scan's pixels and the button `_action=crop`;
//   重新选择      -> `_action=redo` forgets the selection, never the scan.
// Everything lives in posted values, so a wizard step plugs in through its redisplay hooks:
// cropRedisplay() for the three actions, cropField() in beforeRender, cropErrors() in beforeSave,
// and adoptDraft(trx, values.cropFileId, owner, kind) at the submit.

/** The scan is drawn this wide (or at its own width when narrower); clicks are scaled from it. */
export const CROP_DISPLAY_WIDTH = 600

/** The names the crop posts and reads back. */
export const CROP_FIELDS = {
  /** The image button: a click posts `corner.x` and `corner.y`. */
  corner: 'corner',
  /** "x,y" of the first corner clicked, in the scan's pixels. */
  first: 'cropFirst',
  left: 'cropLeft',
  top: 'cropTop',
  width: 'cropWidth',
  height: 'cropHeight',
  /** The cut-out draft. */
  fileId: 'cropFileId',
  /** The scan the selection was made on: a new scan forgets it. */
  sourceId: 'cropSourceId',
  /** Errors of the last redisplay (a redisplay has no error channel of its own). */
  errors: 'cropErrors',
} as const

const F = CROP_FIELDS
const NUMBERS = [
  { name: F.left, label: '左' },
  { name: F.top, label: '上' },
  { name: F.width, label: '宽' },
  { name: F.height, label: '高' },
] as const

export const CROP_MESSAGES = {
  noScan: '请先上传个人承诺书扫描件',
  outside: '请在图片范围内点击',
  notChosen: '请在扫描件上点击虚线框的两个对角，或输入裁剪区域的数值，并生成裁剪预览',
  required: (label: string) => `请填写“${label}”（像素）`,
  integer: (label: string) => `“${label}”应为不小于0的整数（像素），例如120`,
  positive: (label: string) => `“${label}”应大于0`,
  leftOutside: (w: number) => `“左”应小于图片宽度${w}像素`,
  topOutside: (h: number) => `“上”应小于图片高度${h}像素`,
  tooWide: (w: number) => `裁剪区域超出图片右边缘：“左”加“宽”不能大于图片宽度${w}像素`,
  tooTall: (h: number) => `裁剪区域超出图片下边缘：“上”加“高”不能大于图片高度${h}像素`,
  tooSmall: (w: number, h: number, min: number) =>
    `裁剪区域过小（宽${w}、高${h}像素），请框选完整的虚线框，较长的一边至少${min}像素`,
} as const

export interface CropOptions {
  /** The posted name holding the scan's file id (the upload macro's `<field>FileId`). */
  sourceField: string
  sourceKind: ImageKind
  /** What the cut-out is stored as (e.g. commitment_crop). */
  kind: ImageKind
  owner: FileOwner
}

export type CropAction = 'corner' | 'crop' | 'redo'

interface Geometry {
  width: number
  height: number
  displayWidth: number
  displayHeight: number
  /** Scan pixels per displayed pixel. */
  scale: number
}

/** Everything views/macros/crop.njk's cropField needs. */
export interface CropFieldView {
  /** The scan and how it is drawn; null when no scan of the owner is posted. */
  scan: (Geometry & { id: string; url: string }) | null
  /** The first corner, in scan and displayed pixels, while waiting for the second. */
  first: { x: number; y: number; displayX: number; displayY: number } | null
  /** The rectangle of the current cut-out, in scan and displayed pixels. */
  rect: (Rect & { display: Rect }) | null
  preview: UploadPreview | null
  /** What the four number fields show. */
  numbers: Record<(typeof NUMBERS)[number]['name'], string>
  errors: FieldErrors
  errorList: { field: string; text: string }[]
  fields: typeof CROP_FIELDS
  /** The shortest allowed longer side, for the hint. */
  minSide: number
}

function geometry(file: StoredFileInfo): Geometry | null {
  const { width, height } = file
  if (!width || !height) return null
  const displayWidth = Math.min(CROP_DISPLAY_WIDTH, width)
  return {
    width,
    height,
    displayWidth,
    displayHeight: Math.round((height * displayWidth) / width),
    scale: width / displayWidth,
  }
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')

function parsePoint(v: unknown): { x: number; y: number } | null {
  const m = /^(\d+),(\d+)$/.exec(text(v))
  return m ? { x: Number(m[1]), y: Number(m[2]) } : null
}

/** A click in displayed pixels → a point in the scan's pixels, or null when off the image. */
function clickedPoint(posted: Values, g: Geometry): { x: number; y: number } | null {
  const x = Number(text(posted[`${F.corner}.x`]))
  const y = Number(text(posted[`${F.corner}.y`]))
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null
  if (x < 0 || y < 0 || x > g.displayWidth || y > g.displayHeight) return null
  return {
    x: Math.min(g.width, Math.round(x * g.scale)),
    y: Math.min(g.height, Math.round(y * g.scale)),
  }
}

/** The rectangle between two opposite corners, whichever was clicked first. */
const between = (a: { x: number; y: number }, b: { x: number; y: number }): Rect => ({
  left: Math.min(a.x, b.x),
  top: Math.min(a.y, b.y),
  width: Math.abs(a.x - b.x),
  height: Math.abs(a.y - b.y),
})

/** Typed numbers → a rectangle inside the scan, or errors keyed by the field to fix. */
function typedRect(posted: Values, g: Geometry, minSide: number): { rect: Rect } | { errors: FieldErrors } {
  const errors: FieldErrors = {}
  const n: Record<string, number> = {}
  for (const { name, label } of NUMBERS) {
    const raw = text(posted[name])
    if (raw === '') errors[name] = CROP_MESSAGES.required(label)
    else if (!/^\d{1,6}$/.test(raw)) errors[name] = CROP_MESSAGES.integer(label)
    else n[name] = Number(raw)
  }
  if (n[F.width] === 0) errors[F.width] = CROP_MESSAGES.positive('宽')
  if (n[F.height] === 0) errors[F.height] = CROP_MESSAGES.positive('高')
  if (Object.keys(errors).length) return { errors }
  const rect = { left: n[F.left], top: n[F.top], width: n[F.width], height: n[F.height] }
  return outOfBounds(rect, g, minSide, 'typed')
}

function outOfBounds(
  rect: Rect,
  g: Geometry,
  minSide: number,
  how: 'typed' | 'clicked',
): { rect: Rect } | { errors: FieldErrors } {
  const errors: FieldErrors = {}
  if (rect.left >= g.width) errors[F.left] = CROP_MESSAGES.leftOutside(g.width)
  else if (rect.left + rect.width > g.width) errors[F.width] = CROP_MESSAGES.tooWide(g.width)
  if (rect.top >= g.height) errors[F.top] = CROP_MESSAGES.topOutside(g.height)
  else if (rect.top + rect.height > g.height) errors[F.height] = CROP_MESSAGES.tooTall(g.height)
  if (!Object.keys(errors).length && Math.max(rect.width, rect.height) < minSide)
    errors[F.width] = CROP_MESSAGES.tooSmall(rect.width, rect.height, minSide)
  if (!Object.keys(errors).length) return { rect }
  // A click can only be wrong in size; its message belongs beside the image.
  return { errors: how === 'clicked' ? { [F.corner]: Object.values(errors)[0] } : errors }
}

const numbersOf = (r: Rect) => ({
  [F.left]: String(r.left),
  [F.top]: String(r.top),
  [F.width]: String(r.width),
  [F.height]: String(r.height),
})

const noNumbers = { [F.left]: '', [F.top]: '', [F.width]: '', [F.height]: '' }

/**
 * Handles one crop action of a POST and returns the values to show the page with (what a wizard
 * step's redisplay hook returns): the selection so far, the new draft's id, and `cropErrors`.
 */
export async function receiveCrop(
  db: Db,
  posted: Values,
  action: CropAction,
  opts: CropOptions & { now: Date },
): Promise<Values> {
  const out: Values = { ...posted }
  delete out[`${F.corner}.x`]
  delete out[`${F.corner}.y`]
  delete out[F.errors]
  // A refused selection leaves no cut-out behind that the numbers on the page no longer describe.
  const fail = (errors: FieldErrors) => ({ ...out, [F.fileId]: '', [F.errors]: errors })

  const scan = await findOwnedImage(db, posted[opts.sourceField], opts.owner, opts.sourceKind)
  const g = scan && geometry(scan)
  if (!scan || !g) return fail({ [F.corner]: CROP_MESSAGES.noScan })
  if (text(out[F.sourceId]) !== scan.id) Object.assign(out, { [F.first]: '', [F.fileId]: '' })
  out[F.sourceId] = scan.id
  const minSide = IMAGE_RULES[opts.kind].minSide

  let chosen: { rect: Rect } | { errors: FieldErrors }
  if (action === 'redo') return { ...out, ...noNumbers, [F.first]: '', [F.fileId]: '' }
  if (action === 'corner') {
    const point = clickedPoint(posted, g)
    if (!point) return fail({ [F.corner]: CROP_MESSAGES.outside })
    const first = parsePoint(out[F.first])
    if (!first) return { ...out, ...noNumbers, [F.first]: `${point.x},${point.y}`, [F.fileId]: '' }
    const rect = between(first, point)
    Object.assign(out, numbersOf(rect), { [F.first]: '' })
    chosen = outOfBounds(rect, g, minSide, 'clicked')
  } else {
    out[F.first] = ''
    chosen = typedRect(posted, g, minSide)
  }
  if ('errors' in chosen) return fail(chosen.errors)

  const cut = await cropStoredImage(db, {
    sourceId: scan.id,
    sourceKind: opts.sourceKind,
    owner: opts.owner,
    rect: chosen.rect,
    kind: opts.kind,
    now: opts.now,
  })
  if (!cut.ok) return fail({ [action === 'corner' ? F.corner : F.left]: cut.error })
  return { ...out, [F.fileId]: cut.file.id }
}

/**
 * The three redisplay hooks of a wizard step with a crop: `corner` (a click on the image),
 * `crop` (the typed numbers) and `redo`.
 */
export function cropRedisplay(
  db: Db,
  options: (req: Request) => CropOptions & { now: Date },
): Record<CropAction, (posted: Values, req: Request) => Promise<Values>> {
  const run = (action: CropAction) => (posted: Values, req: Request) =>
    receiveCrop(db, posted, action, options(req))
  return { corner: run('corner'), crop: run('crop'), redo: run('redo') }
}

/** Which crop action a POST asks for: `_action`, or a click on the image (which sends no `_action`). */
export function cropActionOf(body: Values): CropAction | undefined {
  const action = body._action
  if (action === 'corner' || action === 'crop' || action === 'redo') return action
  if (body[`${F.corner}.x`] !== undefined) return 'corner'
  return undefined
}

/** For a GET: the scan, the selection so far and the cut-out's preview, from the values posted back. */
export async function cropField(db: Db, opts: CropOptions & { values?: Values }): Promise<CropFieldView> {
  const values = opts.values ?? {}
  const minSide = IMAGE_RULES[opts.kind].minSide
  const posted = values[F.errors]
  const errors: FieldErrors = {}
  if (posted && typeof posted === 'object')
    for (const [k, v] of Object.entries(posted as Record<string, unknown>))
      if (Object.values(F).includes(k as never) && typeof v === 'string') errors[k] = v
  const view: CropFieldView = {
    scan: null,
    first: null,
    rect: null,
    preview: null,
    numbers: {
      [F.left]: text(values[F.left]),
      [F.top]: text(values[F.top]),
      [F.width]: text(values[F.width]),
      [F.height]: text(values[F.height]),
    },
    errors,
    errorList: Object.entries(errors).map(([field, t]) => ({ field, text: t })),
    fields: F,
    minSide,
  }
  const scan = await findOwnedImage(db, values[opts.sourceField], opts.owner, opts.sourceKind)
  const g = scan && geometry(scan)
  if (!scan || !g) return view
  view.scan = { id: scan.id, url: `/files/${scan.id}`, ...g }
  const sourceId = text(values[F.sourceId])
  if (sourceId && sourceId !== scan.id) return { ...view, numbers: noNumbers }

  const toDisplay = (v: number) => Math.round(v / g.scale)
  const first = parsePoint(values[F.first])
  if (first && first.x <= g.width && first.y <= g.height)
    view.first = { ...first, displayX: toDisplay(first.x), displayY: toDisplay(first.y) }
  const cut = await findOwnedImage(db, values[F.fileId], opts.owner, opts.kind)
  if (cut) {
    view.preview = previewOf(cut)
    const [left, top, width, height] = NUMBERS.map(({ name }) => Number(text(values[name])))
    if ([left, top, width, height].every(Number.isInteger)) {
      const rect = { left, top, width, height }
      const display = {
        left: toDisplay(left),
        top: toDisplay(top),
        width: toDisplay(width),
        height: toDisplay(height),
      }
      view.rect = { ...rect, display }
    }
  }
  return view
}

/**
 * For beforeSave: an error beside the image unless the values name a cut-out of the owner's made
 * from the scan posted with it.
 */
export async function cropErrors(db: Db, values: Values, opts: CropOptions): Promise<FieldErrors | null> {
  const scan = await findOwnedImage(db, values[opts.sourceField], opts.owner, opts.sourceKind)
  if (!scan) return { [F.corner]: CROP_MESSAGES.noScan }
  const cut = await findOwnedImage(db, values[F.fileId], opts.owner, opts.kind)
  if (!cut || text(values[F.sourceId]) !== scan.id) return { [F.corner]: CROP_MESSAGES.notChosen }
  return null
}
