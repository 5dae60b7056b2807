import type { Knex } from 'knex'
import type { Db } from '../../db/knex'

// What the registration wizard needs of the bureau set-up (注册机构, 确认点, 网报时间): one small
// port, so the wizard reads one shape whatever the bureau module's tables look like. The bureau
// module's adapter (createBureauPort) reaches the wizard as services.bureau.registration; tests pass a fake.

export interface AuthorityInfo {
  id: number
  name: string
  address: string | null
  phone: string | null
  /** The authority's own 申报提醒 text, if it set one. */
  reminder: string | null
  /** 注册结束后申请表不能下载: the last day (YYYY-MM-DD) the 申请表 may be downloaded, if set. */
  formDownloadEnd: string | null
}

export interface PointInfo {
  id: number
  name: string
  scope: string
  address: string | null
  confirmStart: Date | null
  confirmEnd: Date | null
}

export interface OnlineWindow {
  start: Date
  end: Date
}

export interface BureauPort {
  /** Registration authorities of the city that register `stage` and whose window is open at `now`. */
  openAuthorities(db: Db, q: { cityCode: string; stage: string; now: Date }): Promise<AuthorityInfo[]>
  authority(db: Db, id: number): Promise<AuthorityInfo | undefined>
  /** The points an applicant may choose (enabled and staffed). */
  pointsFor(db: Db, authorityId: number): Promise<PointInfo[]>
  /**
   * One point by id whether or not it is offered now (past its 确认结束时间, disabled, unstaffed):
   * what an application's record shows of the point it chose.
   */
  point(db: Db, id: number): Promise<PointInfo | undefined>
  /** The point whose 确认范围 covers the school, if one does. */
  suggestPoint(db: Db, authorityId: number, schoolName: string): Promise<PointInfo | undefined>
  /** The authority's registration window, if it has one. */
  windowFor(db: Db, authorityId: number): Promise<OnlineWindow | undefined>
  /**
   * SQL true when the authority whose id `authorityIdText` (an SQL expression) gives has its
   * registration window open at `now`: read alongside the wizard's progress (the guard's facts).
   */
  openWindowSql(db: Db, authorityIdText: string, now: Date): Knex.Raw
  /**
   * Across every registration authority: whether a window is open at `now`, the next to open and
   * the last to close (outside them all the platform's 报名 is closed for the season).
   */
  season(db: Db, now: Date): Promise<{ open: boolean; next?: OnlineWindow; last?: OnlineWindow }>
}

export const isWindowOpen = (w: OnlineWindow | undefined, now: Date): boolean =>
  !!w && w.start.getTime() <= now.getTime() && now.getTime() < w.end.getTime()
