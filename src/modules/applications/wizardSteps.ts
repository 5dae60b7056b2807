import type { Request } from 'express'
import type { Services } from '../../services'
import type { ImageKind } from '../../domain/imageRules'
import { DOC_TYPE_LABELS, checkDocNumber, type DocNumberViewer, type DocType } from '../../domain/idNumber'
import { shanghaiDate, shanghaiDateTime } from '../../domain/time'
import { windowClosedLines } from '../bureau/messages'
import type { FieldErrors } from '../../web/formValidation'
import { fileStillThere, receiveUpload, receivedId, uploadError, uploadField } from '../../web/uploadFields'
import type { RowField } from '../../web/wizard/table'
import type { Values } from '../../web/wizard/types'

// What the two businesses' step tables share (registration/steps.ts, certification/steps.ts): the
// account's identity as the wizards show it, and an upload answered on a step (the ID photo, the
// 个人承诺书) — its page, its 预览 and its save, and its review row.

export const str = (v: unknown) =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v)

/** The signed-in applicant as the owner of the files they upload. */
export const applicantOwner = (req: Request) => ({
  kind: 'applicant' as const,
  id: Number(req.applicant!.id),
})

/**
 * 填写身份信息 (read only): the account's identity as the form prints it. An identity card says the
 * sex and the birth date itself when the account does not hold them (a far 'today': the number is
 * only read here, not judged).
 */
export async function identityView(_s: Services, req: Request) {
  // The signed-in applicant's row as the request loaded it with the session (APPLICANT_COLUMNS).
  const a = req.applicant
  const fromNumber =
    a?.doc_type === 'id_card' && a.doc_number ? checkDocNumber('id_card', a.doc_number, '9999-12-31') : null
  const derived = fromNumber?.ok ? fromNumber : { sex: undefined, birthDate: undefined }
  const sex = a?.sex ?? derived.sex
  return {
    name: a?.name ?? '',
    docType: DOC_TYPE_LABELS[a?.doc_type as DocType] ?? '',
    docNumber: a?.doc_number ?? '',
    sex: sex === 'M' ? '男' : sex === 'F' ? '女' : '',
    birth: a?.birth_date ? shanghaiDate(new Date(a.birth_date)) : (derived.birthDate ?? ''),
    phone: a?.phone ?? '',
    ethnicityCode: a?.ethnicity ?? '',
  }
}

/** The review page is the one page before submitting where the holder checks the 证件号码 the form will print. */
export const HOLDER_CHECKING: DocNumberViewer = 'holderChecking'

/** An upload answered on a step: the file input's name (its draft id travels in `<field>FileId`) and kind. */
export interface UploadSlot {
  field: string
  kind: ImageKind
}

export const ID_PHOTO: UploadSlot = { field: 'photo', kind: 'id_photo' }

const idOf = (slot: UploadSlot) => `${slot.field}FileId`

/** The upload field of the step's page: the draft shown (posted back) or the saved answer's. */
export function uploadOnPage(s: Services, req: Request, slot: UploadSlot, values: Values, shown: Values) {
  return uploadField(s.db, {
    ...slot,
    owner: applicantOwner(req),
    values: { ...shown, [idOf(slot)]: shown[idOf(slot)] ?? values[idOf(slot)] },
  })
}

/** What the POST brought for the slot (a new file, the draft kept, a refusal, or nothing). */
export function receiveSlot(s: Services, req: Request, slot: UploadSlot) {
  return receiveUpload(s.db, req, { ...slot, owner: applicantOwner(req), now: s.clock.now() })
}

/** 预览: the page again with the draft (or the refusal beside the field as `<field>Error`). */
export async function previewSlot(
  s: Services,
  req: Request,
  slot: UploadSlot,
  posted: Values,
): Promise<Values> {
  const received = await receiveSlot(s, req, slot)
  return {
    ...posted,
    [idOf(slot)]: receivedId(received),
    [`${slot.field}Error`]: uploadError(received) ?? '',
  }
}

/** The save of a step needing the file: its error, or the draft's id put in the answer. */
export async function saveSlot(
  s: Services,
  req: Request,
  slot: UploadSlot,
  value: Values,
): Promise<FieldErrors> {
  const received = await receiveSlot(s, req, slot)
  const error = uploadError(received)
  if (error) return { [slot.field]: error }
  value[idOf(slot)] = receivedId(received)
  return {}
}

/** A review row's check that the file the submit will take is still there (a preview not purged since). */
export const stillThere =
  (kind: ImageKind) =>
  (s: Services, value: unknown, values: Values, req: Request): Promise<string | null> =>
    fileStillThere(s.db, kind, applicantOwner)(value, values, req)

/** The ID photo's review row. */
export const ID_PHOTO_FIELD: RowField<Services> = {
  name: 'photoFileId',
  label: '证件照',
  format: (v) => (v ? '已上传' : ''),
  check: stillThere('id_photo'),
}

/** The review step's page beyond its sections: the identity the form will print. */
export async function reviewPage(s: Services, req: Request) {
  return { identity: await identityView(s, req), docViewer: HOLDER_CHECKING }
}

/** 预览 of the ID photo (a step's redisplay). */
export const previewIdPhoto = (s: Services, posted: Values, req: Request) =>
  previewSlot(s, req, ID_PHOTO, posted)

/** What a wizard's 网报时间 page says of the chosen authority's window: none planned, over, or not begun. */
export function windowLines(window: { start: Date; end: Date } | undefined, now: Date) {
  return windowClosedLines(
    window && {
      start: shanghaiDateTime(window.start),
      end: shanghaiDateTime(window.end),
      over: window.end.getTime() <= now.getTime(),
    },
  )
}
