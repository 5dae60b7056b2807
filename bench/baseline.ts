import path from 'node:path'
import express from 'express'
import session from 'express-session'
import connectPgSimple from 'connect-pg-simple'
import nunjucks from 'nunjucks'
import multer from 'multer'
import { Pool } from 'pg'
import { cookieFrom, listen, request } from './http'
import type { LoadRequest } from './load'

// The bare baseline: Express + Nunjucks + connect-pg-simple and nothing else. GET /start signs a
// session in; GET /page reads that session from PostgreSQL and renders a logged-in-looking page
// of about the same size as the real one.

const PgStore = connectPgSimple(session)

/** Every bare side's session: connect-pg-simple with no touch, saved only when changed. */
const bareSession = (pool: Pool, name: string) =>
  session({
    name,
    store: new PgStore({ pool, tableName: 'session', pruneSessionInterval: false, disableTouch: true }),
    secret: 'bench-baseline-secret-0123456789abcdef',
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: 8 * 3600_000 },
  })

export function createBaseline(databaseUrl: string, itemCount: () => number) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'bench-baseline' })
  const app = express()
  const env = nunjucks.configure(path.join(__dirname, 'views'), { autoescape: true, express: app })
  app.set('view engine', 'njk')
  app.use(bareSession(pool, 'base.sid'))
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

/**
 * The bare side of the wizard walk: the same step paths under /bare-wizard, GET renders a form page
 * (`fieldCount(step)` fields, sized by the caller to the real page) and POST stores the posted
 * fields in the session and answers 303 to the next step (the last to /bare-wizard/done; a POST with
 * an `_action`, as the app's upload previews and crops, to the same step). Every request reads the
 * session from PostgreSQL and writes it back; nothing is validated. The multipart steps' bodies
 * are parsed (multer, in memory) and only the file's size kept. `imageWork`, when given, is the
 * image work the app does for a POST (sharp), done here for the same POST: the walk then does all
 * the work the app's must, and nothing more (the limit of the app's walk).
 */
export function createWizardBaseline(
  databaseUrl: string,
  o: {
    title: string
    steps: string[]
    multipart: string[]
    fieldCount: (step: string) => number
    imageWork?: (post: { path: string; action?: string; file?: Buffer }) => Promise<unknown>
  },
) {
  const { steps, fieldCount } = o
  const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'bench-baseline-wizard' })
  const app = express()
  nunjucks.configure(path.join(__dirname, 'views'), { autoescape: true, express: app })
  app.set('view engine', 'njk')
  app.use(express.urlencoded({ extended: false }))
  app.use(bareSession(pool, 'base.sid'))
  const upload = multer({ storage: multer.memoryStorage() }).any()
  app.get('/bare-wizard/start', (req, res) => {
    req.session.userId = 1
    req.session.csrf = 'y'.repeat(43)
    res.redirect(303, `/bare-wizard/${steps[0]}`)
  })
  app.get('/bare-wizard/:step', (req, res) => {
    const step = String(req.params.step)
    if (!req.session.userId || !steps.includes(step)) return res.redirect(303, '/bare-wizard/start')
    req.session.visits = Number(req.session.visits ?? 0) + 1
    const answers = (req.session.answers ?? {}) as Record<string, Record<string, string>>
    res.render('form.njk', {
      pageTitle: `${step} - ${o.title}`,
      csrfToken: req.session.csrf,
      user: { name: '李明', previousLogin: '2026-11-20 09:30', status: '已核验' },
      sessionEndsAt: '17:30',
      action: `/bare-wizard/${step}`,
      multipart: o.multipart.includes(step),
      stepBar: steps.map((s) => ({ label: s, current: s === step })),
      fields: Array.from({ length: fieldCount(step) }, (_, i) => ({
        name: `f${i}`,
        label: i % 2 ? '最高学历专业类别' : '本单位聘用起始日期',
        value: answers[step]?.[`f${i}`] ?? '',
      })),
    })
  })
  app.post('/bare-wizard/:step', upload, async (req, res) => {
    const step = String(req.params.step)
    if (!req.session.userId || !steps.includes(step)) return res.redirect(303, '/bare-wizard/start')
    const fields = { ...((req.body ?? {}) as Record<string, string>) }
    delete fields._csrf
    const files = (req.files ?? []) as { size: number; buffer: Buffer }[]
    await o.imageWork?.({ path: step, action: fields._action, file: files[0]?.buffer })
    req.session.answers = {
      ...((req.session.answers ?? {}) as object),
      [step]: { ...fields, ...(files.length ? { fileBytes: String(files[0].size) } : {}) },
    }
    const i = steps.indexOf(step)
    if (fields._action) return res.redirect(303, `/bare-wizard/${step}`)
    res.redirect(303, i + 1 < steps.length ? `/bare-wizard/${steps[i + 1]}` : '/bare-wizard/done')
  })
  return { app, close: () => pool.end() }
}

/**
 * The floor of a submit over HTTP: what any app on this stack pays before its own work. Express,
 * a URL-encoded body and a connect-pg-simple session read, then exactly the bare side's
 * transaction (`insert(i)`: BEGIN; the application row; its history row; COMMIT) and a 303.
 * GET /floor/start signs a session in. Its ratio to the bare INSERTs is the most any submit over
 * HTTP can reach on this machine.
 */
export function createSubmitFloor(databaseUrl: string, insert: (i: number) => Promise<void>) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'bench-floor' })
  const app = express()
  app.use(express.urlencoded({ extended: false }))
  app.use(bareSession(pool, 'floor.sid'))
  app.get('/floor/start', (req, res) => {
    req.session.userId = 1
    res.redirect(303, '/floor/done')
  })
  app.post('/floor/submit/:i', (req, res, next) => {
    if (!req.session.userId || req.body?.agree !== '1') return res.redirect(303, '/floor/start')
    insert(Number(req.params.i)).then(() => res.redirect(303, '/floor/done'), next)
  })
  return { app, close: () => pool.end() }
}

/**
 * A submit floor listening on a free port with `lanes` sessions signed in: `submit(i)` is the POST
 * of submit `i` in lane `i % lanes`, `close` stops the server and its pool.
 */
export async function startSubmitFloor(
  databaseUrl: string,
  insert: (i: number) => Promise<void>,
  lanes: number,
): Promise<{ port: number; submit(i: number): LoadRequest; close(): Promise<void> }> {
  const floor = createSubmitFloor(databaseUrl, insert)
  const server = await listen(floor.app)
  const cookies: string[] = []
  for (let i = 0; i < lanes; i++) {
    const started = await request(server.port, 'GET', '/floor/start')
    cookies.push(cookieFrom(started.headers, 'floor.sid'))
  }
  return {
    port: server.port,
    submit: (i) => ({
      method: 'POST',
      path: `/floor/submit/${i}`,
      headers: { cookie: cookies[i % lanes], 'content-type': 'application/x-www-form-urlencoded' },
      body: 'agree=1',
      expectStatus: 303,
      expectLocation: '/floor/done',
    }),
    close: async () => {
      await new Promise((r) => server.server.close(r))
      await floor.close()
    },
  }
}
