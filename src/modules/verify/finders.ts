import type { Db } from '../../db/knex'
import { applicationByVerifyCode } from '../applications/repository'
import { maskName } from '../../domain/idNumber'
import { normaliseVerifyCode } from '../../domain/verifyCode'
import { statusLabel } from '../../domain/registration'
import { certificationStatusLabel } from '../../domain/certification'

// The public /verify page (the QR code on every printed form opens it) asks each business in turn
// whether it knows an application's 核验码 (src/domain/verifyCode.ts). Never the 报名号: numbers
// count up, so a page that answered them could be walked. A business plugs its finder into
// BUSINESS_FINDERS below; the app is given the list as services.verifyFinders (tests pass their own).
//
// The finder returns the applicant's full name; it is masked here, so the page never sees it.

export interface FoundApplication {
  /** the 报名号 */
  number: string
  /** 教师资格定期注册 / 教师资格认定 */
  business: string
  name: string
  /** the status as applicants read it (注册结论 / 认定状态 label) */
  status: string
}

/** `code` is a 核验码 as stored (normalised). */
export type ApplicationFinder = (db: Db, code: string) => Promise<FoundApplication | null>

export interface ApplicationSummary {
  number: string
  business: string
  maskedName: string
  status: string
}

/** The finder of a business whose applications sit in `table` with their 核验码 and identity snapshot. */
export const applicationFinder =
  (o: { table: string; business: string; statusLabel: (status: string) => string }): ApplicationFinder =>
  async (db, code) => {
    const row = await applicationByVerifyCode(db, o.table, code)
    if (!row) return null
    const identity = (row.data?.identity ?? {}) as Record<string, unknown>
    return {
      number: String(row.number),
      business: o.business,
      name: typeof identity.name === 'string' ? identity.name : '',
      status: o.statusLabel(row.status),
    }
  }

/** Every business's finder, asked in this order. */
export const BUSINESS_FINDERS: ApplicationFinder[] = [
  applicationFinder({ table: 'registrations', business: '教师资格定期注册', statusLabel }),
  applicationFinder({
    table: 'certification_applications',
    business: '教师资格认定',
    statusLabel: certificationStatusLabel,
  }),
]

/**
 * Number, masked name and status of the application with this 核验码 (as scanned or typed), or
 * null when it is not one or no business knows it.
 */
export async function lookupApplicationByCode(
  finders: ApplicationFinder[],
  db: Db,
  raw: string,
): Promise<ApplicationSummary | null> {
  const code = normaliseVerifyCode(raw)
  if (!code) return null
  for (const finder of finders) {
    const found = await finder(db, code)
    if (found)
      return {
        number: found.number,
        business: found.business,
        maskedName: maskName(found.name),
        status: found.status,
      }
  }
  return null
}
