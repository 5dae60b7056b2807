import argon2 from 'argon2'
import { appWithAllRoutes, TEST_CAPTCHA, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow } from '../helpers/http'
import { createApplicant, uniqueIdNumber } from '../helpers/factories'
import { loginAs, postLogin } from '../helpers/login'
import { makeIdNumber } from '../../src/domain/idNumber'
import { svgCaptchaService } from '../../src/services/captcha'

const BAD_CREDENTIALS = '账号或密码错误，连续输错5次账号将被锁定30分钟'
const LOCKED = '账号已被锁定，请30分钟后再试或通过“忘记密码”重置密码'
const CAPTCHA_WRONG = '验证码错误'

// Many logins from one address in a few seconds: the per-IP limit has its own test below.
const roomyLimits = { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 20, verifyPerIpPerHour: 30 }

/** The error parts of a login page: the summary and every message beside a field. */
function errorMarkup(html: string): string {
  const summary = html.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? ''
  const fieldErrors = html.match(/<p class="field-error"[\s\S]*?<\/p>/g) ?? []
  return [summary, ...fieldErrors].join('\n')
}

/** The login form of `loginPage` sent with the applicant's right password (its CAPTCHA image already loaded). */
function sendLogin(
  a: ReturnType<typeof agent>,
  loginPage: string,
  who: { doc_number: string; password: string },
) {
  return a
    .post('/login')
    .type('form')
    .send({
      docNumber: who.doc_number,
      password: who.password,
      captcha: TEST_CAPTCHA,
      _csrf: csrfFrom(loginPage),
    })
}

async function failedLoginPage(t: TestApp, docNumber: string, password: string) {
  const a = agent(t.app)
  const res = await postLogin(a, '/login', { docNumber, password })
  expect(res.status).toBe(303)
  expect(res.headers.location).toBe('/login')
  const page = await follow(a, res)
  return { status: page.status, html: page.text }
}

