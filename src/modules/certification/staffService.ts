import type { Db } from '../../db/knex'
import { scopesFor, type RoleGrant } from '../../domain/roles'
import { isCertificationStatus, type CertificationStatus } from '../../domain/certification'
import { actorKindsFor, type StaffScope } from '../applications/queue'
import { applicationQueue, type QueueRowBase } from '../applications/queueRepository'
import type { ApplicationRow } from './repository'

// The staff side of certification: whose applications a staff member sees (their points as 现场确认,
// their authorities as 认定审批), the filtered queue (src/modules/applications/queueRepository.ts) and the
// files they may open.

export { QUEUE_PAGE_SIZE } from '../applications/queueRepository'

export const scopeOf = (staff: { roles: RoleGrant[] }): StaffScope => ({
  points: scopesFor(staff, 'confirmation.handle', 'point'),
  authorities: scopesFor(staff, 'certification.approve', 'authority'),
})

export { actorKindsFor }

export interface QueueRow extends QueueRowBase<CertificationStatus> {
  qualification_type: string
  certificate_number: string | null
}

/** The queue's reads (src/modules/applications/queueRepository.ts) over this business's applications. */
export const certificationQueue = applicationQueue<ApplicationRow, QueueRow>({
  table: 'certification_applications',
  isStatus: isCertificationStatus,
  certificateColumn: 'certificate_number',
  columns: ['qualification_type', 'certificate_number'],
  files: {
    id_photo: { column: 'photo_file_id' },
    commitment_scan: { column: 'commitment_file_id' },
    commitment_crop: { column: 'commitment_crop_file_id' },
  },
})

/** An application's photo, 承诺书 scan or crop, for staff who may open that application. */
export const certificationFileInScope = (
  db: Db,
  file: { id: string; kind: string },
  staff: { roles: RoleGrant[] },
) => certificationQueue.holdsFile(db, scopeOf(staff), file)
