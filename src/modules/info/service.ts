import type { Services } from '../../services'
import type { Actor, SignedInActor } from '../../services/audit'
import type { Db } from '../../db/knex'
import type { RowSource, StatementPart } from '../../db/statementPart'
import { registryFromYear } from '../../domain/registration'
import { can, rolesFor, scopesFor, type RoleGrant } from '../../domain/roles'
import { adoptDraft } from '../../services/imageStore'
import { MESSAGES } from './messages'
import {
  certNumberTaken,
  deleteItem,
  deleteUses,
  findItem,
  insertItem,
  insertItemUses,
  itemUsesPart,
  isLocked,
  lastSync,
  markSynced,
  registryCertificates,
  registryCertificatesChangedSince,
  registryEducation,
  registryMandarin,
  registryStudentStatus,
  replaceSynced,
  updateItem,
  type ItemKind,
  type LockableKind,
  type Person,
  lockItemRow,
} from './repository'
import { decideItem, scanInScope, type QueueScope } from './reviewRepository'
import type { Decision } from './schemas'

// 个人信息中心: each verb is one transaction with its audit entry. Items used by a submitted
// application (info_item_uses) are frozen: edits and deletes are refused here, whatever the form.

export type Outcome = { ok: true; id: number } | { ok: false; error: string; field?: string }

const SCAN_KIND = { mandarin: 'mandarin_scan', education: 'education_scan' } as const

/**
 * Whose hand-entered items a staff member verifies (信息核验): everyone's with an instance-wide grant,
 * otherwise those of applicants with a registration at one of their points; none without the
 * permission. The queue, its items and their scans are all read through this scope.
 */
export function verifierScope(staff: { roles: RoleGrant[] }): QueueScope | undefined {
  if (!can(staff, 'info.verify')) return undefined
  const granting: string[] = rolesFor('info.verify')
  const instanceWide = staff.roles.some((g) => granting.includes(g.role) && g.scope_type === 'instance')
  return { pointIds: instanceWide ? null : scopesFor(staff, 'info.verify', 'point') }
}

/** A 普通话 or 学历 scan, for the verifiers whose queue holds its item. */
export async function scanFileInScope(
  db: Db,
  file: { id: string; kind: string },
  staff: { roles: RoleGrant[] },
): Promise<boolean> {
  const scope = verifierScope(staff)
  return !!scope && (await scanInScope(db, file.id, scope))
}

const sameName = (a: string, b: string) => a.replace(/\s/g, '') === b.replace(/\s/g, '')
const sameDoc = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase()

/**
 * 核验证书 / 核验学历: the registry row must exist and carry the account's name and ID number;
 * otherwise one message whichever part differs (so nobody probes others' certificates).
 */
export async function verifyByNumber(
  services: Services,
  who: Person,
  kind: 'mandarin' | 'education',
  certNumber: string,
  actor: Actor,
): Promise<Outcome> {
  const { db, clock } = services
  const found =
    kind === 'mandarin' ? await registryMandarin(db, certNumber) : await registryEducation(db, certNumber)
  const notFound = kind === 'mandarin' ? MESSAGES.mandarinNotFound : MESSAGES.educationNotFound
  if (!found || !sameName(found.name, who.name) || !sameDoc(found.doc_number, who.doc_number))
    return { ok: false, error: notFound, field: 'certNumber' }
  const details: Record<string, string> =
    kind === 'mandarin'
      ? { score: found.score, grade: found.grade, issuer: found.issuer, issuedOn: found.issued_on }
      : { school: found.school, major: found.major, level: found.level, graduatedOn: found.graduated_on }
  return db.transaction(async (trx) => {
    const now = clock.now()
    const id = await insertItem(trx, {
      applicant_id: who.id,
      kind,
      source: 'registry',
      category: kind === 'education' ? 'verified' : null,
      cert_number: certNumber,
      details,
      scan_file_id: null,
      status: 'verified',
      created_at: now,
    })
    if (!id) return { ok: false, error: MESSAGES.duplicate, field: 'certNumber' } as const
    await services.audit.record(trx, actor, {
      action: `info.${kind}.verify`,
      targetType: 'info_item',
      targetId: id,
      detail: { certNumber },
    })
    return { ok: true, id } as const
  })
}

export interface ManualItem {
  kind: ItemKind
  certNumber: string
  category?: string | null
  details: Record<string, string>
  /** A previewed scan to adopt; absent when the kind has no scan or an edit keeps the old one. */
  draftId?: string
}

