import { appWithAllRoutes } from '../helpers/app'
import { agent } from '../helpers/http'

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
