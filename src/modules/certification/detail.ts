import type { Request } from 'express'
import type { Services } from '../../services'
import { DOC_TYPE_LABELS, type DocType } from '../../domain/idNumber'
import { certificationStatusLabel, qualificationTypeLabel } from '../../domain/certification'
import { shanghaiDate, shanghaiDateTime } from '../../domain/time'
import { answerSections } from '../../web/wizard/review'
import type { Values } from '../../web/wizard/types'
import * as bureau from './bureau'
import * as m from './messages'
import { STATUS_EXPLANATIONS } from './records'
import type { ApplicationRow } from './repository'
import { certificationSteps, resumeRows } from './steps'

// Everything an application holds, for the applicant's 详情 and the staff detail page: the identity
// snapshot, every wizard answer labelled as the review page labels it (fields named by a 退回修改
// highlighted), the CV rows, the photo, the 个人承诺书 and its crop, the status history.

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v))

/** Steps whose answers the detail lists (the CV has its own table; the agreement and 承诺 are yes). */
const SKIPPED = ['agreement', 'resume', 'notices', 'commitment']

export async function certificationDetail(req: Request, services: Services, row: ApplicationRow) {
  const { db } = services
  const data = row.data as Values
  const identity = (data.identity ?? {}) as Record<string, unknown>
  const sections = await answerSections(req, certificationSteps(services), data, {
    highlighted: row.correction?.fields,
    skip: SKIPPED,
  })
  const history = await db('certification_status_history')
    .where({ application_id: row.id })
    .orderBy([
      { column: 'at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select('from_status', 'to_status', 'actor_kind', 'reason', 'at')
  const point = await bureau.pointById(db, Number(row.point_id))
  const authority = await bureau.authorityById(db, Number(row.authority_id))
  return {
    row,
    typeText: qualificationTypeLabel(row.qualification_type),
    statusText: certificationStatusLabel(row.status),
    explanation: STATUS_EXPLANATIONS[row.status],
    identity: {
      name: str(identity.name),
      docType: DOC_TYPE_LABELS[identity.doc_type as DocType] ?? str(identity.doc_type),
      docNumber: str(identity.doc_number),
      sex: identity.sex === 'M' ? '男' : identity.sex === 'F' ? '女' : str(identity.sex),
      birthDate: str(identity.birth_date),
      phone: str(identity.phone),
      email: str(identity.email),
    },
    sections,
    resume: resumeRows(data),
    correction: row.correction
      ? {
          note: row.correction.note,
          labels: sections.flatMap((s) => s.rows.filter((r) => r.highlighted).map((r) => r.label)),
        }
      : null,
    missingMaterials: row.status === 'confirmation_failed' ? (row.missing_materials ?? []) : [],
    certificate: row.certificate_number
      ? {
          number: row.certificate_number,
          issuedOn: row.certificate_issued_on ? shanghaiDate(new Date(row.certificate_issued_on)) : '',
        }
      : null,
    history: history.map((h) => ({
      at: shanghaiDateTime(h.at),
      from: h.from_status ? certificationStatusLabel(h.from_status) : '',
      to: certificationStatusLabel(h.to_status),
      by: h.actor_kind === 'applicant' ? '申请人' : h.actor_kind === 'staff' ? '工作人员' : '系统',
      reason: h.reason ?? '',
    })),
    authorityName: authority?.name ?? str(data.authorityName),
    pointName: point?.name ?? str(data.pointName),
    confirmEnd: point?.confirm_end ? shanghaiDateTime(point.confirm_end) : '',
    collectionText: m.COLLECTION[row.collection],
    photoHref: `/files/${row.photo_file_id}`,
    scanHref: `/files/${row.commitment_file_id}`,
    cropHref: `/files/${row.commitment_crop_file_id}`,
    submittedAt: shanghaiDateTime(row.submitted_at),
    updatedAt: shanghaiDateTime(row.updated_at),
  }
}
