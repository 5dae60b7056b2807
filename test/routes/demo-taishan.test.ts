import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent } from '../helpers/http'
import { seed } from '../../seeds/02_demo'
import { DEMO_PASSWORD } from '../../seeds/data/demoLogins'
import { TAISHAN_REMINDER } from '../../seeds/data/demoTaishan'
import { loginStaff } from './staffSupport'

// The 台山 demo bureau (seed 004) as an applicant and a clerk meet it, through the app.

let t: TestApp
beforeAll(async () => {
  t = await appWithAllRoutes()
  t.clock.set('2026-09-15T02:00:00Z')
  await seed(t.db, t.clock)
})
afterAll(() => t.close())

describe('台山 demo bureau', () => {
  it('确认点查询 by a school name finds the point 004 names for it', async () => {
    const guishui = await agent(t.app).get(
      `/registration/points?${new URLSearchParams({ q: '台山市台城桂水小学' })}`,
    )
    expect(guishui.status).toBe(200)
    expect(guishui.text).toContain('台山市新宁小学')
    expect(guishui.text).not.toContain('台山市海宴镇中心小学')
    const shalan = await agent(t.app).get(
      `/registration/points?${new URLSearchParams({ q: '台山市海宴镇沙栏幼儿园' })}`,
    )
    expect(shalan.text).toContain('台山市海宴镇中心小学')
  })

  it('网报时间查询 offers 江门市台山市教育局 for 幼儿园, 小学 and 初中, with its points', async () => {
    for (const stage of ['1', '2', '3']) {
      const res = await agent(t.app).get(
        `/registration/schedule?${new URLSearchParams({ province: '440000', city: '440700', stage })}`,
      )
      expect(res.text).toContain('江门市台山市教育局')
      expect(res.text).toContain('台山市海宴镇中心小学')
    }
  })

  it('lets each point’s clerk sign in and the authority keep 004’s reminder as its 申报提醒', async () => {
    const clerk = await loginStaff(t, 'ts-haiyan', DEMO_PASSWORD)
    expect((await clerk.get('/staff')).status).toBe(200)
    const row = await t.db('authorities').where({ name: '江门市台山市教育局' }).first('reminder')
    expect(row.reminder).toBe(TAISHAN_REMINDER)
  })
})
