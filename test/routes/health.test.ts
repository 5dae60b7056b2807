import request from 'supertest'
import signature from 'cookie-signature'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApp } from '../../src/app'
import { buildServices, closeServices } from '../../src/services'
import { loadConfig } from '../../src/config'

describe('health and error pages', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(() => t.close())

  it('answers /healthz and /readyz when the database is up', async () => {
    expect((await request(t.app).get('/healthz')).body).toEqual({ status: 'ok' })
    expect((await request(t.app).get('/readyz')).body).toEqual({ status: 'ok', database: 'ok' })
  })

  it('shows a Chinese 404 page', async () => {
    const res = await request(t.app).get('/no-such-page')
    expect(res.status).toBe(404)
    expect(res.text).toContain('页面不存在')
  })

  it('answers 503 in Chinese, never a stack trace, when the database is down', async () => {
    const services = buildServices({
      ...loadConfig({ NODE_ENV: 'test' }),
      databaseUrl: 'postgres://nobody@127.0.0.1:1/none',
    })
    const app = createApp(services)
    try {
      // A signed session cookie makes the session store read the database.
      const cookie = `jszg.sid=s%3A${encodeURIComponent(signature.sign('some-session-id', services.config.sessionSecret))}`
      const page = await request(app).get('/platform').set('Cookie', cookie)
      expect(page.status).toBe(503)
      expect(page.text).toContain('系统暂时无法连接数据库')
      expect(page.text).not.toMatch(/ECONNREFUSED|at .*\.js:\d+/)
      const ready = await request(app).get('/readyz')
      expect(ready.status).toBe(503)
    } finally {
      await closeServices(services)
    }
  })
})
