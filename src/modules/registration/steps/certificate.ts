import type { Request } from 'express'
import type { Services } from '../../../services'
import { codeName } from '../../../services/reference'
import type { Values } from '../../../web/wizard/types'
import { identityView } from '../../applications/wizardSteps'
import * as m from '../messages'
import { certificatesOf, refOptions, subjectNames } from '../repository'

// 选择本次注册的教师资格证, under the read-only 填写身份信息.

/** The identity as the certificate page shows it: with 民族, and the birth as 出生年月. */
async function identity(s: Services, req: Request) {
  const view = await identityView(s, req)
  const ethnicity = view.ethnicityCode ? await codeName(s.db, 'ethnicity', view.ethnicityCode) : ''
  return { ...view, ethnicity, birth: view.birth.slice(0, 7) }
}

export async function certificatePage(s: Services, req: Request) {
  const subject = await subjectNames(s.db)
  return {
    identity: await identity(s, req),
    certificates: (await certificatesOf(s.db, req.applicant!)).map((c) => ({
      ...c,
      subject: subject(c.subject),
    })),
    types: Object.fromEntries((await refOptions(s.db, 'qualification_type')).map((o) => [o.value, o.text])),
  }
}

/** The certificate chosen is one of the applicant's. */
export async function certificateChosen(s: Services, req: Request, value: Values) {
  const mine = await certificatesOf(s.db, req.applicant!)
  return mine.some((c) => c.certNumber === value.certNumber) ? null : { certNumber: m.CERTIFICATE_REQUIRED }
}

/** The 资格种类 of the applicant's certificate with this number. */
export async function certificateType(s: Services, req: Request, certNumber: string) {
  const mine = await certificatesOf(s.db, req.applicant!)
  return mine.find((c) => c.certNumber === certNumber)?.qualificationType
}
