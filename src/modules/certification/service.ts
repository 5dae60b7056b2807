import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import { filesToTake, type FileOwner } from '../../services/imageStore'
import {
  authorityRefusal,
  certificationYear,
  educationRefusal,
  examPassRefusal,
  isQualificationType,
  mandarinRefusal,
  repeatRefusal,
  typeHasSubject,
  type QualificationType,
} from '../../domain/certification'
import { restrictionRefusal } from '../../domain/restrictions'
import { certificationNumber } from '../../domain/certificateNumbers'
import { MANDARIN_GRADES, type MandarinGrade } from '../../domain/mandarin'
import { shanghaiDate } from '../../domain/time'
import type { FieldErrors } from '../../web/formValidation'
import type { Values } from '../../web/wizard/types'
import { infoItemLocks, type InfoItemRef } from '../info/service'
import { contactSentence, getSettings } from '../staff/settings'
import { isWindowOpen } from '../../domain/windows'
import type { BureauReader } from '../bureau/reader'
import * as m from './messages'
import * as repo from './repository'
import { writeSubmission, type Submit } from '../applications/submissions'
import { identitySnapshot } from '../applications/repository'
import { str } from '../../web/values'

type Conn = Db | Knex.Transaction

export interface Applicant {
  id: number
  name: string
  doc_type: string
  doc_number: string
}

/** What 身份与条件 fixes once its answers pass: the type and subject, and how each choice reads. */
export interface Conditions {
  type: QualificationType
  subject: string
  texts: Record<string, string>
  items: InfoItemRef[]
}

/**
 * The checks of 身份与条件 (step 2), run when the step is saved and again at submit: the exam pass
 * is the applicant's and still valid (and fixes type and subject), the type is not one already held
 * or applied for and the year is not used up, the Mandarin grade meets the rule for the type and
 * subject, and the education (or, for fresh graduates, the 学籍) meets the type's minimum.
 */
