import type { Services } from '../../services'
import { certificationExport } from '../certification/export'
import { registrationExport } from '../registration/export'
import { startQueueExportWorker } from './service'

/** Every business whose staff queue exports through the job queue. */
const QUEUE_EXPORTS = [registrationExport, certificationExport]

/** Starts the large-export worker (server.ts, and tests that run the job queue). */
export const startExportWorker = (services: Services) => startQueueExportWorker(services, QUEUE_EXPORTS)
