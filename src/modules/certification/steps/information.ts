import type { Request } from 'express'
import type { Services } from '../../../services'
import { qualificationTypeLabel } from '../../../domain/certification'
import type { FieldErrors } from '../../../web/formValidation'
import type { Values } from '../../../web/wizard/types'
import { ID_PHOTO, identityView, saveSlot, uploadOnPage } from '../../applications/wizardSteps'
import { str } from '../../../web/values'
import * as m from '../messages'
import * as repo from '../repository'

// 认定信息: the identity (read only), what the conditions step chose, the lists, and the ID photo.

/** Select fields of 认定信息 and their ref_codes lists. */
export const INFO_LISTS: Record<string, string> = {
  ethnicity: 'ethnicity',
  political: 'political_status',
  majorCategory: 'major_category',
  studyForm: 'study_form',
}

const TECHNICAL_TITLE_NEEDED =
  '申请中等职业学校实习指导教师资格，还应当具有相当助理工程师以上专业技术职务或者中级以上工人技术等级。'

export async function informationPage(s: Services, req: Request, values: Values, shown: Values) {
  return {
    multipart: true,
    photoHint: m.PHOTO_HINT,
    clarity: m.CLARITY_WARNING,
    identity: await identityView(s, req),
    known: {
      type: qualificationTypeLabel(str(values.qualificationType)),
      subject: str(values.subject),
      examPass: str(values.examPassText),
      mandarin: str(values.mandarinText),
      education: str(values.educationLevel ?? values.educationText),
    },
    lists: Object.fromEntries(
      await Promise.all(
        Object.entries(INFO_LISTS).map(async ([f, kind]) => [f, await repo.refOptions(s.db, kind)]),
      ),
    ),
    upload: await uploadOnPage(s, req, ID_PHOTO, values, shown),
    technicalTitleNeeded: values.qualificationType === '6',
  }
}

/** Every choice from its list, the 专业技术职务 a 实习指导教师 needs, and the photo. */
export async function informationErrors(s: Services, req: Request, value: Values, values: Values) {
  const errors: FieldErrors = {}
  for (const [field, kind] of Object.entries(INFO_LISTS))
    if (!(await repo.refOptions(s.db, kind)).some((o) => o.value === value[field]))
      errors[field] = '请从列表中选择'
  if (values.qualificationType === '6' && [m.TECHNICAL_TITLE_NONE, '无'].includes(str(value.technicalTitle)))
    errors.technicalTitle = TECHNICAL_TITLE_NEEDED
  Object.assign(errors, await saveSlot(s, req, ID_PHOTO, value))
  return Object.keys(errors).length ? errors : null
}
