import type { Knex } from 'knex'
import type { Db } from '../../db/knex'
import type { Clock } from '../../services/clock'
import type { BureauPort } from '../registration/bureauPort'
import * as bureauService from './service'

// The one reader of the bureau set-up (机构, 确认点, 网报时间) both businesses are given, built in
// src/services/index.ts: registration reads it through its own port's shapes, certification through
// the bureau module's rows with business 'certification'. Tests pass fakes through the app factory.

type Conn = Db | Knex.Transaction

/** What the certification wizard and records read: authorities that certify a 资格种类, points, windows. */
export const certificationBureau = {
  openAuthorities: (db: Conn, q: { cityCode: string; qualificationType: string; at: Date }) =>
    bureauService.openAuthorities(db, { business: 'certification', ...q }),
  /** Whatever their windows: the page then says why the chosen one cannot be used. */
  authoritiesFor: (db: Conn, q: { cityCode: string; qualificationType: string }) =>
    bureauService.authoritiesFor(db, { business: 'certification', ...q }),
  pointsFor: (db: Conn, authorityId: number, at: Date) => bureauService.pointsFor(db, authorityId, { at }),
  windowFor: (db: Conn, authorityId: number, at: Date) =>
    bureauService.windowFor(db, authorityId, 'certification', at),
  /** SQL true when the authority named by `authorityIdText` (SQL) has its window open at `at`. */
  openWindowSql: (db: Conn, authorityIdText: string, at: Date) =>
    bureauService.openWindowSql(db, 'certification', authorityIdText, at),
}

export interface BureauReader {
  registration: BureauPort
  certification: typeof certificationBureau
  /** The authority, enabled or not (records keep naming it after it is disabled). */
  authorityById(db: Conn, id: number): ReturnType<typeof bureauService.authorityById>
  /** The point, offered now or not (a record shows the point it chose; transitions read its times). */
  pointById(db: Conn, id: number): ReturnType<typeof bureauService.pointById>
}

export function createBureauReader(clock: Clock): BureauReader {
  return {
    registration: bureauService.createBureauPort(clock),
    certification: certificationBureau,
    authorityById: bureauService.authorityById,
    pointById: bureauService.pointById,
  }
}
