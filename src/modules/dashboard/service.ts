import type { Db } from '../../db/knex'
import type { Clock } from '../../services/clock'
import { REGISTRATION_STATUSES, registrationCycle } from '../../domain/registration'
import { CERTIFICATION_STATUSES, certificationYear } from '../../domain/certification'
import { startOfShanghaiDay } from '../../domain/time'
import * as repo from './repository'
import { barChart, type BarChart } from './presenter'
import { BUSINESS_TITLES, chartTitle, QUEUE_LABELS, unknownAuthority, waitedText } from './messages'

// The administrator's 运行概况: this year's applications of each business by authority and status
// (with today's submissions), and every queue that waits for staff with its longest wait.

export interface BusinessFigures {
  business: repo.Business
  title: string
  year: number
  statuses: { code: string; label: string }[]
  rows: { authorityName: string; counts: number[]; today: number; total: number }[]
  totals: { counts: number[]; today: number; total: number }
  chart: BarChart
}

export interface QueueFigure {
  label: string
  count: number
  oldest: Date | null
  waited: string | null
}

export interface Dashboard {
  now: Date
  businesses: BusinessFigures[]
  queues: QueueFigure[]
  /** the queue whose oldest item has waited longest */
  longest: QueueFigure | null
}

const STATUSES: Record<repo.Business, Record<string, string>> = {
  registration: REGISTRATION_STATUSES,
  certification: CERTIFICATION_STATUSES,
}

const YEAR: Record<repo.Business, (now: Date) => number> = {
  registration: registrationCycle,
  certification: certificationYear,
}

async function businessFigures(db: Db, business: repo.Business, now: Date): Promise<BusinessFigures> {
  const year = YEAR[business](now)
  const counts = await repo.countsByAuthority(db, business, year, startOfShanghaiDay(now))
  const statuses = Object.entries(STATUSES[business]).map(([code, label]) => ({ code, label }))
  const byAuthority = new Map<number, BusinessFigures['rows'][number]>()
  for (const c of counts) {
    let row = byAuthority.get(c.authority_id)
    if (!row) {
      row = {
        authorityName: c.authority_name ?? unknownAuthority(c.authority_id),
        counts: statuses.map(() => 0),
        today: 0,
        total: 0,
      }
      byAuthority.set(c.authority_id, row)
    }
    row.counts[statuses.findIndex((s) => s.code === c.status)] += c.count
    row.today += c.today
    row.total += c.count
  }
  const rows = [...byAuthority.values()]
  const totals = {
    counts: statuses.map((_, i) => rows.reduce((sum, r) => sum + r.counts[i], 0)),
    today: rows.reduce((sum, r) => sum + r.today, 0),
    total: rows.reduce((sum, r) => sum + r.total, 0),
  }
  return {
    business,
    title: BUSINESS_TITLES[business],
    year,
    statuses,
    rows,
    totals,
    chart: barChart(
      chartTitle(business, year),
      statuses.map((s, i) => ({ label: s.label, count: totals.counts[i] })),
    ),
  }
}

export async function loadDashboard(services: { db: Db; clock: Clock }): Promise<Dashboard> {
  const { db } = services
  const now = services.clock.now()
  const [registration, certification, ...waiting] = await Promise.all([
    businessFigures(db, 'registration', now),
    businessFigures(db, 'certification', now),
    repo.waitingIdentityReviews(db),
    repo.waitingInfoItems(db),
    repo.waitingApplications(db, 'registration', 'pending_confirmation'),
    repo.waitingApplications(db, 'registration', 'confirmed'),
    repo.waitingApplications(db, 'certification', 'pending_confirmation'),
    repo.waitingApplications(db, 'certification', 'awaiting_review'),
  ])
  const labels = [
    QUEUE_LABELS.identityReviews,
    QUEUE_LABELS.infoItems,
    QUEUE_LABELS.registrationConfirmation,
    QUEUE_LABELS.registrationApproval,
    QUEUE_LABELS.certificationConfirmation,
    QUEUE_LABELS.certificationReview,
  ]
  const queues = waiting.map((w, i) => ({
    label: labels[i],
    count: w.count,
    oldest: w.oldest,
    waited: w.oldest ? waitedText(now.getTime() - new Date(w.oldest).getTime()) : null,
  }))
  const longest = queues
    .filter((q) => q.oldest)
    .reduce<QueueFigure | null>((a, q) => (!a || q.oldest! < a.oldest! ? q : a), null)
  return { now, businesses: [registration, certification], queues, longest }
}
