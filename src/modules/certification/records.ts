import type { Services } from '../../services'
import { messageBox } from '../applications/inbox'
import { saveEdit, type ApplicantChange, type ChangeServices, type EditOutcome } from '../applications/edit'
import {
  platformRows,
  recordLinks,
  type Link,
  type MyRecordBase,
  type MyRecords,
  type RecordState,
} from '../applications/records'
import {
  applicantMayEdit,
  certificationStatusLabel,
  qualificationTypeLabel,
  type CertificationStatus,
} from '../../domain/certification'
import { isWindowOpen } from '../../domain/windows'
import { applicationOf, applicationsOf, STATUS_TABLES, type ApplicationRow } from './repository'
import { str } from '../../web/values'

// 教师资格认定信息: the applicant's applications, what each 认定状态 means to them, whether 修改 is
// open, the applicant's own changes (guarded by version like every staff decision) and 有留言.

export const RECORD_BASE = '/certification/records'

type BureauReading = Pick<Services, 'db' | 'bureau'>

/** How the applicant reads each 认定状态 (manual 000 §3). */
export const STATUS_EXPLANATIONS: Record<CertificationStatus, string> = {
  pending_confirmation: '网上报名成功，请在规定时间内携带材料到所选确认点进行现场确认',
  awaiting_review: '已完成现场确认，等待认定机构审核',
  confirmation_failed: '经现场确认材料不全，请向确认点提交补齐',
  approved: '认定通过',
  rejected: '认定不通过',
}

export const EDIT_REFUSALS = {
  status:
    '只有认定状态为“网报待确认”时，才可以修改报名信息。如需修改，请联系认定机构修改认定状态至“网报待确认”。',
  confirmEnded: '现场确认时间已结束，报名信息只能查看不允许修改。',
  windowClosed: '当前时间不在该机构的网报时间段内',
  changedFirst: '该申请已被他人处理，请刷新后重试',
} as const

/** 留言 of certification applications (src/modules/applications/inbox.ts). */
export const certificationMessages = messageBox({
  table: 'certification_messages',
  key: 'application_id',
  audit: { action: 'certification.message', targetType: 'certification_application' },
})

/** Why the applicant may not change the application now, or null (修改 open). */
export async function editRefusal(
  { db, bureau }: BureauReading,
  row: ApplicationRow,
  now: Date,
): Promise<string | null> {
  if (!applicantMayEdit(row.status)) return EDIT_REFUSALS.status
  const point = await bureau.pointById(db, Number(row.point_id))
  if (point?.confirm_end && now.getTime() >= point.confirm_end.getTime()) return EDIT_REFUSALS.confirmEnded
  const window = await bureau.certification.windowFor(db, Number(row.authority_id), now)
  if (!window || !isWindowOpen(window, now)) return EDIT_REFUSALS.windowClosed
  return null
}

export interface MyRecord extends MyRecordBase<CertificationStatus> {
  type: string
  subject: string
  certificateNumber: string
}

/** The applicant's applications (src/modules/applications/records.ts). */
export const myRecords: MyRecords<MyRecord> = async (services, applicantId, now) => {
  const { db, bureau } = services
  const rows = await applicationsOf(db, applicantId)
  const counts = await certificationMessages.unreadCounts(
    db,
    rows.map((r) => Number(r.id)),
  )
  const out: MyRecord[] = []
  for (const r of rows)
    out.push({
      id: Number(r.id),
      number: r.number,
      type: qualificationTypeLabel(r.qualification_type),
      subject: r.subject,
      authorityName:
        str(r.data.authorityName) || (await bureau.authorityById(db, Number(r.authority_id)))?.name || '',
      status: r.status,
      statusText: certificationStatusLabel(r.status),
      explanation: STATUS_EXPLANATIONS[r.status],
      certificateNumber: r.certificate_number ?? '',
      editable: (await editRefusal(services, r, now)) === null,
      messages: counts.get(Number(r.id)) ?? { all: 0, unread: 0 },
    })
  return out
}

/** The actions of one record, as links (src/modules/applications/records.ts), with its 申报提醒. */
export const recordActions = (r: RecordState): Link[] =>
  recordLinks(RECORD_BASE, r, { first: [{ text: '申报提醒', href: `${RECORD_BASE}/${r.id}/reminder` }] })

/** The 业务平台's 教师资格认定信息 rows: 报名号 · 申请资格种类 · 任教学科 · 认定机构 · 认定状态 · 证书号码 · 操作. */
export const certificationRecords = platformRows(
  myRecords,
  (r) => [r.number, r.type, r.subject, r.authorityName, r.statusText, r.certificateNumber],
  recordActions,
)

/**
 * 修改: saves changed 认定信息 answers over the snapshot while 网报待确认, before the point's 确认结束时间
 * and inside the window (src/modules/applications/edit.ts).
 */
export const saveApplicantEdit = (
  services: ChangeServices,
  input: ApplicantChange & { changes: Record<string, unknown> },
): Promise<EditOutcome> =>
  saveEdit(services, {
    tables: STATUS_TABLES,
    load: (trx) => applicationOf(trx, input.applicationId, input.applicantId),
    refusal: (row, now) => editRefusal(services, row, now),
    ...input,
    changedFirst: EDIT_REFUSALS.changedFirst,
  })
