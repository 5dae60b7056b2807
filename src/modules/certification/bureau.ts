import type { Db } from '../../db/knex'
import type { Knex } from 'knex'
import { isWindowOpen } from '../../domain/windows'
import * as bureauService from '../bureau/service'
import type { AuthorityRow, PointRow, WindowRow } from '../bureau/service'

// What the certification wizard needs of the bureau set-up (认定机构, 确认点, 网报时间), read through
// the bureau module's own service with business 'certification': authorities that certify the
// 资格种类 and whose window is open, the points an applicant may choose, and the window to re-check.

export { isWindowOpen }
export type { AuthorityRow, PointRow, WindowRow }

type Conn = Db | Knex.Transaction

export const openAuthorities = (db: Conn, q: { cityCode: string; qualificationType: string; at: Date }) =>
  bureauService.openAuthorities(db, { business: 'certification', ...q })

/** Whatever their windows: the page then says why the chosen one cannot be used. */
export const authoritiesFor = (db: Conn, q: { cityCode: string; qualificationType: string }) =>
  bureauService.authoritiesFor(db, { business: 'certification', ...q })

export const pointsFor = (db: Conn, authorityId: number, at: Date) =>
  bureauService.pointsFor(db, authorityId, { at })

export const windowFor = (db: Conn, authorityId: number, at: Date) =>
  bureauService.windowFor(db, authorityId, 'certification', at)

/** SQL true when the authority named by `authorityIdText` (SQL) has its window open at `at`. */
export const openWindowSql = (db: Conn, authorityIdText: string, at: Date) =>
  bureauService.openWindowSql(db, 'certification', authorityIdText, at)

export const authorityById = (db: Conn, id: number) => bureauService.authorityById(db, id)

export const pointById = (db: Conn, id: number) => bureauService.pointById(db, id)