export async function checkConditions(
  db: Conn,
  who: Applicant,
  v: Values,
  now: Date,
  facts?: repo.ConditionFacts,
): Promise<{ errors: FieldErrors; conditions?: Conditions }> {
  const {
    examPasses,
    earlier,
    heldTypes,
    rules,
    items: held,
    educationCodes,
  } = facts ?? (await repo.conditionFacts(db, who))
  const today = shanghaiDate(now)
  const errors: FieldErrors = {}
  const texts: Record<string, string> = {}
  const items: InfoItemRef[] = []
  let type: QualificationType | undefined
  let subject = ''

  if (v.examRoute === 'national_exam') {
    const pass = examPasses.find((p) => p.certNumber === str(v.examPass))
    if (!pass) errors.examPass = m.CONDITION_ERRORS.examPass
    else {
      const expired = examPassRefusal({ certNumber: pass.certNumber, validUntil: pass.validUntil }, today)
      if (expired) errors.examPass = expired
      else if (!isQualificationType(pass.type)) errors.examPass = m.CONDITION_ERRORS.examPass
      else {
        type = pass.type
        subject = typeHasSubject(pass.type) ? pass.subject || '无' : '无'
        texts.examPass = `${pass.certNumber}（有效期至${pass.validUntil}）`
      }
    }
  } else {
    if (!isQualificationType(v.qualificationType)) errors.qualificationType = m.CONDITION_ERRORS.type
    else {
      type = v.qualificationType
      if (!typeHasSubject(type)) subject = '无'
      else {
        const names = (await repo.refOptionsUnder(db, 'subject', type)).map((o) => o.text)
        if (names.includes(str(v.subject))) subject = str(v.subject)
        else errors.subject = m.CONDITION_ERRORS.subject
      }
    }
  }

  if (type) {
    const repeat = repeatRefusal(type, certificationYear(now), earlier, heldTypes)
    if (repeat) errors[v.examRoute === 'national_exam' ? 'examPass' : 'qualificationType'] = repeat
  }

  const rule = rules.mandarin
  if (v.mandarin === 'exempt') {
    const refusal = mandarinRefusal(
      { type: type ?? '2', subjectName: subject, held: null, exempt: true },
      rule,
    )
    if (refusal) errors.mandarin = refusal
    texts.mandarin = m.MANDARIN_EXEMPT
  } else {
    const item = held.mandarin.find((i) => String(i.id) === str(v.mandarin))
    if (!item) errors.mandarin = m.CONDITION_ERRORS.mandarin
    else if (item.status === 'rejected') errors.mandarin = m.CONDITION_ERRORS.mandarinRejected
    else {
      const grade = item.details.grade as MandarinGrade
      texts.mandarin = `${grade}（证书编号 ${item.certNumber}）`
      items.push({ kind: 'mandarin', id: item.id })
      if (type) {
        const refusal = mandarinRefusal(
          { type, subjectName: subject, held: MANDARIN_GRADES.includes(grade) ? grade : null, exempt: false },
          rule,
        )
        if (refusal) errors.mandarin = refusal
      }
    }
  }

  if (v.freshGraduate === 'yes') {
    const status = (await repo.studentStatusOf(db, who.id)).find((s) => String(s.id) === str(v.studentStatus))
    if (!status) errors.studentStatus = m.CONDITION_ERRORS.studentStatus
    else if (status.status !== '注册学籍') errors.studentStatus = m.CONDITION_ERRORS.notRegistered
    else if (!status.fullTime)
      errors.studentStatus = m.CONDITION_ERRORS.notFullTime(contactSentence(await getSettings(db)))
    else if (status.level !== '大学本科') errors.studentStatus = m.CONDITION_ERRORS.notUndergraduate
    else {
      texts.studentStatus = `${status.school} ${status.major}（${status.level}，${status.status}）`
      texts.educationLevel = status.level
      texts.school = status.school
      texts.major = status.major
      texts.graduatedOn = status.expectedGraduation
      items.push({ kind: 'student_status', id: status.id })
      const refusal = type && educationRefusal(type, educationCodes.get(status.level), true, rules.education)
      if (refusal) errors.studentStatus = refusal
    }
  } else {
    const education = held.education.find((i) => String(i.id) === str(v.education))
    if (!education) errors.education = m.CONDITION_ERRORS.education
    else if (education.status === 'rejected') errors.education = m.CONDITION_ERRORS.educationRejected
    else {
      const level = education.details.level ?? ''
      texts.education = `${level} ${education.details.school ?? ''} ${education.details.major ?? ''}`.trim()
      texts.educationLevel = level
      texts.school = education.details.school ?? ''
      texts.major = education.details.major ?? ''
      texts.graduatedOn = education.details.graduatedOn ?? ''
      items.push({ kind: 'education', id: education.id })
      const refusal = type && educationRefusal(type, educationCodes.get(level), true, rules.education)
      if (refusal) errors.education = refusal
    }
    if (v.degree === 'none') texts.degree = m.NO_DEGREE
    else {
      const degree = held.degree.find((i) => String(i.id) === str(v.degree))
      if (!degree) errors.degree = m.CONDITION_ERRORS.degree
      else {
        texts.degree =
          degree.details.degreeName === m.NO_DEGREE
            ? m.NO_DEGREE
            : `${degree.details.degreeName}（${degree.certNumber}）`
        items.push({ kind: 'degree', id: degree.id })
      }
    }
  }
  if (Object.keys(errors).length || !type) return { errors }
  return { errors, conditions: { type, subject, texts, items } }
}

/** Why the authority cannot take the application now (window, certifies the type), or null. */
export async function authorityProblem(
  reading: BureauReading,
  authorityId: number,
  type: QualificationType,
  now: Date,
): Promise<string | null> {
  return (await authorityCheck(reading, authorityId, type, now)).problem
}

type BureauReading = { db: Conn; bureau: BureauReader }

/** The authority, and why it cannot take the application now (or null). */
async function authorityCheck(
  { db, bureau }: BureauReading,
  authorityId: number,
  type: QualificationType,
  now: Date,
) {
  const authority = await bureau.authorityById(db, authorityId)
  const problem = await (async () => {
    if (!authority || !authority.enabled) return m.NO_AUTHORITY
    const refused = authorityRefusal(authority, type)
    if (refused) return refused
    const window = await bureau.certification.windowFor(db, authorityId, now)
    if (!window) return m.NO_PLAN
    if (!isWindowOpen(window, now)) return m.WINDOW_CLOSED
    return null
  })()
  return { authority, problem }
}

