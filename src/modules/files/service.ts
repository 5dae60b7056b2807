import type { Db } from '../../db/knex'
import { isImageKind, type ImageKind } from '../../domain/imageRules'
import type { RoleGrant } from '../../domain/roles'
import { certificationFileInScope } from '../certification/staffService'
import { reviewPhotoInScope } from '../identity/service'
import { scanFileInScope } from '../info/service'
import { registrationFileInScope } from '../registration/staffService'
import { UUID } from '../../services/imageStore'
import { findFile, type FileRow } from './repository'

// Who may open a stored file. Its owner always; staff only through the record the file belongs to:
// each kind names the records that hold it, and each record's check is the very scope query of its
// own staff pages (the queue a staff member works), so a file opens exactly where its record does.
// A kind no record claims opens for nobody on staff.

type StaffViewer = { roles: RoleGrant[] }
type RecordScope = (db: Db, file: { id: string; kind: string }, staff: StaffViewer) => Promise<boolean>

export const FILE_SCOPES: Record<ImageKind, readonly RecordScope[]> = {
  // 人工审核: the identity reviewers' queue (instance-wide).
  identity_review_photo: [reviewPhotoInScope],
  // 信息核验: the verifiers of the applicant's confirmation point, as in their queue.
  mandarin_scan: [scanFileInScope],
  education_scan: [scanFileInScope],
  // Applications: the point's 现场确认 and the authority's 审批 of an application holding the file.
  id_photo: [registrationFileInScope, certificationFileInScope],
  certificate_photo: [registrationFileInScope],
  commitment_scan: [certificationFileInScope],
  commitment_crop: [certificationFileInScope],
}

/** Who is asking to open a file: the signed-in applicant or staff member, if any. */
export interface FileViewer {
  applicant?: { id: number | string } | null
  staff?: StaffViewer | null
}

export type ServedFile = Pick<FileRow, 'id' | 'kind' | 'mime' | 'filename' | 'size' | 'content'> & {
  /** when a staff member opens an applicant's file: the applicant (for their 查阅记录) */
  staffViewOf?: number
}

async function staffMayOpen(db: Db, file: { id: string; kind: string }, staff: StaffViewer) {
  if (!isImageKind(file.kind)) return false
  for (const inScope of FILE_SCOPES[file.kind]) if (await inScope(db, file, staff)) return true
  return false
}

/**
 * The file if this viewer may open it: its owner always; staff never a draft, and otherwise only
 * where a record holding the file is in their scope. Anyone else gets nothing, exactly as for a
 * missing file.
 */
export async function fileForViewer(db: Db, id: string, viewer: FileViewer): Promise<ServedFile | undefined> {
  if (!UUID.test(id)) return undefined
  const row = await findFile(db, id)
  if (!row) return undefined
  const isOwner =
    row.owner_kind === 'applicant' &&
    !!viewer.applicant &&
    Number(viewer.applicant.id) === Number(row.owner_id)
  const isStaffViewer =
    !isOwner && !row.draft && !!viewer.staff && (await staffMayOpen(db, row, viewer.staff))
  if (!isOwner && !isStaffViewer) return undefined
  const { id: fileId, kind, mime, filename, size, content } = row
  const served = { id: fileId, kind, mime, filename, size, content }
  return isStaffViewer && row.owner_kind === 'applicant'
    ? { ...served, staffViewOf: Number(row.owner_id) }
    : served
}
