import type { Request } from 'express'
import type { Services } from '../../services'
import { certificationStatusLabel, qualificationTypeLabel } from '../../domain/certification'
import { shanghaiDate, shanghaiDateTime } from '../../domain/time'
import { applicationDetail } from '../applications/detail'
import { str } from '../../web/values'
import * as m from './messages'
import { STATUS_EXPLANATIONS } from './records'
import { SUBMISSION_TABLES, type ApplicationRow } from './repository'
import { certificationSteps, resumeRows } from './steps'

// Everything an application holds, for the applicant's 详情 and the staff detail page: what every
// business's detail shows (src/modules/applications/detail.ts), and the qualification type, the CV
// rows, the certificate once issued, the 个人承诺书 and its crop.

/** Steps whose answers the detail lists (the CV has its own table; the agreement and 承诺 are yes). */
const SKIPPED = ['agreement', 'resume', 'notices', 'commitment']

export async function certificationDetail(req: Request, services: Services, row: ApplicationRow) {
  const { db, bureau } = services
  const point = await bureau.pointById(db, Number(row.point_id))
  const authority = await bureau.authorityById(db, Number(row.authority_id))
  return {
    ...(await applicationDetail(req, services, row, {
      steps: certificationSteps(services),
      skip: SKIPPED,
      history: SUBMISSION_TABLES,
      statusLabel: certificationStatusLabel,
      explanations: STATUS_EXPLANATIONS,
    })),
    typeText: qualificationTypeLabel(row.qualification_type),
    resume: resumeRows(row.data),
    certificate: row.certificate_number
      ? {
          number: row.certificate_number,
          issuedOn: row.certificate_issued_on ? shanghaiDate(new Date(row.certificate_issued_on)) : '',
        }
      : null,
    authorityName: authority?.name ?? str(row.data.authorityName),
    pointName: point?.name ?? str(row.data.pointName),
    confirmEnd: point?.confirm_end ? shanghaiDateTime(point.confirm_end) : '',
    collectionText: m.COLLECTION[row.collection],
    scanHref: `/files/${row.commitment_file_id}`,
    cropHref: `/files/${row.commitment_crop_file_id}`,
  }
}