describe('applicant login', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ config: { rateLimits: roomyLimits } })
  })
  afterAll(() => t.close())

  it('shows a plain form with the number, password and a CAPTCHA image with a reload link', async () => {
    const page = await agent(t.app).get('/login')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<form method="post" action="/login"')
    expect(page.text).toMatch(/<label for="docNumber">账号（证件号码）/)
    expect(page.text).toMatch(/<label for="password">密码/)
    expect(page.text).toMatch(/<label for="captcha">验证码/)
    expect(page.text).toMatch(/<img src="\/captcha\.svg\?r=[0-9a-f]+" alt="验证码图片"/)
    expect(page.text).toContain('<a href="/login">看不清？换一张</a>')
    expect(page.text).toContain('href="/forgot-password"')
  })

  it('serves the CAPTCHA as an uncacheable SVG image', async () => {
    const res = await agent(t.app).get('/captcha.svg')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(String(res.body ?? res.text)).toContain(TEST_CAPTCHA)
  })

  it('signs in with the document number, records the login and moves the last-login time along', async () => {
    const applicant = await createApplicant(t.db, { last_login_at: new Date('2026-09-10T01:00:00Z') })
    const a = agent(t.app)
    const res = await postLogin(a, '/login', {
      docNumber: applicant.doc_number,
      password: applicant.password,
    })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/platform')

    const home = await follow(a, res)
    expect(home.status).toBe(200)
    expect(home.text).toContain('张三您好')
    expect(home.text).toContain('您上次登录时间：2026-09-10 09:00')

    const row = await t.db('applicants').where({ id: applicant.id }).first()
    expect(row.previous_login_at.toISOString()).toBe('2026-09-10T01:00:00.000Z')
    expect(row.last_login_at.toISOString()).toBe(t.clock.now().toISOString())

    const audit = await t.db('audit_log').where({ action: 'applicant.login', actor_id: applicant.id })
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor_kind: 'applicant', target_type: 'applicant' })
    expect(audit[0].ip).toMatch(/127\.0\.0\.1|::1/)
    expect(audit[0].actor_label).not.toContain(applicant.doc_number)
  })

  it('accepts the number typed with spaces, full-width digits or a lower-case x', async () => {
    let docNumber = ''
    for (let seq = 0; !docNumber.endsWith('X'); seq++)
      docNumber = makeIdNumber('110101', '19920315', String(seq).padStart(3, '0'))
    const applicant = await createApplicant(t.db, { doc_number: docNumber })
    const typed = ` ${docNumber.slice(0, 3).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))} ${docNumber.slice(3).toLowerCase()} `
    const res = await postLogin(agent(t.app), '/login', { docNumber: typed, password: applicant.password })
    expect(res.headers.location).toBe('/platform')
  })

  it('gives the same answer for a wrong password and for an account that does not exist', async () => {
    const applicant = await createApplicant(t.db)
    const wrongPassword = await failedLoginPage(t, applicant.doc_number, 'Wrong#2026x')
    const noAccount = await failedLoginPage(t, uniqueIdNumber(), 'Wrong#2026x')

    expect(wrongPassword.status).toBe(200)
    expect(noAccount.status).toBe(wrongPassword.status)
    expect(errorMarkup(wrongPassword.html)).toContain(BAD_CREDENTIALS)
    expect(errorMarkup(noAccount.html)).toBe(errorMarkup(wrongPassword.html))
    // The typed number is kept; the password never is.
    expect(wrongPassword.html).toContain(`value="${applicant.doc_number}"`)
    expect(wrongPassword.html).not.toContain('Wrong#2026x')
  })

  it('records failed logins with address and browser, never the password', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    const page = await a.get('/login')
    await a.get('/captcha.svg')
    await a
      .post('/login')
      .set('User-Agent', 'TestBrowser/1.0')
      .type('form')
      .send({
        docNumber: applicant.doc_number,
        password: 'Secret#999zz',
        captcha: TEST_CAPTCHA,
        _csrf: csrfFrom(page.text),
      })
    const [row] = await t
      .db('audit_log')
      .where({ action: 'applicant.login_failed', target_id: String(applicant.id) })
    expect(row).toMatchObject({
      actor_kind: 'anonymous',
      user_agent: 'TestBrowser/1.0',
      target_type: 'applicant',
    })
    expect(row.detail).toEqual({ reason: 'bad_credentials' })
    expect(JSON.stringify(row)).not.toContain('Secret#999zz')
    expect(JSON.stringify(row)).not.toContain(applicant.doc_number)
  })

  describe('lockout', () => {
    it('locks the account after 5 failures in 15 minutes, refusing even the right password, for 30 minutes', async () => {
      const applicant = await createApplicant(t.db)
      for (let i = 0; i < 4; i++) {
        const page = await failedLoginPage(t, applicant.doc_number, `Wrong#${i}abc`)
        expect(page.html).toContain(BAD_CREDENTIALS)
        t.clock.advanceMinutes(2)
      }
      const fifth = await failedLoginPage(t, applicant.doc_number, 'Wrong#5abc')
      expect(fifth.html).toContain(LOCKED)

      const refused = await failedLoginPage(t, applicant.doc_number, applicant.password)
      expect(refused.html).toContain(LOCKED)
      expect(refused.html).not.toContain(BAD_CREDENTIALS)

      t.clock.advanceMinutes(29)
      expect((await failedLoginPage(t, applicant.doc_number, applicant.password)).html).toContain(LOCKED)

      t.clock.advanceMinutes(1)
      await loginAs(agent(t.app), applicant)
    })

    it('locks an unknown number exactly like a real one', async () => {
      const applicant = await createApplicant(t.db)
      const unknown = uniqueIdNumber()
      for (let i = 0; i < 5; i++) {
        await failedLoginPage(t, applicant.doc_number, `Wrong#${i}abc`)
        await failedLoginPage(t, unknown, `Wrong#${i}abc`)
      }
      const real = await failedLoginPage(t, applicant.doc_number, applicant.password)
      const ghost = await failedLoginPage(t, unknown, applicant.password)
      expect(errorMarkup(real.html)).toContain(LOCKED)
      expect(errorMarkup(ghost.html)).toBe(errorMarkup(real.html))
      t.clock.advanceMinutes(31)
    })

    it('does not lock when the failures are spread over more than 15 minutes', async () => {
      const applicant = await createApplicant(t.db)
      for (let i = 0; i < 6; i++) {
        expect((await failedLoginPage(t, applicant.doc_number, `Wrong#${i}abc`)).html).toContain(
          BAD_CREDENTIALS,
        )
        t.clock.advanceMinutes(4)
      }
      await loginAs(agent(t.app), applicant)
    })

    it('starts counting afresh after a successful login', async () => {
      const applicant = await createApplicant(t.db)
      for (let i = 0; i < 4; i++) await failedLoginPage(t, applicant.doc_number, `Wrong#${i}abc`)
      await loginAs(agent(t.app), applicant)
      for (let i = 0; i < 4; i++)
        expect((await failedLoginPage(t, applicant.doc_number, `Wrong#${i}abc`)).html).toContain(
          BAD_CREDENTIALS,
        )
      await loginAs(agent(t.app), applicant)
    })
  })

  describe('CAPTCHA', () => {
    it('refuses a wrong CAPTCHA before the password is looked at, without counting a failure', async () => {
      const applicant = await createApplicant(t.db)
      for (let i = 0; i < 6; i++) {
        const a = agent(t.app)
        const res = await postLogin(a, '/login', {
          docNumber: applicant.doc_number,
          password: 'Wrong#1abc',
          captcha: 'zzzz',
        })
        const page = await follow(a, res)
        expect(page.text).toContain(CAPTCHA_WRONG)
        expect(page.text).not.toContain(BAD_CREDENTIALS)
      }
      expect(await t.db('login_failures').where({ login_key: applicant.doc_number })).toHaveLength(0)
      const a = agent(t.app)
      const wrongCaptchaRightPassword = await postLogin(a, '/login', {
        docNumber: applicant.doc_number,
        password: applicant.password,
        captcha: 'zzzz',
      })
      expect(wrongCaptchaRightPassword.headers.location).toBe('/login')
      await loginAs(agent(t.app), applicant)
    })

    it('uses each CAPTCHA answer once: replaying it without loading a new image is refused', async () => {
      const applicant = await createApplicant(t.db)
      const a = agent(t.app)
      const first = await postLogin(a, '/login', { docNumber: applicant.doc_number, password: 'Wrong#1abc' })
      const page = await follow(a, first)
      expect(page.text).toContain(BAD_CREDENTIALS)

      const replay = await a
        .post('/login')
        .type('form')
        .send({
          docNumber: applicant.doc_number,
          password: applicant.password,
          captcha: TEST_CAPTCHA,
          _csrf: csrfFrom(page.text),
        })
      expect(replay.headers.location).toBe('/login')
      const after = await follow(a, replay)
      expect(after.text).toContain(CAPTCHA_WRONG)

      await a.get('/captcha.svg')
      const fresh = await a
        .post('/login')
        .type('form')
        .send({
          docNumber: applicant.doc_number,
          password: applicant.password,
          captcha: TEST_CAPTCHA,
          _csrf: csrfFrom(after.text),
        })
      expect(fresh.headers.location).toBe('/platform')
    })

    it('refuses a login whose CAPTCHA image was never loaded', async () => {
      const applicant = await createApplicant(t.db)
      const a = agent(t.app)
      const page = await a.get('/login')
      const res = await a
        .post('/login')
        .type('form')
        .send({
          docNumber: applicant.doc_number,
          password: applicant.password,
          captcha: TEST_CAPTCHA,
          _csrf: csrfFrom(page.text),
        })
      expect((await follow(a, res)).text).toContain(CAPTCHA_WRONG)
    })
  })

  it('asks for every empty field beside it and keeps what was typed', async () => {
    const a = agent(t.app)
    const res = await postLogin(a, '/login', { docNumber: '', password: '', captcha: '' })
    const page = await follow(a, res)
    expect(page.text).toContain('<a href="#docNumber">请填写账号（证件号码）</a>')
    expect(page.text).toContain('<a href="#password">请填写密码</a>')
    expect(page.text).toContain('<a href="#captcha">请填写验证码</a>')
    expect(page.text).toContain('id="password-error"')
  })

  it('rehashes the password on login when the argon2 parameters have changed', async () => {
    const weakHash = await argon2.hash('Old#pass2020', {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 2,
      parallelism: 1,
    })
    const applicant = await createApplicant(t.db, { password_hash: weakHash })
    await loginAs(agent(t.app), { docNumber: applicant.doc_number, password: 'Old#pass2020' })

    const { password_hash: stored } = await t
      .db('applicants')
      .where({ id: applicant.id })
      .first('password_hash')
    expect(stored).not.toBe(weakHash)
    expect(argon2.needsRehash(stored, { memoryCost: 19456, timeCost: 2, parallelism: 1 })).toBe(false)
    expect(await argon2.verify(stored, 'Old#pass2020')).toBe(true)
    const [audit] = await t.db('audit_log').where({ action: 'applicant.login', actor_id: applicant.id })
    expect(audit.detail).toEqual({ rehashed: true })
    await loginAs(agent(t.app), { docNumber: applicant.doc_number, password: 'Old#pass2020' })
  })

  it('gives a new session id on login, so a planted session cookie is worthless', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    const page = await a.get('/login')
    const planted = page.headers['set-cookie']?.[0]?.split(';')[0]
    expect(planted).toMatch(/^jszg\.sid=/)
    await a.get('/captcha.svg')
    const res = await sendLogin(a, page.text, applicant)
    expect(res.headers.location).toBe('/platform')
    const issued = res.headers['set-cookie']?.[0]?.split(';')[0]
    expect(issued).toMatch(/^jszg\.sid=/)
    expect(issued).not.toBe(planted)

    expect((await a.get('/platform')).status).toBe(200)
    const attacker = await agent(t.app).get('/platform').set('Cookie', planted!)
    expect(attacker.status).toBe(303)
    expect(attacker.headers.location).toBe('/login')
  })

  it('asks the database only what a login needs: the new session written once, the agreement read with the sign-in', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    const page = await a.get('/login')
    await a.get('/captcha.svg')
    // Every statement the login POST sends, on both pools (the app's knex pool and the session pool).
    const sent: string[] = []
    const sessionQuery = t.services.sessionPool.query.bind(t.services.sessionPool)
    t.services.sessionPool.query = ((text: unknown, ...rest: unknown[]) => {
      sent.push(typeof text === 'string' ? text : String((text as { text?: string }).text))
      return (sessionQuery as (...args: unknown[]) => unknown)(text, ...rest)
    }) as typeof t.services.sessionPool.query
    const onQuery = (q: { sql: string }) => sent.push(q.sql)
    t.db.on('query', onQuery)
    try {
      const res = await sendLogin(a, page.text, applicant)
      expect(res.headers.location).toBe('/platform')
    } finally {
      t.services.sessionPool.query = sessionQuery
      t.db.removeListener('query', onQuery)
    }
    const writes = sent.filter((q) => /INSERT INTO "session"/i.test(q))
    expect(writes).toHaveLength(1)
    const agreement = sent.filter((q) => /agreement_versions/.test(q))
    expect(agreement).toHaveLength(1)
    expect(agreement[0]).toMatch(/INSERT INTO audit_log/)
    // The new session is the one that works, with its content written by that one statement.
    expect((await a.get('/platform')).status).toBe(200)
  })

  it('returns to the page that asked for a login', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    const asked = await a.get('/platform/registration/notice')
    expect(asked.headers.location).toBe('/login')
    const res = await loginAs(a, applicant)
    expect(res.headers.location).toBe('/platform/registration/notice')
  })

  it('logs out: the session is gone and the logout is recorded', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, applicant)
    const platform = await a.get('/platform')
    const res = await a
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(platform.text) })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
    expect((await follow(a, res)).text).toContain('您已安全退出')
    expect((await a.get('/platform')).headers.location).toBe('/login')
    expect(
      await t.db('audit_log').where({ action: 'applicant.logout', actor_id: applicant.id }),
    ).toHaveLength(1)
  })

  it('sends a signed-in applicant from the login page to the platform', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, applicant)
    const res = await a.get('/login')
    expect(res.headers.location).toBe('/platform')
  })
})

describe('login rate limit per address', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ config: { rateLimits: { ...roomyLimits, loginPerIpPerMinute: 3 } } })
  })
  afterAll(() => t.close())

  it('refuses logins from an address past its limit, even with the right password', async () => {
    const applicant = await createApplicant(t.db)
    for (let i = 0; i < 3; i++) await failedLoginPage(t, applicant.doc_number, `Wrong#${i}abc`)
    const a = agent(t.app)
    const res = await postLogin(a, '/login', {
      docNumber: applicant.doc_number,
      password: applicant.password,
    })
    expect(res.headers.location).toBe('/login')
    expect((await follow(a, res)).text).toContain('登录尝试过于频繁，请稍后再试')
  })
})

describe('login with the CAPTCHA switched off (testers outside production)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ captcha: svgCaptchaService(true), config: { rateLimits: roomyLimits } })
  })
  afterAll(() => t.close())

  it('hides the CAPTCHA field and signs in without it', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    const page = await a.get('/login')
    expect(page.text).not.toContain('name="captcha"')
    const res = await a
      .post('/login')
      .type('form')
      .send({ docNumber: applicant.doc_number, password: applicant.password, _csrf: csrfFrom(page.text) })
    expect(res.headers.location).toBe('/platform')
  })
})
