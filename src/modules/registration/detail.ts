import type { Request } from 'express'
import type { Services } from '../../services'
import { statusLabel } from '../../domain/registration'
import { shanghaiDateTime } from '../../domain/time'
import { applicationDetail } from '../applications/detail'
import { str } from '../../web/values'
import { STATUS_EXPLANATIONS } from './records'
import { refOptions, subjectNames, SUBMISSION_TABLES, type RegistrationRow } from './repository'
import { registrationSteps } from './steps'

/**
 * Everything a registration holds, for the applicant's 详情 and the staff detail page: what every
 * business's detail shows (src/modules/applications/detail.ts), the certificate snapshot, the
 * authority and point.
 */
export async function registrationDetail(req: Request, services: Services, row: RegistrationRow) {
  const { db } = services
  const types = await refOptions(db, 'qualification_type')
  const cert = row.cert as Record<string, unknown>
  const point = await services.bureau.registration.point(db, Number(row.point_id))
  return {
    ...(await applicationDetail(req, services, row, {
      steps: registrationSteps(services),
      history: SUBMISSION_TABLES,
      statusLabel,
      explanations: STATUS_EXPLANATIONS,
    })),
    cert: {
      number: row.cert_number,
      type: types.find((t) => t.value === str(cert.qualificationType))?.text ?? str(cert.qualificationType),
      subject: (await subjectNames(db))(str(cert.subject)),
      authority: str(cert.authority),
      issuedOn: str(cert.issuedOn),
      source: row.cert_source === 'added' ? '申请人添加（待核验）' : '教师资格证书库',
    },
    authorityName: str(row.data.authorityName),
    pointName: point?.name ?? str(row.data.pointName),
    confirmEnd: point?.confirmEnd ? shanghaiDateTime(point.confirmEnd) : '',
    certificatePhotos: (row.certificate_photo_file_ids ?? []).map((id) => `/files/${id}`),
  }
}