/** 录入 (itemId absent) or 修改 a hand-entered item; it is 待核验 afterwards either way. */
export async function saveManualItem(
  services: Services,
  who: Person,
  item: ManualItem,
  actor: Actor,
  itemId?: number,
): Promise<Outcome> {
  const { db, clock } = services
  return db.transaction(async (trx) => {
    const now = clock.now()
    const owner = { kind: 'applicant', id: who.id } as const
    let existing
    if (itemId !== undefined) {
      existing = await findItem(trx, who.id, item.kind, itemId)
      if (!existing) return { ok: false, error: 'not_found' } as const
      if (await isLocked(trx, item.kind, itemId)) return { ok: false, error: MESSAGES.locked } as const
      if (existing.source !== 'manual') return { ok: false, error: MESSAGES.notEditable } as const
      await lockItemRow(trx, itemId)
    }
    if (await certNumberTaken(trx, who.id, item.kind, item.certNumber, itemId))
      return { ok: false, error: MESSAGES.duplicate, field: 'certNumber' } as const
    let scan = existing?.scan_file_id ?? null
    if (item.draftId && item.kind !== 'degree') {
      if (!(await adoptDraft(trx, item.draftId, owner, SCAN_KIND[item.kind])))
        return { ok: false, error: 'scan_missing', field: 'scan' } as const
      scan = item.draftId
    }
    let id = itemId
    if (id === undefined) {
      id = await insertItem(trx, {
        applicant_id: who.id,
        kind: item.kind,
        source: 'manual',
        category: item.category ?? null,
        cert_number: item.certNumber,
        details: item.details,
        scan_file_id: scan,
        status: 'pending',
        created_at: now,
      })
      if (!id) return { ok: false, error: MESSAGES.duplicate, field: 'certNumber' } as const
    } else {
      await updateItem(
        trx,
        who.id,
        id,
        {
          cert_number: item.certNumber,
          category: item.category ?? null,
          details: item.details,
          scan_file_id: scan,
        },
        now,
      )
    }
    await services.audit.record(trx, actor, {
      action: itemId === undefined ? `info.${item.kind}.create` : `info.${item.kind}.update`,
      targetType: 'info_item',
      targetId: id,
      detail: { certNumber: item.certNumber, category: item.category ?? undefined },
    })
    return { ok: true, id } as const
  })
}

export async function deleteInfoItem(
  services: Services,
  who: Person,
  kind: ItemKind,
  id: number,
  actor: Actor,
): Promise<Outcome> {
  return services.db.transaction(async (trx) => {
    const existing = await findItem(trx, who.id, kind, id)
    if (!existing) return { ok: false, error: 'not_found' } as const
    // Lock the row, then check the uses: lockInfoItems in a concurrent submit waits for us or wins.
    await lockItemRow(trx, id)
    if (await isLocked(trx, kind, id)) return { ok: false, error: MESSAGES.locked } as const
    await deleteItem(trx, who.id, kind, id)
    await services.audit.record(trx, actor, {
      action: `info.${kind}.delete`,
      targetType: 'info_item',
      targetId: id,
      detail: { certNumber: existing.cert_number, status: existing.status },
    })
    return { ok: true, id } as const
  })
}

/** Whether a registry certificate is one the centre lists: issued 2008+ (广西, digits 5–6 = 45: 2012+). */
export function certificateIsSynced(certNumber: string, issuedOn: string): boolean {
  const province = certNumber.length === 17 ? `${certNumber.slice(4, 6)}0000` : ''
  return Number(issuedOn.slice(0, 4)) >= registryFromYear(province)
}

/** 同步: copies the registry's certificates (2008+, 广西 2012+) with their registration history. */
/**
 * The information centre's copy of the certificate registry, brought up to date before it is shown:
 * listed without asking the first time (the manual: 将列出), and again whenever the registry took
 * something for this number since, so a certificate imported later appears without 同步.
 */
export async function refreshCertificates(services: Services, who: Person): Promise<void> {
  const synced = await lastSync(services.db, who.id, 'certificates')
  if (!synced || (await registryCertificatesChangedSince(services.db, who.doc_number, synced)))
    await syncCertificates(services, who)
}

export async function syncCertificates(services: Services, who: Person, actor?: Actor): Promise<number> {
  const { db, clock } = services
  const now = clock.now()
  const rows = (await registryCertificates(db, who.doc_number))
    .filter((c) => certificateIsSynced(c.cert_number, c.issued_on))
    .map((c) => ({
      cert_number: c.cert_number,
      holder_name: c.holder_name,
      qualification_type: c.qualification_type,
      subject: c.subject,
      authority: c.authority,
      issued_on: c.issued_on,
      history: JSON.stringify(c.history),
      synced_at: now,
    }))
  await db.transaction(async (trx) => {
    await replaceSynced(trx, 'info_certificates', 'certificate', who.id, 'cert_number', rows)
    await markSynced(trx, who.id, 'certificates', now)
    if (actor)
      await services.audit.record(trx, actor, {
        action: 'info.certificates.sync',
        targetType: 'applicant',
        targetId: who.id,
        detail: { count: rows.length },
      })
  })
  return rows.length
}