export type SubmitInput = Parameters<typeof submitCertification>[2]

export type SubmitOutcome = Awaited<ReturnType<typeof submitCertification>>

const refuse = (message: string) => ({ errors: { _form: message } })

/**
 * 提交 (个人承诺 同意), inside the wizard engine's transaction (which holds the run's lock, so
 * parallel submits of one applicant queue there): re-checks the restriction list, the conditions
 * (exam pass validity, one type per year, never twice, Mandarin, education), the authority's window
 * and point; adopts the photo and the commitment; writes the application, its first history row
 * and the info-centre locks; allocates the 报名号 last, with the audit entry.
 */
export const submitCertification: Submit<Applicant, { id: number; number: string }> = async (
  trx,
  services,
  { applicant, actor, values },
) => {
  const now = services.clock.now()

  const facts = await repo.conditionFacts(trx, applicant)
  const restricted = restrictionRefusal(facts.restrictions, shanghaiDate(now))
  if (restricted) return refuse(restricted)
  const { errors, conditions } = await checkConditions(trx, applicant, values, now, facts)
  if (!conditions) return refuse(Object.values(errors)[0] ?? m.CONDITION_ERRORS.examPass)

  const authorityId = Number(values.authorityId)
  const { authority, problem } = await authorityCheck(
    { db: trx, bureau: services.bureau },
    authorityId,
    conditions.type,
    now,
  )
  if (problem) return refuse(problem)
  const pointId = Number(values.pointId)
  if (!(await services.bureau.certification.pointsFor(trx, authorityId, now)).some((p) => p.id === pointId))
    return refuse(m.SUBMIT_REFUSALS.pointGone)
  const collection = values.collection === 'post' && authority?.posts_certificates ? 'post' : 'on_site'
  if (values.collection === 'post' && collection !== 'post') return refuse(m.POST_NOT_OFFERED)

  const owner: FileOwner = { kind: 'applicant', id: applicant.id }
  const files = [
    [str(values.photoFileId), 'id_photo'],
    [str(values.commitmentFileId), 'commitment_scan'],
    [str(values.commitmentCropFileId), 'commitment_crop'],
  ] as const
  const taking = filesToTake(owner, files)
  if (!taking) return refuse(m.SUBMIT_REFUSALS.filesMissing)

  const year = certificationYear(now)
  // The information centre's items the conditions used are locked by the submit's own statement.
  const locks = infoItemLocks(applicant.id, conditions.items, 'certification')
  const submitted = await writeSubmission(trx, services, repo.SUBMISSION_TABLES, {
    applicantId: applicant.id,
    actor,
    at: now,
    numbering: { authorityId, year, prefix: certificationNumber(year, authorityId, 1).slice(0, -7) },
    row: {
      applicant_id: applicant.id,
      year,
      authority_id: authorityId,
      point_id: pointId,
      qualification_type: conditions.type,
      subject: conditions.subject,
      exam_route: values.examRoute === 'national_exam' ? 'national_exam' : 'non_national',
      exam_pass_number: values.examRoute === 'national_exam' ? str(values.examPass) : null,
      status: 'pending_confirmation',
      data: { ...values, ...conditions.texts, identity: await identitySnapshot(trx, applicant.id) },
      photo_file_id: files[0][0],
      commitment_file_id: files[1][0],
      commitment_crop_file_id: files[2][0],
      collection,
      submitted_at: now,
      updated_at: now,
    } satisfies Omit<repo.NewApplication, 'number'>,
    // The files taken into use and the items locked in the same statement.
    also: locks ? { files: taking.part, locks: locks.part } : { files: taking.part },
    audit: {
      action: 'certification.submit',
      targetType: 'certification_application',
      detail: { authorityId, pointId, type: conditions.type },
    },
  })
  // The checks above ran under the run's lock; a conflict here means another run of the same
  // applicant won in between (the database keeps one type per year and never the same type twice).
  if (!taking.taken(submitted.also.files)) return refuse(m.SUBMIT_REFUSALS.filesMissing)
  if (!submitted.written) return refuse(m.SUBMIT_REFUSALS.changedFirst)
  locks?.check(submitted.also.locks)
  return submitted.written
}
