import type { Request } from 'express'
import type { Services } from '../../../services'
import {
  QUALIFICATION_TYPES,
  isQualificationType,
  qualificationTypeLabel,
  typeHasSubject,
} from '../../../domain/certification'
import { shanghaiDate } from '../../../domain/time'
import type { Values } from '../../../web/wizard/types'
import { addPath, addedItem, type ReturnKey } from '../../info/returns'
import { syncStudentStatus } from '../../info/service'
import { getSettings, textOf } from '../../staff/settings'
import * as m from '../messages'
import * as repo from '../repository'
import { checkConditions } from '../service'
import { applicantOf } from './applicant'

// 身份与条件: the exam route and pass, the 资格种类 and 任教学科, and the 普通话, 学历, 学位 or 学籍
// the applicant holds in the information centre.

export async function conditionsPage(s: Services, req: Request, _values: Values, shown: Values) {
  const { db, clock } = s
  const a = applicantOf(req)
  const today = shanghaiDate(clock.now())
  const held = await repo.infoItemsOf(db, a.id)
  const items = {
    mandarin: held.mandarin.filter((i) => i.status !== 'rejected'),
    education: held.education.filter((i) => i.status !== 'rejected'),
    degree: held.degree,
  }
  // Back from the information centre with a new item (?added=mandarin-12): it is chosen.
  const added = addedItem(req.query)
  const picked =
    added && items[added.kind].some((i) => i.id === added.id)
      ? { [added.kind]: String(added.id), ...(added.kind === 'mandarin' ? {} : { freshGraduate: 'no' }) }
      : null
  const passes = (await repo.examPassesOf(db, a)).map((p) => ({
    ...p,
    typeText: qualificationTypeLabel(p.type),
    expired: p.validUntil < today,
  }))
  const rule = (await repo.certificationRules(db)).mandarin
  const type = isQualificationType(shown.qualificationType) ? shown.qualificationType : undefined
  return {
    passes,
    types: Object.entries(QUALIFICATION_TYPES).map(([value, text]) => ({ value, text })),
    // 任教学科 follows the chosen 资格种类 (ref_codes.scope); without JavaScript the choice of type is
    // posted with 【更新任教学科】 and the page comes back with that type's subjects.
    subjects: type
      ? (await repo.refOptionsUnder(db, 'subject', type)).map((o) => ({ value: o.text, text: o.text }))
      : [],
    typeChosen: !!type,
    typeHasSubject: !!type && typeHasSubject(type),
    mandarins: items.mandarin,
    exemptionAllowed: rule.exemptionAllowed,
    exemptionNote: rule.exemptionAllowed
      ? textOf(await getSettings(db), 'mandarinExemptionNote').join('')
      : '',
    educations: items.education,
    degrees: items.degree,
    students: await repo.studentStatusOf(db, a.id),
    statusLabels: { verified: '核验通过', pending: '待核验', rejected: '核验不通过' },
    routes: m.EXAM_ROUTES,
    hints: { exam: m.EXAM_ROUTE_HINT, mandarin: m.MANDARIN_HINT, fresh: m.FRESH_HINT, degree: m.DEGREE_HINT },
    // Overrides the page's values (the draft or saved answers) with the choice of the new item.
    ...(picked ? { values: { ...shown, ...picked } } : {}),
  }
}

/** Back to this step from the information centre, or to it opened with 修改 from the review page. */
const returnKey = (req: Request): ReturnKey =>
  req.query.edit === 'review' ? 'certification-review' : 'certification'

/**
 * 添加普通话证书 / 添加学历 / 添加学位: what was chosen here is kept while the applicant adds the item in
 * the information centre, which then comes back here (src/modules/info/returns.ts).
 */
export const leaveToAdd = {
  addMandarin: (_posted: Values, req: Request) => addPath('mandarin', returnKey(req)),
  addEducation: (_posted: Values, req: Request) => addPath('education', returnKey(req)),
  addDegree: (_posted: Values, req: Request) => addPath('degree', returnKey(req)),
}

/** 同步学籍: the registry's rows for the applicant's number, then the page again. */
export async function syncStudent(s: Services, posted: Values, req: Request): Promise<Values> {
  const a = applicantOf(req)
  const n = await syncStudentStatus(s, { id: a.id, name: a.name, doc_number: a.doc_number }, req.actor)
  return { ...posted, freshGraduate: 'yes', syncMessage: n ? m.STUDENT_SYNCED : m.STUDENT_NONE }
}

/** The conditions checked; the type, subject and the chosen items' texts kept with the answers. */
export async function saveConditions(s: Services, req: Request, value: Values) {
  const { errors, conditions } = await checkConditions(s.db, applicantOf(req), value, s.clock.now())
  if (!conditions) return errors
  Object.assign(value, {
    qualificationType: conditions.type,
    subject: conditions.subject,
    ...Object.fromEntries(Object.entries(conditions.texts).map(([k, t]) => [`${k}Text`, t])),
  })
  if (value.examRoute === 'non_national') value.examPass = ''
  if (value.freshGraduate === 'yes') Object.assign(value, { education: '', degree: '' })
  else value.studentStatus = ''
  return null
}