/** 同步学籍: the student-status registry's rows for the account's ID number. */
export async function syncStudentStatus(services: Services, who: Person, actor: Actor): Promise<number> {
  const { db, clock } = services
  const now = clock.now()
  const rows = (await registryStudentStatus(db, who.doc_number)).map((r) => ({
    school: r.school,
    major: r.major,
    level: r.level,
    full_time: r.full_time,
    status: r.status,
    expected_graduation: r.expected_graduation,
    synced_at: now,
  }))
  await db.transaction(async (trx) => {
    await replaceSynced(trx, 'info_student_status', 'student_status', who.id, 'school', rows)
    await markSynced(trx, who.id, 'student_status', now)
    await services.audit.record(trx, actor, {
      action: 'info.student_status.sync',
      targetType: 'applicant',
      targetId: who.id,
      detail: { count: rows.length },
    })
  })
  return rows.length
}

export interface InfoItemRef {
  kind: LockableKind
  id: number
}

export class InfoItemNotOwned extends Error {}

const distinct = (items: InfoItemRef[]): InfoItemRef[] => {
  const byKind = new Map<LockableKind, Set<number>>()
  for (const it of items) byKind.set(it.kind, (byKind.get(it.kind) ?? new Set()).add(it.id))
  return [...byKind].flatMap(([kind, ids]) => [...ids].map((id) => ({ kind, id })))
}

const notOwned = (applicantId: number, wanted: InfoItemRef[]) =>
  new InfoItemNotOwned(
    `${wanted.map((w) => `${w.kind} ${w.id}`).join(', ')} not all of applicant ${applicantId}`,
  )

/**
 * The lock hook for the business modules: call it inside the submit's transaction with the items
 * the application used. From then on the items can be viewed but not changed or deleted. Throws
 * InfoItemNotOwned (rolling the submit back) when an item is not the applicant's. Idempotent.
 * A submit locks them in its own statement instead (infoItemLocks).
 */
export async function lockInfoItems(
  trx: Db,
  applicantId: number,
  items: InfoItemRef[],
  application: { kind: string; id: number },
): Promise<void> {
  const wanted = distinct(items)
  if (!wanted.length) return
  if ((await insertItemUses(trx, applicantId, wanted, application)) !== wanted.length)
    throw notOwned(applicantId, wanted)
}

/**
 * lockInfoItems as a part of the submit's own statement, for the application that statement
 * writes (applications/submissions writeSubmission `also`); `check` is given what the statement
 * returned for it and throws InfoItemNotOwned (the caller rolls back) unless every item was the
 * applicant's. No part when there is nothing to lock.
 */
export function infoItemLocks(
  applicantId: number,
  items: InfoItemRef[],
  applicationKind: string,
): { part: (application: RowSource) => StatementPart; check: (result: unknown) => void } | undefined {
  const wanted = distinct(items)
  if (!wanted.length) return undefined
  return {
    part: (application) => itemUsesPart(applicantId, wanted, applicationKind, application),
    check: (result) => {
      if (Number(result) !== wanted.length) throw notOwned(applicantId, wanted)
    },
  }
}

/** Releases an application's locks (an application abandoned or deleted before confirmation). */
export async function unlockInfoItems(trx: Db, application: { kind: string; id: number }): Promise<number> {
  return deleteUses(trx, application)
}

/** Staff: 核验通过 / 核验不通过 (reason required), only if nobody decided first. */
export async function decideInfoItem(
  services: Services,
  staff: SignedInActor,
  id: number,
  input: Decision,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const { db, clock } = services
  return db.transaction(async (trx) => {
    const now = clock.now()
    const passed = input.decision === 'pass'
    const row = await decideItem(trx, id, input.version, {
      status: passed ? 'verified' : 'rejected',
      reason: passed ? input.reason || null : input.reason,
      staffId: staff.id,
      at: now,
    })
    if (!row) return { ok: false, error: MESSAGES.decidedByOther } as const
    await services.audit.record(trx, staff, {
      action: passed ? 'info.item.verify' : 'info.item.reject',
      targetType: 'info_item',
      targetId: id,
      detail: { kind: row.kind, applicantId: row.applicant_id, reason: row.reason ?? undefined },
    })
    return { ok: true } as const
  })
}
