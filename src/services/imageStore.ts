import crypto from 'node:crypto'
import FileType from 'file-type'
import sharp from 'sharp'
import type { Db } from '../db/knex'
import type { StatementPart } from '../db/statementPart'
import * as repo from './fileRepository'
import { ownedFileInfo } from '../modules/files/repository'
import { measureBackground } from '../domain/imageCheck'
import {
  boxTooSmall,
  checkDimensions,
  coverPlan,
  fileTooLarge,
  fitSize,
  IMAGE_MESSAGES,
  IMAGE_RULES,
  inBox,
  outsideBox,
  storedTooLarge,
  type ImageKind,
  type ImageRule,
  type Rect,
  type ResizePlan,
} from '../domain/imageRules'

// One upload path for every kind of image: the kind's row in IMAGE_RULES says what is accepted
// and how it is stored. The file's name and the browser's MIME header are never trusted: the
// format is read from the content, the size from the header before anything is decoded, and the
// stored file is always re-encoded here, which also drops EXIF and any other metadata.

export interface PreparedImage {
  kind: ImageKind
  content: Buffer
  mime: 'image/jpeg'
  width: number
  height: number
  size: number
  sha256: string
}

export type Prepared = { ok: true; image: PreparedImage } | { ok: false; error: string }

export interface PrepareOptions {
  /**
   * true (the default): crop, scale and re-encode until the rule is met. false: the applicant's
   * own file must already meet the rule; it is only re-encoded (at the highest quality that keeps
   * it under the byte limit) so that its metadata is dropped.
   */
  normalise?: boolean
}

export interface FileOwner {
  kind: 'applicant' | 'staff'
  id: number
}

export interface StoredFileInfo {
  id: string
  kind: string
  size: number
  width: number | null
  height: number | null
  draft: boolean
}

const QUALITIES = [85, 75, 65, 55, 45]
const SHRINK = 0.8
const SNIFFED_FORMAT = { jpg: 'jpeg', png: 'png' } as const

type Sniffed = { ok: true; format: keyof typeof SNIFFED_FORMAT; width: number; height: number } | Refused
type Refused = { ok: false; error: string }

/**
 * What the bytes really are, and their displayed size, from the header alone: nothing is decoded
 * until the pixel count is known to be sane (a 30000 × 30000 PNG can be a few hundred bytes).
 */
async function sniff(rule: ImageRule, input: Buffer | null | undefined): Promise<Sniffed> {
  if (!input || input.length === 0) return { ok: false, error: IMAGE_MESSAGES.missing }
  if (input.length > rule.maxInputBytes) return { ok: false, error: fileTooLarge(rule.maxInputBytes) }
  const type = await FileType.fromBuffer(input)
  const format = type && (rule.accept as readonly string[]).includes(type.ext) ? type.ext : null
  if (!format) return { ok: false, error: IMAGE_MESSAGES.format }
  let meta: sharp.Metadata
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata()
  } catch {
    return { ok: false, error: IMAGE_MESSAGES.damaged }
  }
  if (meta.format !== SNIFFED_FORMAT[format as keyof typeof SNIFFED_FORMAT])
    return { ok: false, error: IMAGE_MESSAGES.format }
  const width = meta.autoOrient?.width ?? meta.width ?? 0
  const height = meta.autoOrient?.height ?? meta.height ?? 0
  const error = checkDimensions(rule, width, height)
  if (error) return { ok: false, error }
  return { ok: true, format: format as keyof typeof SNIFFED_FORMAT, width, height }
}

/** Checks an upload against its kind's rule and turns it into the JPEG that will be stored. */
export async function prepareImage(
  kind: ImageKind,
  input: Buffer | null | undefined,
  options: PrepareOptions = {},
): Promise<Prepared> {
  const rule: ImageRule = IMAGE_RULES[kind]
  const normalise = options.normalise ?? true
  const sniffed = await sniff(rule, input)
  if (!sniffed.ok) return sniffed
  const { width, height } = sniffed

  if (!normalise) {
    if (sniffed.format !== 'jpg') return { ok: false, error: IMAGE_MESSAGES.jpgOnly }
    if (input!.length >= rule.maxBytes) return { ok: false, error: storedTooLarge(rule.maxBytes) }
    if (rule.box && !inBox(rule, width, height))
      return { ok: false, error: outsideBox(rule.box, width, height) }
    return render(kind, input!, { crop: null, width, height }, false)
  }
  if (rule.strategy === 'fit')
    return render(kind, input!, { crop: null, ...fitSize(rule, width, height) }, true)
  const plan: ResizePlan | null = coverPlan(rule, width, height)
  if (!plan)
    return { ok: false, error: rule.box ? boxTooSmall(rule.box, width, height) : IMAGE_MESSAGES.tooSmall }
  return render(kind, input!, plan, true)
}

