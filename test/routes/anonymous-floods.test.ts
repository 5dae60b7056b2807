import http from 'node:http'
import type { AddressInfo } from 'node:net'
import request from 'supertest'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom } from '../helpers/http'
import { createApplicant } from '../helpers/factories'
import { loginAs } from '../helpers/login'

// What anonymous traffic may cost: no session row for a page without a form, a short life for the
// session a form needs, and no multipart body buffered or kept unless its CSRF token is right.

describe('anonymous floods', () => {
  let t: TestApp
  let server: http.Server
  beforeAll(async () => {
    t = await appWithAllRoutes()
    server = http.createServer(t.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    await t.close()
  })

  const sessionRows = async () => {
    const row = await t
      .db('session')
      .select(t.db.raw('count(*)::int AS n, coalesce(sum(pg_column_size(sess)), 0)::bigint AS bytes'))
      .first()
    return { n: Number(row.n), bytes: Number(row.bytes) }
  }
  const sidOf = (setCookie: string[] | string | undefined) => {
    const cookie = [setCookie ?? []].flat().find((c) => c.startsWith('jszg.sid='))
    const m =
      cookie && decodeURIComponent(cookie.split(';')[0].slice('jszg.sid='.length)).match(/^s:([^.]+)\./)
    if (!m) throw new Error('no session cookie')
    return m[1]
  }
  /** Seconds until the session row's expiry, as the database sees it. */
  const expiresIn = async (sid: string) => {
    const row = await t
      .db('session')
      .where({ sid })
      .first(t.db.raw('extract(epoch from expire - now())::int AS s'))
    return Number(row.s)
  }

  it('stores no session for 200 views of a page without a form', async () => {
    const before = await sessionRows()
    const browser = agent(t.app)
    for (let i = 0; i < 100; i++) {
      const fresh = await request(t.app).get('/')
      expect(fresh.status).toBe(200)
      expect(fresh.headers['set-cookie']).toBeUndefined()
      expect((await browser.get('/')).headers['set-cookie']).toBeUndefined()
    }
    expect((await sessionRows()).n).toBe(before.n)
  })

  it('gives the session a form needs a life of minutes, and a signed-in one its hours', async () => {
    const before = await sessionRows()
    const browser = agent(t.app)
    const login = await browser.get('/login')
    expect(csrfFrom(login.text)).toMatch(/^[0-9a-f]{20,}$/)
    expect((await sessionRows()).n).toBe(before.n + 1)
    const anonymous = await expiresIn(sidOf(login.headers['set-cookie']))
    expect(anonymous).toBeGreaterThan(10 * 60)
    expect(anonymous).toBeLessThanOrEqual(30 * 60 + 1) // the store rounds the expiry up to a second
    expect(login.headers['set-cookie']!.toString()).toMatch(/Expires=/)

    const signedIn = await loginAs(browser, await createApplicant(t.db))
    const signedInFor = await expiresIn(sidOf(signedIn.headers['set-cookie']))
    expect(signedInFor).toBeGreaterThan(7.9 * 3600)
    expect(signedInFor).toBeLessThanOrEqual(8 * 3600 + 1)
    // Signing out leaves an anonymous session again, with the short life.
    const platform = await browser.get('/platform')
    const out = await browser
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(platform.text) })
    expect(out.status).toBe(303)
    expect(await expiresIn(sidOf(out.headers['set-cookie']))).toBeLessThanOrEqual(30 * 60 + 1)
  })

  /**
   * Sends a multipart POST whose file part is `fileBytes` long, a chunk at a time, and stops sending
   * as soon as the answer comes: how much of the body had been sent by then tells whether the server
   * needed (and so buffered) the whole of it before refusing it.
   */
  async function postFile(path: string, opts: { cookie?: string; token?: string; fileBytes: number }) {
    const boundary = '----jszg-flood-boundary'
    const part = (headers: string) => `--${boundary}\r\n${headers}\r\n\r\n`
    const head = Buffer.from(
      (opts.token !== undefined
        ? `${part('Content-Disposition: form-data; name="_csrf"')}${opts.token}\r\n`
        : '') +
        part('Content-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg'),
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const total = head.length + opts.fileBytes + tail.length
    const { port } = server.address() as AddressInfo
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': total,
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
      },
    })
    let answer: http.IncomingMessage | undefined
    const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', (res) => resolve((answer = res)))
      req.on('error', (err) => (answer ? undefined : reject(err)))
    })
    let sent = 0
    const send = async (bytes: Buffer) => {
      sent += bytes.length
      if (!req.write(bytes)) await Promise.race([new Promise((r) => req.once('drain', r)), answered])
      else await new Promise((r) => setImmediate(r))
    }
    await send(head)
    const chunk = Buffer.alloc(64 * 1024, 0xff)
    for (let left = opts.fileBytes; left > 0 && !answer; left -= chunk.length)
      await send(left >= chunk.length ? chunk : chunk.subarray(0, left))
    if (!answer) await send(tail)
    const res = await answered
    const sentWhenAnswered = sent
    let text = ''
    res.setEncoding('utf8')
    for await (const piece of res) text += piece
    req.destroy()
    return { status: res.statusCode, text, setCookie: res.headers['set-cookie'], sentWhenAnswered, total }
  }

  it('refuses a multipart body with a missing or wrong token before reading it, and keeps nothing', async () => {
    const before = await sessionRows()
    for (const token of [undefined, 'wrong']) {
      const res = await postFile('/register', { token, fileBytes: 30 * 1024 * 1024 })
      expect(res.status).toBe(403)
      expect(res.text).toContain('页面已过期')
      expect(res.sentWhenAnswered).toBeLessThan(res.total / 2)
      expect(res.setCookie).toBeUndefined()
    }
    // An anonymous visitor with a real token (any form page gives one) has no upload form to send.
    const login = await request(t.app).get('/login')
    const cookie = login.headers['set-cookie']![0].split(';')[0]
    const res = await postFile('/login', { cookie, token: csrfFrom(login.text), fileBytes: 30 * 1024 * 1024 })
    expect(res.status).toBe(403)
    expect(res.sentWhenAnswered).toBeLessThan(res.total / 2)
    const after = await sessionRows()
    expect(after.n).toBe(before.n + 1)
    expect(after.bytes - before.bytes).toBeLessThan(2_000)
  })

  it('refuses a multipart body of many large fields, token or not, and the session does not grow', async () => {
    const browser = agent(t.app)
    const page = await browser.get('/register')
    const token = csrfFrom(page.text)
    const before = await sessionRows()
    for (const withToken of [true, false]) {
      let post = browser.post('/register')
      if (withToken) post = post.field('_csrf', token)
      for (let i = 0; i < 150; i++) post = post.field(`f${i}`, 'x'.repeat(99 * 1024))
      const res = await post
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    }
    const after = await sessionRows()
    expect(after.n).toBe(before.n)
    expect(after.bytes - before.bytes).toBeLessThan(2_000)
    // The session is untouched: the page's token still works for a proper form.
    const res = await browser.post('/register').type('form').send({ _csrf: token })
    expect(res.status).toBe(303)
  })
})
