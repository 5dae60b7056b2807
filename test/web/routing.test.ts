import express, { Router } from 'express'
import request from 'supertest'
import { byPrefix } from '../../src/web/routing'
import { selectOptions } from '../../src/web/views'

// Routers mounted at '/' are entered only under the first path segments they declare: whatever a
// router could answer still reaches it, spelled as Express matches it (any case, a trailing slash).

function appWith(router: Router) {
  const app = express()
  app.use(byPrefix(router))
  app.use((req, res) => res.status(404).send(`fell through ${req.path}`))
  return app
}

describe('byPrefix', () => {
  const router = Router()
  router.get('/', (_req, res) => res.send('home'))
  router.get('/platform', (_req, res) => res.send('platform'))
  router.get('/account/my-data.zip', (_req, res) => res.send('zip'))
  const nested = Router()
  nested.get('/staff/x/:id', (req, res) => res.send(`staff ${String(req.params.id)}`))
  router.use(nested)
  router.use('/info', (_req, res) => res.send('info'))
  const app = appWith(router)

  it('answers every path the router declares, in any case and with a trailing slash', async () => {
    expect((await request(app).get('/')).text).toBe('home')
    expect((await request(app).get('/PlatForm/')).text).toBe('platform')
    expect((await request(app).get('/account/my-data.zip?x=1')).text).toBe('zip')
    expect((await request(app).get('/staff/x/7')).text).toBe('staff 7')
    expect((await request(app).get('/info/anything/below')).text).toBe('info')
  })

  it('passes other paths on without entering the router', async () => {
    for (const path of ['/platforms', '/staffs/x/1', '/nothing', '//platform']) {
      const res = await request(app).get(path)
      expect(res.status).toBe(404)
    }
  })

  it('keeps the router itself where something in it could match any path', () => {
    const open = Router()
    open.use((_req, _res, next) => next())
    expect(byPrefix(open)).toBe(open)
    const param = Router()
    param.get('/:business/notice', (_req, res) => res.end())
    expect(byPrefix(param)).toBe(param)
  })

  it('leaves the router stack readable for the route listings', () => {
    expect((byPrefix(router) as unknown as { stack: unknown }).stack).toBe(router.stack)
  })
})

describe('selectOptions', () => {
  it('writes the options escaped, the current one selected, groups as optgroups', () => {
    const html = selectOptions(
      [
        { value: 1, text: 'a<b' },
        { value: '2', text: '乙', group: 'G"1' },
        { value: '3', text: '丙', group: 'G"1' },
        { value: '4', text: '丁' },
      ],
      '2',
    ).toString()
    expect(html).toBe(
      '<option value="1">a&lt;b</option><optgroup label="G&quot;1"><option value="2" selected>乙</option>' +
        '<option value="3">丙</option></optgroup><option value="4">丁</option>',
    )
    expect(selectOptions(undefined, '').toString()).toBe('')
  })
})