/**
 * Cuts `rect` (in the source's displayed pixels) out of an image, e.g. the dashed box of a scanned
 * 个人承诺书, and stores it under `kind`'s rule (scaled into its target, never enlarged).
 */
export async function cropImage(kind: ImageKind, source: Buffer, rect: Rect): Promise<Prepared> {
  const rule: ImageRule = IMAGE_RULES[kind]
  const sniffed = await sniff({ ...rule, box: undefined }, source)
  if (!sniffed.ok) return sniffed
  const whole = [rect.left, rect.top, rect.width, rect.height]
  if (
    !whole.every(Number.isInteger) ||
    rect.left < 0 ||
    rect.top < 0 ||
    rect.width < 1 ||
    rect.height < 1 ||
    rect.left + rect.width > sniffed.width ||
    rect.top + rect.height > sniffed.height
  )
    return { ok: false, error: IMAGE_MESSAGES.badCrop }
  if (Math.max(rect.width, rect.height) < rule.minSide)
    return { ok: false, error: IMAGE_MESSAGES.cropTooSmall }
  return render(kind, source, { crop: rect, ...fitSize(rule, rect.width, rect.height) }, true)
}

/**
 * Decodes (scaling while decoding, so a 40-megapixel photo never sits in memory at full size),
 * applies the plan, checks the background, and encodes under the byte limit.
 */
