import { createDb, migrateLatest, runSeeds } from '../../src/db/knex'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom } from '../helpers/http'
import { createApplicant } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { ownPostgres, type OwnPostgres } from '../helpers/postgresProcess'

// A real outage: this file's own PostgreSQL (reached over its Unix socket, as the app reaches the
// embedded server) is stopped and started again while a signed-in applicant keeps using the site.

describe('a database outage', () => {
  let pg: OwnPostgres
  let t: TestApp

  beforeAll(async () => {
    pg = await ownPostgres()
    expect(new URL(pg.url).hostname).not.toBe('127.0.0.1')
    const db = createDb(pg.url, 2)
    await migrateLatest(db)
    await runSeeds(db, { demo: false })
    await db.destroy()
    t = await appWithAllRoutes({ databaseUrl: pg.url })
  })

  afterAll(async () => {
    await t?.close()
    await pg?.close()
  })

  it('answers the 503 page without replacing any session, and everyone is still signed in afterwards', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, applicant)
    const platform = await a.get('/platform')
    expect(platform.status).toBe(200)
    const token = csrfFrom(platform.text)
    const anonymous = agent(t.app)
    const login = await anonymous.get('/login')
    const anonymousToken = csrfFrom(login.text)
    const sessionsBefore = await t.db('session').count({ n: '*' }).first()

    await pg.stop()
    try {
      for (const [who, url] of [
        [a, '/platform'],
        [a, '/'],
        [anonymous, '/login'],
        // A first visit to a form: its session cannot be stored, so none is handed out.
        [agent(t.app), '/login'],
      ] as const) {
        const res = await who.get(url)
        expect({ url, status: res.status }).toEqual({ url, status: 503 })
        expect(res.headers['retry-after']).toBe('30')
        expect(res.text).toContain('系统暂时无法连接数据库')
        expect(res.headers['set-cookie']).toBeUndefined()
      }
      // A page that needs neither a session nor the database still answers.
      const home = await agent(t.app).get('/')
      expect(home.status).toBe(200)
      expect(home.headers['set-cookie']).toBeUndefined()
      // A form sent during the outage: the same page, and the session is neither saved nor replaced.
      const post = await a.post('/logout').type('form').send({ _csrf: token })
      expect(post.status).toBe(503)
      expect(post.headers['set-cookie']).toBeUndefined()
      const anonymousPost = await anonymous
        .post('/login')
        .type('form')
        .send({ _csrf: anonymousToken, docNumber: applicant.doc_number, password: applicant.password })
      expect(anonymousPost.status).toBe(503)
      expect(anonymousPost.headers['set-cookie']).toBeUndefined()
    } finally {
      await pg.start()
    }

    const back = await a.get('/platform')
    expect(back.status).toBe(200)
    expect(back.text).toContain(applicant.name)
    expect(back.headers['set-cookie']).toBeUndefined()
    expect((await t.db('session').count({ n: '*' }).first())?.n).toBe(sessionsBefore?.n)
    // The token of the page shown before the outage still works: the session is the same one.
    const logout = await a.post('/logout').type('form').send({ _csrf: token })
    expect(logout.status).toBe(303)
    expect(logout.headers.location).toBe('/login')
    expect((await anonymous.get('/login')).text).toContain(anonymousToken)
  })
})
