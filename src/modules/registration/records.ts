import type { Services } from '../../services'
import {
  applicantMayEdit,
  canTransition,
  statusLabel,
  type RegistrationStatus,
} from '../../domain/registration'
import { IMAGE_MESSAGES } from '../../domain/imageRules'
import { adoptDraft } from '../../services/imageStore'
import { messageBox, type MessageRow } from '../applications/inbox'
import { saveEdit, type ApplicantChange, type ChangeServices, type EditOutcome } from '../applications/edit'
import { writeTransition } from '../applications/transitions'
import {
  platformRows,
  recordLinks,
  type Link,
  type MyRecordBase,
  type MyRecords,
} from '../applications/records'
import { isWindowOpen } from './bureauPort'
import { identitySnapshot } from '../applications/repository'
import { refOptions, registrationOf, registrationsOf, type RegistrationRow } from './repository'
import * as repo from './repository'
import { releaseOnPointChange } from '../booking/service'

// 我的注册: the applicant's records, what each status means to them, whether 修改 is open, the
// applicant's own changes (guarded by version like every staff decision) and 有留言.

/** How the applicant reads each 注册结论 (manual 002 §5 and manual 001 §3.2). */
export const STATUS_EXPLANATIONS: Record<RegistrationStatus, string> = {
  pending_confirmation: '信息提交成功，等待现场确认',
  confirmed: '信息已确认，待审批',
  confirmation_failed: '经审核材料不全，请向确认机构提交补齐',
  wrong_authority: '经审核您选错了注册机构。请更正',
  not_eligible: '您不属于注册对象',
  approved: '注册合格',
  deferred: '暂缓注册',
  rejected: '注册不合格',
}

export const EDIT_REFUSALS = {
  status:
    '只有注册结论为“网报待确认”，才可以修改定期注册报名信息。如需修改，请联系注册审批机构调整注册结论为“网报待确认”。',
  confirmEnded: '现场确认时间已结束，申报信息只能查看不允许修改。',
  windowClosed: '当前时间不在该机构的网报时间段内',
  changedFirst: '该申请已被他人处理，请刷新后重试',
} as const

export const RECORD_BASE = '/registration/records'

type BureauReading = Pick<Services, 'db' | 'bureau'>

/** Why the applicant may not change the application now, or null (修改 open). */
export async function editRefusal(
  { db, bureau }: BureauReading,
  row: RegistrationRow,
  now: Date,
): Promise<string | null> {
  if (!applicantMayEdit(row.status)) return EDIT_REFUSALS.status
  const point = await bureau.registration.point(db, Number(row.point_id))
  if (point?.confirmEnd && now.getTime() >= point.confirmEnd.getTime()) return EDIT_REFUSALS.confirmEnded
  if (!isWindowOpen(await bureau.registration.windowFor(db, Number(row.authority_id)), now))
    return EDIT_REFUSALS.windowClosed
  return null
}

/** 选错注册机构: the applicant may choose another authority until the window ends. */
export async function authorityChangeOpen(
  { db, bureau }: BureauReading,
  row: RegistrationRow,
  now: Date,
): Promise<boolean> {
  if (row.status !== 'wrong_authority') return false
  return isWindowOpen(await bureau.registration.windowFor(db, Number(row.authority_id)), now)
}

/** 留言 of registrations (src/modules/applications/inbox.ts). */
export const registrationMessages = messageBox({
  table: 'registration_messages',
  key: 'registration_id',
  audit: { action: 'registration.message', targetType: 'registration' },
})

export const unreadCounts = registrationMessages.unreadCounts

export interface MyRecord extends MyRecordBase<RegistrationStatus> {
  certNumber: string
  stage: string
  subject: string
  authorityChange: boolean
}

/** 我的注册: one row per application (src/modules/applications/records.ts). */
export const myRecords: MyRecords<MyRecord> = async (services, applicantId, now) => {
  const { db } = services
  const rows = await registrationsOf(db, applicantId)
  if (!rows.length) return []
  const stages = new Map((await refOptions(db, 'teaching_stage')).map((o) => [o.value, o.text]))
  const subjects = new Map((await refOptions(db, 'subject')).map((o) => [o.value, o.text]))
  const counts = await unreadCounts(
    db,
    rows.map((r) => Number(r.id)),
  )
  return Promise.all(
    rows.map(async (r) => ({
      id: Number(r.id),
      number: r.number,
      certNumber: r.cert_number,
      stage: stages.get(r.stage) ?? r.stage,
      subject: subjects.get(r.subject) ?? r.subject,
      status: r.status,
      statusText: statusLabel(r.status),
      explanation: STATUS_EXPLANATIONS[r.status],
      authorityName: String(r.data.authorityName ?? ''),
      editable: (await editRefusal(services, r, now)) === null,
      authorityChange: await authorityChangeOpen(services, r, now),
      messages: counts.get(Number(r.id)) ?? { all: 0, unread: 0 },
    })),
  )
}

