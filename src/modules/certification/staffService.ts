import { scopesFor, type RoleGrant } from '../../domain/roles'
import { isCertificationStatus, type CertificationStatus } from '../../domain/certification'
import { registerFileScope } from '../../services/uploads'
import { actorKindsFor, type StaffScope } from '../../web/staffQueue'
import { applicationQueue, type QueueRowBase } from '../applications/queue'
import type { ApplicationRow } from './repository'

// The staff side of certification: whose applications a staff member sees (their points as 现场确认,
// their authorities as 认定审批), the filtered queue (src/modules/applications/queue.ts) and the
// files they may open.

export { QUEUE_PAGE_SIZE } from '../applications/queue'

export const scopeOf = (staff: { roles: RoleGrant[] }): StaffScope => ({
  points: scopesFor(staff, 'confirmation.handle', 'point'),
  authorities: scopesFor(staff, 'certification.approve', 'authority'),
})

export { actorKindsFor }

export interface QueueRow extends QueueRowBase<CertificationStatus> {
  qualification_type: string
  certificate_number: string | null
}

/** The queue's reads (src/modules/applications/queue.ts) over this business's applications. */
export const certificationQueue = applicationQueue<ApplicationRow, QueueRow>({
  table: 'certification_applications',
  isStatus: isCertificationStatus,
  certificateColumn: 'certificate_number',
  columns: ['qualification_type', 'certificate_number'],
})

// Staff open an application's photo, scan and crop only where they may open the application.
registerFileScope(['id_photo', 'commitment_scan', 'commitment_crop'], async (db, fileId, staff) => {
  const row = await certificationQueue
    .scoped(db, scopeOf(staff), {})
    .where((w) =>
      w
        .where('certification_applications.photo_file_id', fileId)
        .orWhere('certification_applications.commitment_file_id', fileId)
        .orWhere('certification_applications.commitment_crop_file_id', fileId),
    )
    .first('certification_applications.id')
  return !!row
})