async function render(
  kind: ImageKind,
  input: Buffer,
  plan: { crop: Rect | null; width: number; height: number },
  normalise: boolean,
): Promise<Prepared> {
  const rule: ImageRule = IMAGE_RULES[kind]
  let pixels: { data: Buffer; info: sharp.OutputInfo }
  try {
    let img = sharp(input, { limitInputPixels: rule.maxInputPixels, failOn: 'error' }).autoOrient()
    if (plan.crop) img = img.extract(plan.crop)
    pixels = await img
      .resize({ width: plan.width, height: plan.height, fit: 'fill' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
  } catch {
    return { ok: false, error: IMAGE_MESSAGES.damaged }
  }
  if (rule.whiteBackground && !measureBackground({ ...pixels.info, data: pixels.data }).white)
    return { ok: false, error: IMAGE_MESSAGES.whiteBackground }

  let size = { width: pixels.info.width, height: pixels.info.height }
  for (;;) {
    const content = await encodeUnder(pixels, size, rule.maxBytes, normalise ? QUALITIES : [95, ...QUALITIES])
    if (content) {
      if (!inBox(rule, size.width, size.height)) return { ok: false, error: IMAGE_MESSAGES.notInBox }
      return {
        ok: true,
        image: {
          kind,
          content,
          mime: 'image/jpeg',
          width: size.width,
          height: size.height,
          size: content.length,
          sha256: crypto.createHash('sha256').update(content).digest('hex'),
        },
      }
    }
    if (!normalise) return { ok: false, error: storedTooLarge(rule.maxBytes) }
    const next = { width: Math.round(size.width * SHRINK), height: Math.round(size.height * SHRINK) }
    if (Math.max(next.width, next.height) < rule.minSide || !inBox(rule, next.width, next.height))
      return { ok: false, error: IMAGE_MESSAGES.cannotShrink }
    size = next
  }
}

/** The first quality that brings the image strictly under `maxBytes`, or null. */
async function encodeUnder(
  pixels: { data: Buffer; info: sharp.OutputInfo },
  size: { width: number; height: number },
  maxBytes: number,
  qualities: number[],
): Promise<Buffer | null> {
  const { width, height, channels } = pixels.info
  const resized =
    size.width === width && size.height === height
      ? pixels.data
      : await sharp(pixels.data, { raw: { width, height, channels } })
          .resize({ width: size.width, height: size.height, fit: 'fill' })
          .raw()
          .toBuffer()
  for (const quality of qualities) {
    const out = await sharp(resized, { raw: { width: size.width, height: size.height, channels } })
      .jpeg({ quality })
      .toBuffer()
    if (out.length < maxBytes) return out
  }
  return null
}

/** Stores a prepared image; `draft` keeps it out of use until a submission adopts it. */
export async function storeImage(
  db: Db,
  image: PreparedImage,
  owner: FileOwner,
  opts: { now: Date; draft?: boolean },
): Promise<StoredFileInfo> {
  return repo.insertFile(db, {
    owner_kind: owner.kind,
    owner_id: owner.id,
    kind: image.kind,
    mime: image.mime,
    filename: IMAGE_RULES[image.kind].downloadName,
    size: image.size,
    width: image.width,
    height: image.height,
    sha256: image.sha256,
    content: image.content,
    draft: opts.draft ?? false,
    created_at: opts.now,
  })
}

/** What a stored file's id looks like (anything else is no file, without asking the database). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether a posted value looks like a stored file's id (else it is no file, without asking). */
const isFileId = (id: unknown): id is string => typeof id === 'string' && UUID.test(id)

/** A draft of this owner and kind (what a preview showed), or undefined. */
export const findDraft = (db: Db, id: unknown, owner: FileOwner, kind: ImageKind) =>
  isFileId(id) ? repo.draftOf(db, id, owner, kind) : Promise.resolve(undefined)

/**
 * One of the owner's images of this kind, draft or not (a changed application shows the scan it
 * already holds); anyone else's id is as good as none.
 */
export const findOwnedImage = (db: Db, id: unknown, owner: FileOwner, kind: ImageKind) =>
  isFileId(id) ? ownedFileInfo(db, id, owner, kind) : Promise.resolve(undefined)

/** Takes a previewed draft into use inside the caller's transaction; false when it is not theirs. */
export async function adoptDraft(trx: Db, id: string, owner: FileOwner, kind: ImageKind): Promise<boolean> {
  if (!UUID.test(id)) return false
  return repo.adoptDraft(trx, id, owner, kind)
}

/**
 * A submit's files, in one statement inside the caller's transaction: each draft of this owner and
 * kind is taken into use, and a file already in use (an earlier, abandoned submit adopted it) is
 * accepted as it is. False when any file is neither (not theirs, wrong kind, gone).
 */
export async function takeFiles(
  trx: Db,
  owner: FileOwner,
  files: readonly (readonly [id: string, kind: ImageKind])[],
): Promise<boolean> {
  if (!files.every(([id]) => UUID.test(id))) return false
  return (await repo.takeFiles(trx, owner, files)) === files.length
}

/**
 * takeFiles as a part of the submit's own statement (applications/submissions writeSubmission
 * `also`), one round trip fewer: `taken` is given what the statement returned for it. Undefined
 * when an id is not even a file id (nothing to take: the submit is refused as takeFiles refuses).
 */
export function filesToTake(
  owner: FileOwner,
  files: readonly (readonly [id: string, kind: ImageKind])[],
): { part: () => StatementPart; taken: (result: unknown) => boolean } | undefined {
  if (!files.every(([id]) => UUID.test(id))) return undefined
  return {
    part: () => repo.takeFilesPart(owner, files),
    taken: (result) => Number(result) === files.length,
  }
}

/**
 * Which of `files` a submit could no longer take (takeFiles' rule, read without adopting): gone
 * (a preview the daily pass purged), not the owner's, or of another kind. For the review step, so
 * that an applicant learns it before 同意 rather than at the final submit.
 */
export async function filesGone(
  db: Db,
  owner: FileOwner,
  files: readonly (readonly [id: string, kind: ImageKind])[],
): Promise<Set<string>> {
  const ids = files.map(([id]) => id).filter((id) => UUID.test(id))
  const present = ids.length ? await repo.filesOfOwner(db, ids, owner) : []
  return new Set(
    files.filter(([id, kind]) => !present.some((f) => f.id === id && f.kind === kind)).map(([id]) => id),
  )
}

/**
 * Crops one of the owner's stored images (e.g. the commitment_scan) and stores the cut-out under
 * `kind` (e.g. commitment_crop) as a draft, for a preview before it is adopted.
 */
export async function cropStoredImage(
  db: Db,
  input: {
    sourceId: unknown
    sourceKind: ImageKind
    owner: FileOwner
    rect: Rect
    kind: ImageKind
    now: Date
  },
): Promise<{ ok: true; file: StoredFileInfo } | { ok: false; error: string }> {
  const { sourceId, sourceKind, owner } = input
  if (typeof sourceId !== 'string' || !UUID.test(sourceId))
    return { ok: false, error: IMAGE_MESSAGES.missing }
  const source = await repo.fileContent(db, sourceId, owner, sourceKind)
  if (!source) return { ok: false, error: IMAGE_MESSAGES.missing }
  const prepared = await cropImage(input.kind, source.content, input.rect)
  if (!prepared.ok) return prepared
  return { ok: true, file: await storeImage(db, prepared.image, owner, { now: input.now, draft: true }) }
}