/** The actions of one record, as links (src/modules/applications/records.ts), with 注意事项 and 重新选择注册机构. */
export function recordActions(r: MyRecord): Link[] {
  const base = `${RECORD_BASE}/${r.id}`
  return recordLinks(RECORD_BASE, r, {
    first: [{ text: '注意事项', href: `${base}/reminder` }],
    afterEdit: r.authorityChange ? [{ text: '重新选择注册机构', href: `${base}/authority` }] : [],
  })
}

/** The 业务平台's 定期注册信息 rows: 注册报名号 · 证书号码 · 现任教学段 · 现任教学科 · 注册结论 · 注册机构 · 操作. */
export const registrationRecords = platformRows(
  myRecords,
  (r) => [r.number, r.certNumber, r.stage, r.subject, r.statusText, r.authorityName],
  recordActions,
)

// ---- the applicant's changes ----------------------------------------------------------------------

type Outcome = EditOutcome

/**
 * 修改: saves changed answers over the snapshot while 网报待确认, before the point's 确认结束时间 and
 * inside the window (src/modules/applications/edit.ts). The identity snapshot is taken again
 * (manual 001: after changing 姓名 or 民族 the applicant changes and submits the registration so the
 * bureau sees them), and a new ID photo (a draft of the applicant's) replaces the old one.
 */
export const saveApplicantEdit = (
  services: ChangeServices,
  input: ApplicantChange & {
    changes: Record<string, unknown>
    /** a normalised id_photo draft of the applicant's to use from now on */
    photoDraftId?: string
  },
): Promise<Outcome> =>
  saveEdit(services, {
    tables: repo.STATUS_TABLES,
    load: (trx) => registrationOf(trx, input.applicationId, input.applicantId),
    refusal: (row, now) => editRefusal(services, row, now),
    version: input.version,
    changes: input.changes,
    actor: input.actor,
    changedFirst: EDIT_REFUSALS.changedFirst,
    extra: async (trx, row) => {
      const identity = await identitySnapshot(trx, input.applicantId)
      const owner = { kind: 'applicant' as const, id: input.applicantId }
      const photo = input.photoDraftId && (await adoptDraft(trx, input.photoDraftId, owner, 'id_photo'))
      if (input.photoDraftId && !photo) return { error: IMAGE_MESSAGES.missing }
      return {
        data: { identity },
        columns: photo ? { photo_file_id: input.photoDraftId } : {},
        changed: [
          ...(JSON.stringify(identity) !== JSON.stringify(row.data.identity) ? ['identity'] : []),
          ...(photo ? ['photo'] : []),
        ],
      }
    },
  })

/**
 * 选错注册机构 → 网报待确认 with the authority and point the applicant chose (checked by the caller
 * with the wizard's authority step), inside the old authority's window.
 */
export async function changeAuthority(
  services: ChangeServices,
  input: ApplicantChange & { choice: Record<string, unknown> },
): Promise<Outcome> {
  const { db, clock } = services
  return db.transaction(async (trx) => {
    const row = await registrationOf(trx, input.applicationId, input.applicantId)
    if (!row) return { ok: false as const, error: 'not_found' }
    const now = clock.now()
    if (!(await authorityChangeOpen(services, row, now)))
      return { ok: false as const, error: EDIT_REFUSALS.windowClosed }
    const to = canTransition(row.status, 'change_authority', 'applicant')
    if (!to) return { ok: false as const, error: EDIT_REFUSALS.status }
    const c = input.choice
    const written = await writeTransition(trx, services, repo.STATUS_TABLES, {
      row,
      version: input.version,
      name: 'change_authority',
      to,
      patch: {
        authority_id: Number(c.authorityId),
        point_id: Number(c.pointId),
        stage: String(c.stage),
        subject: String(c.subject),
        data: JSON.stringify({ ...row.data, ...c }),
        reason: null,
        updated_at: now,
      },
      actor: { kind: 'applicant', id: input.applicantId, audit: input.actor },
      reason: null,
      at: now,
      detail: { from: row.authority_id, to: Number(c.authorityId), pointId: Number(c.pointId) },
    })
    if (!written) return { ok: false as const, error: EDIT_REFUSALS.changedFirst }
    await releaseOnPointChange(trx, {
      business: 'registration',
      applicationId: Number(row.id),
      newPointId: Number(c.pointId),
      applicantId: input.applicantId,
      now,
    })
    return { ok: true as const, version: input.version + 1 }
  })
}

// ---- 有留言 -------------------------------------------------------------------------------------------

export type { MessageRow }
