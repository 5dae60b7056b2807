import type { Request } from 'express'
import type { Services } from '../../../services'
import { cropErrors, cropField, receiveCrop, type CropAction, type CropOptions } from '../../../web/crop'
import type { Values } from '../../../web/wizard/types'
import {
  applicantOwner,
  previewSlot,
  receiveSlot,
  uploadOnPage,
  type UploadSlot,
} from '../../applications/wizardSteps'
import * as m from '../messages'

// 上传个人承诺书: the signed scan, previewed, then the signature cut out of it by two clicks (or
// typed numbers) without JavaScript (src/web/crop.ts).

const SCAN: UploadSlot = { field: 'commitment', kind: 'commitment_scan' }

const cropOptions = (req: Request): CropOptions => ({
  sourceField: 'commitmentFileId',
  sourceKind: 'commitment_scan',
  kind: 'commitment_crop',
  owner: applicantOwner(req),
})

export async function commitmentScanPage(s: Services, req: Request, values: Values, shown: Values) {
  const posted = { ...shown, commitmentFileId: shown.commitmentFileId ?? values.commitmentFileId }
  const crop = await cropField(s.db, { ...cropOptions(req), values: posted })
  return {
    multipart: true,
    intro: m.COMMITMENT_SCAN_INTRO,
    upload: await uploadOnPage(s, req, SCAN, values, shown),
    crop,
  }
}

export const previewScan = (s: Services, posted: Values, req: Request) => previewSlot(s, req, SCAN, posted)

const cropAction = (action: CropAction) => (s: Services, posted: Values, req: Request) =>
  receiveCrop(s.db, posted, action, { ...cropOptions(req), now: s.clock.now() })

/** A click on the scan (`corner`), the typed numbers (`crop`) and 重新选择 (`redo`). */
export const cropActions = {
  corner: cropAction('corner'),
  crop: cropAction('crop'),
  redo: cropAction('redo'),
}

/** The scan and its cut-out: both needed, the cut-out's id kept with the answers. */
export async function saveCommitmentScan(s: Services, req: Request, value: Values) {
  const received = await receiveSlot(s, req, SCAN)
  if (received.status === 'refused') return { commitment: received.error }
  if (received.status === 'new' || received.status === 'kept') value.commitmentFileId = received.file.id
  const errors = await cropErrors(s.db, value, cropOptions(req))
  if (errors)
    return received.status === 'none' && !value.commitmentFileId ? { commitment: m.SCAN_MISSING } : errors
  value.commitmentCropFileId = value.cropFileId
  return null
}
