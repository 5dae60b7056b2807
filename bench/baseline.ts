import path from 'node:path'
import express from 'express'
import session from 'express-session'
import connectPgSimple from 'connect-pg-simple'
import nunjucks from 'nunjucks'
import { Pool } from 'pg'

// The bare baseline: Express + Nunjucks + connect-pg-simple and nothing else. GET /start signs a
// session in; GET /page reads that session from PostgreSQL and renders a logged-in-looking page
// of about the same size as the real one.

export function createBaseline(databaseUrl: string, itemCount: () => number) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'bench-baseline' })
  const PgStore = connectPgSimple(session)
  const app = express()
  const env = nunjucks.configure(path.join(__dirname, 'views'), { autoescape: true, express: app })
  app.set('view engine', 'njk')
  app.use(
    session({
      name: 'base.sid',
      store: new PgStore({ pool, tableName: 'session', pruneSessionInterval: false, disableTouch: true }),
      secret: 'bench-baseline-secret-0123456789abcdef',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', maxAge: 8 * 3600_000 },
    }),
  )
  app.get('/start', (req, res) => {
    req.session.userId = 1
    req.session.startedAt = Date.now()
    res.redirect(303, '/page')
  })
  app.get('/page', (req, res) => {
    if (!req.session.userId) return res.redirect(303, '/start')
    const items = Array.from({ length: itemCount() }, (_, i) => ({
      key: `b${i}`,
      name: i % 2 ? '中小学教师资格定期注册' : '教师资格认定',
      noticeHref: `/platform/b${i}/notice`,
    }))
    res.render('page.njk', {
      pageTitle: '业务平台',
      csrfToken: 'x'.repeat(64),
      user: { name: '李明', previousLogin: '2026-11-20 09:30', status: '已核验' },
      sessionEndsAt: '17:30',
      items,
    })
  })
  return { app, env, close: () => pool.end() }
}
