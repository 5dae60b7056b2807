import type { Db } from '../../db/knex'
import { maskName } from '../../domain/idNumber'

// The public /verify page (the QR code on every printed form opens it) asks each business in turn
// whether it knows an application number. A business plugs its finder in once, at start-up:
//
//   registerApplicationFinder('registration', async (db, number) => {
//     const row = await db('registrations').join(...).where({ number }).first()
//     return row ? { business: '教师资格定期注册', name: row.name, status: STATUS_LABELS[row.status] } : null
//   })
//
// The finder returns the applicant's full name; it is masked here, so the page never sees it.

export interface FoundApplication {
  /** 教师资格定期注册 / 教师资格认定 */
  business: string
  name: string
  /** the status as applicants read it (注册结论 / 认定状态 label) */
  status: string
}

export type ApplicationFinder = (db: Db, number: string) => Promise<FoundApplication | null>

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

/** Numbers as the businesses issue them: digits and capital letters, 6 to 32 characters. */
export const APPLICATION_NUMBER = /^[0-9A-Z]{6,32}$/

/**
 * Number, masked name and status of the application with this number, or null when no business
 * knows it (and, until the businesses register their finders, for every number).
 */
export async function lookupApplicationByNumber(db: Db, number: string): Promise<ApplicationSummary | null> {
  if (!APPLICATION_NUMBER.test(number)) return null
  for (const finder of finders.values()) {
    const found = await finder(db, number)
    if (found)
      return { number, business: found.business, maskedName: maskName(found.name), status: found.status }
  }
  return null
}
