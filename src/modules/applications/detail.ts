import type { Request } from 'express'
import type { Services } from '../../services'
import { DOC_TYPE_LABELS, type DocType } from '../../domain/idNumber'
import { shanghaiDateTime } from '../../domain/time'
import { answerSections } from '../../web/wizard/review'
import type { Step, Values } from '../../web/wizard/types'
import { statusHistory, type HistoryTable } from './repository'
import { str } from '../../web/values'

// What the detail of an application shows in every business, for the applicant's 详情 and the staff
// detail page: the identity snapshot, every wizard answer labelled as the review page labels it
// (fields named by a 退回修改 highlighted), the materials a 确认未通过 listed, the status history.
// Each business adds its own (the certificate, the CV, the 个人承诺书...) in its detail function.

export interface DetailedRow {
  id: number
  status: string
  data: Record<string, unknown>
  correction: { fields: string[]; note: string } | null
  missing_materials: string[] | null
  photo_file_id: string
  submitted_at: Date
  updated_at: Date
}

export interface DetailOf {
  steps: Step[]
  /** steps whose answers the detail leaves out */
  skip?: string[]
  /** the status history table and its column naming the application */
  history: HistoryTable
  statusLabel: (status: string) => string
  explanations: Record<string, string>
}

export async function applicationDetail<Row extends DetailedRow>(
  req: Request,
  services: Pick<Services, 'db'>,
  row: Row,
  d: DetailOf,
) {
  const identity = (row.data.identity ?? {}) as Record<string, unknown>
  const sections = await answerSections(req, d.steps, row.data as Values, {
    highlighted: row.correction?.fields,
    skip: d.skip,
  })
  const history = await statusHistory(services.db, d.history, row.id)
  return {
    row,
    statusText: d.statusLabel(row.status),
    explanation: d.explanations[row.status],
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
    correction: row.correction
      ? {
          note: row.correction.note,
          labels: sections.flatMap((s) => s.rows.filter((r) => r.highlighted).map((r) => r.label)),
        }
      : null,
    missingMaterials: row.status === 'confirmation_failed' ? (row.missing_materials ?? []) : [],
    history: history.map((h) => ({
      at: shanghaiDateTime(h.at),
      from: h.from_status ? d.statusLabel(h.from_status) : '',
      to: d.statusLabel(h.to_status),
      by: h.actor_kind === 'applicant' ? '申请人' : h.actor_kind === 'staff' ? '工作人员' : '系统',
      reason: h.reason ?? '',
    })),
    photoHref: `/files/${row.photo_file_id}`,
    submittedAt: shanghaiDateTime(row.submitted_at),
    updatedAt: shanghaiDateTime(row.updated_at),
  }
}
