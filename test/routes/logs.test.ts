import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, submitForm } from '../helpers/http'
import { createApplicant } from '../helpers/factories'
import { loginAs } from '../helpers/login'

// What the app writes to its log, as an operator copying lines into a ticket would see it: no line
// may let the reader sign in as someone (session id, CSRF token, reset link) or name a person (ID
// number, phone).
describe('the log', () => {
  let t: TestApp
  let written = ''
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: { logLevel: 'info' },
      logDestination: { write: (line: string) => void (written += line) },
    })
  })
  afterAll(() => t.close())
  beforeEach(() => {
    written = ''
    t.clock.set('2026-09-15T02:00:00Z')
  })

  const entries = () =>
    written
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)

  it('holds no session id, CSRF token, reset token, ID number or phone after a login, a search and a reset link', async () => {
    const p = await createApplicant(t.db)
    const a = agent(t.app)
    const loginPage = await a.get('/login')
    const loginToken = csrfFrom(loginPage.text)
    const res = await loginAs(a, p)
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('jszg.sid='))!
    const signed = cookie.slice('jszg.sid='.length, cookie.indexOf(';'))
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(signed))![1]

    // A page's token in a query string, an ID number typed into a staff search box.
    await a.get(`/platform?_csrf=${encodeURIComponent(loginToken)}`)
    await a.get(`/staff/registrations?q=${p.doc_number}&status=`)
    await a.get(`/staff/certifications?q=${p.phone}`)

    // The e-mailed reset link, opened and then posted from (its page's address is the Referer).
    const forgot = agent(t.app)
    await submitForm(forgot, '/forgot-password', {
      docType: p.doc_type,
      docNumber: p.doc_number,
      name: p.name,
    })
    const method = await forgot.get('/forgot-password/method')
    await forgot
      .post('/forgot-password/email')
      .type('form')
      .send({ _csrf: csrfFrom(method.text) })
    const mail = await t.db('outbox').where({ channel: 'email', recipient: p.email }).first()
    const link = /\/forgot-password\/reset\/[A-Za-z0-9_-]+/.exec(mail.body)![0]
    const resetToken = link.split('/').pop()!
    const form = await forgot.get(link)
    await forgot
      .post(link)
      .set('Referer', `http://127.0.0.1${link}`)
      .type('form')
      .send({ password: 'x', passwordConfirm: 'y', _csrf: csrfFrom(form.text) })

    const lines = entries()
    expect(lines.some((l) => l.msg === 'request completed')).toBe(true)
    const secrets = {
      cookie: signed,
      decodedCookie: decodeURIComponent(signed),
      sid,
      csrf: loginToken,
      resetCsrf: csrfFrom(form.text),
      resetToken,
      docNumber: p.doc_number,
      phone: p.phone,
    }
    const leaks = Object.entries(secrets).filter(([, v]) => written.includes(v))
    expect(leaks.map(([k]) => k)).toEqual([])
    // The lines still say what was asked and answered.
    expect(written).toContain('/forgot-password/reset/[redacted]')
    expect(lines.some((l) => (l.res as { statusCode?: number })?.statusCode === 303)).toBe(true)
  })

  it('masks the row values PostgreSQL quotes in an error (detail, message) and keeps the rest', async () => {
    const p = await createApplicant(t.db)
    const row = {
      doc_type: 'id_card',
      valid_from: '2020-01-01',
      password_hash: 'x',
      email: 'x@example.com',
      created_at: t.clock.now(),
      updated_at: t.clock.now(),
    }
    const duplicate = await t
      .db('applicants')
      .insert({ ...row, doc_number: p.doc_number, name: '李四', phone: '13900000000' })
      .catch((err: unknown) => err as Error & { detail?: string; code?: string })
    expect((duplicate as { code?: string }).code).toBe('23505')
    expect((duplicate as { detail?: string }).detail).toContain(p.doc_number)
    const failing = await t
      .db('applicants')
      .insert({ ...row, doc_number: '110101199001011234', name: null, phone: p.phone })
      .catch((err: unknown) => err as Error & { detail?: string })
    expect((failing as { detail?: string }).detail).toContain(p.phone)

    t.services.logger.error({ err: duplicate }, 'insert failed')
    t.services.logger.error({ err: failing }, 'insert failed')

    expect(written).not.toContain(p.doc_number)
    expect(written).not.toContain('110101199001011234')
    expect(written).not.toContain(p.phone)
    const [first, second] = entries().map((l) => l.err as Record<string, string>)
    expect(first.code).toBe('23505')
    expect(first.constraint).toBe('applicants_doc_number_key')
    expect(first.detail).toContain('(doc_number)=')
    expect(first.message).toContain('applicants_doc_number_key')
    expect(second.code).toBe('23502')
    expect(second.column).toBe('name')
  })
})
