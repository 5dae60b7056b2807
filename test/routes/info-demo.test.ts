import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'
import { TestClock } from '../helpers/clock'
import { seed } from '../../seeds/02_demo'
import { DEMO_APPLICANTS, DEMO_PASSWORD } from '../../seeds/data/demoLogins'

// The demo as a tester meets it: 李明's information centre shows the demo registries' rows, his two
// hand-entered items wait in the administrator's 信息核验 queue, and a second seed run adds nothing.

describe('个人信息中心 with the demo data', () => {
  let t: TestApp
  const liMing = DEMO_APPLICANTS.find((a) => a.state === 'verified')!

  beforeAll(async () => {
    t = await appWithAllRoutes({ clock: new TestClock('2026-09-15T02:00:00Z') })
    await seed(t.db, t.clock)
  })
  afterAll(() => t.close())

  it('shows 李明 his exam pass, the Guangxi certificate from 2012 on, and his items 待核验', async () => {
    const a = agent(t.app)
    await loginAs(a, { docNumber: liMing.docNumber, password: DEMO_PASSWORD })
    expect((await a.get('/info/exams')).text).toContain('2023245010012345')
    const certs = (await a.get('/info/certificates')).text
    expect(certs).toContain('20164500131000202')
    expect(certs).not.toContain('20104500121000101')
    const education = (await a.get('/info/education')).text
    expect(education).toContain('南宁师范学校')
    expect(education).toContain('待核验')
    expect((await a.get('/info/degrees')).text).toContain('学士')

    const page = await a.get('/info/mandarin/verify')
    await a
      .post('/info/mandarin/verify')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), certNumber: '4501230012345' })
    const mandarin = (await a.get('/info/mandarin')).text
    expect(mandarin).toContain('二级甲等')
    expect(mandarin).toContain('核验通过')
  })

  it('puts the two hand-entered items in the administrator’s queue, the scan viewable', async () => {
    const s = agent(t.app)
    await staffLoginAs(s, { username: 'admin', password: DEMO_PASSWORD })
    const queue = (await s.get('/staff/info-reviews')).text
    expect(queue).toContain('1060242017001234')
    expect(queue).toContain('4501012013000123')
    const item = await t.db('info_items').where({ cert_number: '4501012013000123' }).first()
    const scan = await s.get(`/files/${item.scan_file_id}`)
    expect(scan.status).toBe(200)
    expect(scan.headers['content-type']).toBe('image/jpeg')
    expect(Number(scan.headers['content-length'])).toBeLessThan(200 * 1024)
  })

  it('adds nothing on a second run, nor after 李明 deleted what it added', async () => {
    const before = await t.db('info_items').count('* as n').first()
    await seed(t.db, t.clock)
    expect(await t.db('info_items').count('* as n').first()).toEqual(before)
    await t.db('info_items').where({ source: 'manual' }).del()
    await seed(t.db, t.clock)
    expect(await t.db('info_items').where({ source: 'manual' })).toHaveLength(0)
  })
})
