import type { Db } from '../../db/knex'
import { scopesFor, type RoleGrant } from '../../domain/roles'
import { isRegistrationStatus, type RegistrationStatus } from '../../domain/registration'
import { actorKindsFor, type QueueFilter, type StaffScope } from '../applications/queue'
import { applicationQueue, type QueueRowBase } from '../applications/queueRepository'
import type { RegistrationRow } from './repository'

// The staff side of registration: whose applications a staff member sees (their points as 现场确认,
// their authorities as 注册审批), the filtered queue (src/modules/applications/queueRepository.ts) and the
// files they may open.

export { QUEUE_PAGE_SIZE } from '../applications/queueRepository'
export type { StaffScope, QueueFilter }
export { actorKindsFor }

export const scopeOf = (staff: { roles: RoleGrant[] }): StaffScope => ({
  points: scopesFor(staff, 'confirmation.handle', 'point'),
  authorities: scopesFor(staff, 'registration.approve', 'authority'),
})

export interface QueueRow extends QueueRowBase<RegistrationStatus> {
  cert_number: string
  stage: string
}

/** The queue's reads (src/modules/applications/queueRepository.ts) over this business's applications. */
export const registrationQueue = applicationQueue<RegistrationRow, QueueRow>({
  table: 'registrations',
  isStatus: isRegistrationStatus,
  certificateColumn: 'cert_number',
  columns: ['cert_number', 'stage'],
  files: {
    id_photo: { column: 'photo_file_id' },
    certificate_photo: { column: 'certificate_photo_file_ids', many: true },
  },
})

/** A registration's photo or certificate photo, for staff who may open that registration. */
export const registrationFileInScope = (
  db: Db,
  file: { id: string; kind: string },
  staff: { roles: RoleGrant[] },
) => registrationQueue.holdsFile(db, scopeOf(staff), file)
