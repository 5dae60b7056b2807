import supertest from 'supertest'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import type { Db } from '../../src/db/knex'
import { buildServices, closeServices } from '../../src/services'
import { loginAs } from '../helpers/login'
import { listRoutes, sweepAll, sweepResolver, type SweepIds } from '../helpers/routeSweep'
import type { Person } from '../../bench/flow'
import { PASSWORD } from '../../bench/flow'

// The bad-input sweep of test/routes/input-sweep.test.ts (test/helpers/routeSweep.ts), sent over
// HTTP to the running app: every route its router registers, as a visitor and as an applicant who
// has submitted, with the ids of the run's own records. (The staff member holding every role is
// swept by the jest test only: a third pass would take the run near its bound on a busy machine.)

export interface SweepFigures {
  requests: number
  serverErrors: string[]
  broken: string[]
}

/** Every route the app registers: its router, built here as server.ts builds it (never listening). */
async function routesOf(databaseUrl: string) {
  const services = buildServices(
    loadConfig({ NODE_ENV: 'development', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }),
  )
  try {
    return listRoutes(createApp(services))
  } finally {
    await closeServices(services)
  }
}

export async function sweepRunningApp(o: {
  port: number
  db: Db
  databaseUrl: string
  /** an applicant of the run holding a 教师资格认定 application (and so its info items and files) */
  applicant: Person
  log: (line: string) => void
}): Promise<SweepFigures> {
  const { db } = o
  const applicantId = o.applicant.id
  const first = async (table: string, where: Record<string, unknown> = {}) =>
    (await db(table).where(where).orderBy('id').first('id'))?.id as number | undefined
  const certification = await first('certification_applications', { applicant_id: applicantId })
  const items = Object.fromEntries(
    (await db('info_items').where({ applicant_id: applicantId }).select('kind', 'id')).map((i) => [
      i.kind,
      i.id,
    ]),
  )
  const authority = await first('authorities')
  const point = await first('confirmation_points')
  const ids: SweepIds = {
    ...items,
    registration: await first('registrations'),
    certification,
    identityReview: await first('identity_reviews'),
    authority,
    point,
    window: await first('online_windows'),
    file: certification
      ? (await db('certification_applications').where({ id: certification }).first('photo_file_id'))
          ?.photo_file_id
      : undefined,
  }
  const routes = await routesOf(o.databaseUrl)
  const url = `http://127.0.0.1:${o.port}`
  const figures: SweepFigures = { requests: 0, serverErrors: [], broken: [] }
  const as = async (who: string, a: ReturnType<typeof supertest.agent>, csrfPage: string, home: string) => {
    const { results, broken } = await sweepAll(a, routes, { csrfPage, home, resolve: sweepResolver(ids) })
    const errors = results
      .filter((r) => r.status >= 500)
      .map((r) => `${who}: ${r.method.toUpperCase()} ${r.url.slice(0, 100)} [${r.variant}] ${r.status}`)
    o.log(
      `  as ${who}: ${routes.length} routes, ${results.length} requests, ${errors.length} 5xx, ${broken.length} broken sessions`,
    )
    figures.requests += results.length
    figures.serverErrors.push(...errors)
    figures.broken.push(...broken.map((b) => `${who}: ${b}`))
  }
  await as('visitor', supertest.agent(url), '/login', '/login')
  const applicant = supertest.agent(url)
  await loginAs(applicant, { doc_number: o.applicant.doc_number, password: PASSWORD })
  await as('applicant', applicant, '/account/password', '/platform')
  for (const l of [...figures.serverErrors, ...figures.broken].slice(0, 10)) o.log(`    ${l}`)
  return figures
}
