import http from 'node:http'

// Plain HTTP from the main thread: the bench's set-up (the measured load runs in workers,
// bench/load.ts) and npm run chaos's clients (test/chaos/). A server on a free port, one request,
// and the cookie and CSRF token of an answer.

export function listen(app: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  return new Promise((resolve) => {
    const server = http.createServer(app)
    server.keepAliveTimeout = 60_000
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as { port: number }).port }),
    )
  })
}

/** One plain HTTP request from the main thread (set-up only, not measured); `timeoutMs` 0: none. */
export function request(
  port: number,
  method: 'GET' | 'POST',
  pathName: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
  timeoutMs = 0,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathName, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      )
    })
    req.on('error', reject)
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)))
    req.end(body)
  })
}

export const cookieFrom = (headers: http.IncomingHttpHeaders, name: string): string => {
  const c = (headers['set-cookie'] ?? []).find((s) => s.startsWith(`${name}=`))
  if (!c) throw new Error(`no ${name} cookie in the answer`)
  return c.split(';')[0]
}

export const csrfFrom = (html: string): string => {
  const m = html.match(/name="_csrf" value="([^"]+)"/)
  if (!m) throw new Error('no CSRF token on the page')
  return m[1]
}
