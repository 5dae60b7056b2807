import { agent, csrfFrom } from '../helpers/http'
import { appWithAllRoutes, TEST_CAPTCHA } from '../helpers/app'
import { createApplicant } from '../helpers/factories'

// What configWarnings says about PUBLIC_URL=https://… without TRUST_PROXY, seen through the app: behind
// a TLS-terminating proxy the login page sets no session cookie (nobody can sign in) until
// TRUST_PROXY lets the app believe the proxy's X-Forwarded-Proto.
describe('an https PUBLIC_URL behind a reverse proxy', () => {
  async function sessionCookieBehindProxy(trustProxy: boolean): Promise<string | undefined> {
    const t = await appWithAllRoutes({ config: { publicUrl: 'https://jszg.example.gov.cn', trustProxy } })
    try {
      const res = await agent(t.app).get('/login').set('X-Forwarded-Proto', 'https')
      expect(res.status).toBe(200)
      const cookies = (res.headers['set-cookie'] ?? []) as unknown as string[]
      return cookies.find((c) => c.startsWith('jszg.sid='))
    } finally {
      await t.close()
    }
  }

  it('gets no session cookie without TRUST_PROXY', async () => {
    expect(await sessionCookieBehindProxy(false)).toBeUndefined()
  })

  it('gets a Secure session cookie with TRUST_PROXY', async () => {
    expect(await sessionCookieBehindProxy(true)).toMatch(/; Secure/)
  })
})

// Behind the bureau's proxy the client's own X-Forwarded-For entries come first and the proxy appends
// the address it saw: only that last entry may be believed (rate limits, audit log, /metrics).
describe('the client address behind a reverse proxy', () => {
  it('is the address the proxy saw, not an X-Forwarded-For entry the client wrote', async () => {
    const t = await appWithAllRoutes({ config: { trustProxy: true } })
    try {
      const applicant = await createApplicant(t.db)
      const a = agent(t.app)
      const page = await a.get('/login').set('X-Forwarded-For', '6.6.6.6, 10.20.30.40')
      await a.get('/captcha.svg').set('X-Forwarded-For', '6.6.6.6, 10.20.30.40')
      const res = await a
        .post('/login')
        .set('X-Forwarded-For', '6.6.6.6, 10.20.30.40')
        .type('form')
        .send({
          captcha: TEST_CAPTCHA,
          docNumber: applicant.doc_number,
          password: 'Wrong#pass1',
          _csrf: csrfFrom(page.text),
        })
      expect(res.status).toBeLessThan(500)
      const rows = await t.db('audit_log').whereNotNull('ip').select('ip')
      expect(rows.length).toBeGreaterThan(0)
      for (const r of rows) expect(String(r.ip)).toContain('10.20.30.40')
    } finally {
      await t.close()
    }
  })
})
