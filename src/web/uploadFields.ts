import type { Request } from 'express'
import type { Db } from '../db/knex'
import {
  draftExpired,
  formatBytes,
  IMAGE_MESSAGES,
  IMAGE_RULES,
  ruleText,
  type ImageKind,
} from '../domain/imageRules'
import {
  filesGone,
  findDraft,
  prepareImage,
  storeImage,
  type FileOwner,
  type StoredFileInfo,
} from '../services/imageStore'

// The upload-and-preview flow every form with a document shares (manual review photo, 普通话 and
// 学历 scans, the wizards' ID photo, certificate photo and 个人承诺书), without JavaScript:
//   POST with a file   -> receiveUpload() checks it against the kind's rule (normalised unless the
//                         applicant chose "直接使用"), stores it as a draft and gives its id;
//   the page again     -> uploadField() finds the draft by the id posted back and the template macro
//                         (views/macros/upload.njk) shows the image, its pixels and its bytes, with
//                         the id in a hidden field `<field>FileId`, so the file is not chosen again;
//   the review step    -> fileStillThere() (a ReviewField check) says when the draft is gone;
//   the final submit   -> adoptDraft() inside the caller's transaction takes the draft into use.
// Drafts never adopted are purged by the retention job (src/modules/privacy/retention.ts) and are never
// shown to staff.

export interface UploadFieldOptions {
  /** The file input's name; the previewed draft travels in `<field>FileId`, the choice in `<field>Normalise`. */
  field: string
  kind: ImageKind
  owner: FileOwner
}

/**
 * What a POST brought for one upload field:
 * - new: a file was sent, met the rule and is stored as a draft;
 * - kept: no file was sent, and the draft previewed earlier is still the owner's;
 * - refused: a file was sent and refused (`error` in Chinese); `file` is the earlier draft, if any;
 * - none: nothing sent and nothing previewed.
 */
export type ReceivedUpload =
  | { status: 'new' | 'kept'; file: StoredFileInfo }
  | { status: 'refused'; error: string; file?: StoredFileInfo }
  | { status: 'none' }

/** The preview the macro shows: the draft's URL and size. */
export interface UploadPreview {
  id: string
  url: string
  width: number | null
  height: number | null
  bytes: number
  /** "85KB" */
  size: string
}

/** Everything views/macros/upload.njk's uploadField needs. */
export interface UploadFieldView {
  kind: ImageKind
  label: string
  /** "JPG格式，小于190KB，宽200–300像素、高408–418像素，白色背景" */
  ruleText: string
  preview: UploadPreview | null
  /** Whether "由系统自动处理" is chosen (the default). */
  normalise: boolean
}

export const draftField = (field: string) => `${field}FileId`
export const normaliseField = (field: string) => `${field}Normalise`

/** Whether the applicant asked the server to normalise (the default) or to use the file as it is. */
export const wantsNormalise = (values: Record<string, unknown> | undefined, field: string): boolean =>
  values?.[normaliseField(field)] !== 'no'

/** The file a multipart form sent in `field`, if any (multer has parsed every multipart body). */
export function uploadedFile(req: Request, field: string): Express.Multer.File | undefined {
  const files = Array.isArray(req.files) ? req.files : []
  return files.find((f) => f.fieldname === field && f.size > 0)
}

/** Handles one upload field of a POST (see ReceivedUpload); call it before validating the rest. */
export async function receiveUpload(
  db: Db,
  req: Request,
  opts: UploadFieldOptions & { now: Date },
): Promise<ReceivedUpload> {
  const body = (req.body ?? {}) as Record<string, unknown>
  const earlier = await findDraft(db, body[draftField(opts.field)], opts.owner, opts.kind)
  const tooLarge = req.res?.locals.uploadError as string | undefined
  if (tooLarge) return { status: 'refused', error: tooLarge, file: earlier }
  const sent = uploadedFile(req, opts.field)
  if (!sent) return earlier ? { status: 'kept', file: earlier } : { status: 'none' }
  const prepared = await prepareImage(opts.kind, sent.buffer, { normalise: wantsNormalise(body, opts.field) })
  if (!prepared.ok) return { status: 'refused', error: prepared.error, file: earlier }
  return {
    status: 'new',
    file: await storeImage(db, prepared.image, opts.owner, { now: opts.now, draft: true }),
  }
}

/** The field's error after receiveUpload, if the form needs a file: the refusal, or "choose one". */
export function uploadError(received: ReceivedUpload): string | undefined {
  if (received.status === 'refused') return received.error
  if (received.status === 'none') return IMAGE_MESSAGES.missing
  return undefined
}

/** The draft id to post back with the form again (to keep on the redirect), or ''. */
export const receivedId = (received: ReceivedUpload): string =>
  received.status === 'none' ? '' : (received.file?.id ?? '')

export function previewOf(file: StoredFileInfo): UploadPreview {
  return {
    id: file.id,
    url: `/files/${file.id}`,
    width: file.width,
    height: file.height,
    bytes: file.size,
    size: formatBytes(file.size),
  }
}

/**
 * For a GET: the field's rule text and, when `values` (what the form posted back) names a draft of
 * this owner and kind, its preview.
 */
export async function uploadField(
  db: Db,
  opts: UploadFieldOptions & { values?: Record<string, unknown> },
): Promise<UploadFieldView> {
  const rule = IMAGE_RULES[opts.kind]
  const draft = await findDraft(db, opts.values?.[draftField(opts.field)], opts.owner, opts.kind)
  return {
    kind: opts.kind,
    label: rule.label,
    ruleText: ruleText(rule),
    preview: draft ? previewOf(draft) : null,
    normalise: wantsNormalise(opts.values, opts.field),
  }
}

/**
 * A review row's check (ReviewField.check) for an upload answer: the file the submit will take is
 * still the owner's, i.e. a preview was not purged while the applicant was away.
 */
export const fileStillThere =
  (db: Db, kind: ImageKind, owner: (req: Request) => FileOwner) =>
  async (value: unknown, _values: unknown, req: Request): Promise<string | null> => {
    if (typeof value !== 'string' || !value) return null
    const gone = await filesGone(db, owner(req), [[value, kind]])
    return gone.size ? draftExpired(IMAGE_RULES[kind].label) : null
  }
