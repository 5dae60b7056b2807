import type { Db } from '../../db/knex'
import { maskName } from '../../domain/idNumber'
import { normaliseVerifyCode } from '../../domain/verifyCode'

// The public /verify page (the QR code on every printed form opens it) asks each business in turn
// whether it knows an application's 核验码 (src/domain/verifyCode.ts). Never the 报名号: numbers
// count up, so a page that answered them could be walked. A business plugs its finder in once, at
// start-up:
//
//   registerApplicationFinder('registration', async (db, code) => {
//     const row = await db('registrations').join(...).where({ verify_code: code }).first()
//     return row ? { number: row.number, business: '教师资格定期注册', name: row.name, status: ... } : null
//   })
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

const finders = new Map<string, ApplicationFinder>()

/** Adds (or replaces) the finder of one business; returns a function that removes it again. */
export function registerApplicationFinder(key: string, finder: ApplicationFinder): () => void {
  finders.set(key, finder)
  return () => {
    if (finders.get(key) === finder) finders.delete(key)
  }
}

/**
 * Number, masked name and status of the application with this 核验码 (as scanned or typed), or
 * null when it is not one or no business knows it.
 */
export async function lookupApplicationByCode(db: Db, raw: string): Promise<ApplicationSummary | null> {
  const code = normaliseVerifyCode(raw)
  if (!code) return null
  for (const finder of finders.values()) {
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
