import request from 'supertest'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { lookupApplicationByCode, type ApplicationFinder } from '../../src/modules/verify/finders'

const CODE = 'k7qf2m5xw4hv3pazrt6nbydc5e'

describe('GET /verify (the QR code on the printed forms)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(async () => {
    await t?.close()
  })

  test('without a code: the form to type the 核验码, no login needed', async () => {
    const res = await request(t.app).get('/verify').expect(200)
    expect(res.text).toContain('申请表核验')
    expect(res.text).toContain('name="code"')
    expect(res.text).not.toContain('name="no"')
    expect(res.headers['cache-control']).toBe('no-store')
  })

  test('an unknown code: not found by any business', async () => {
    expect(await lookupApplicationByCode(t.services.verifyFinders, t.db, CODE)).toBeNull()
    const res = await request(t.app).get(`/verify?code=${CODE}`).expect(404)
    expect(res.text).toContain('未找到与该核验码对应的申请表')
  })

  test('not a code (a 报名号, an injection): a field error, no look-up', async () => {
    for (const code of ["1' or 1=1 --", '4501032026000123']) {
      const res = await request(t.app).get('/verify').query({ code }).expect(400)
      expect(res.text).toContain('请输入申请表上的核验码（26位字母和数字）')
    }
    expect((await request(t.app).get('/verify').query({ code: "1' or 1=1 --" })).text).not.toContain(
      "1' or 1=1",
    )
  })

  test('a 报名号 alone (?no=, as earlier forms carried it): refused, saying where the code is', async () => {
    const res = await request(t.app).get('/verify?no=4501032026000123').expect(400)
    expect(res.text).toContain('报名号不能用于核验，请扫描申请表上的二维码，或输入申请表底部的核验码。')
  })

  test('a finder the app is given: asked with the code as stored; number, masked name and status only', async () => {
    const seen: string[] = []
    const finder: ApplicationFinder = async (_db, code) => {
      seen.push(code)
      return code === CODE
        ? {
            number: '4501032026000777',
            business: '教师资格定期注册',
            name: '𠮷娜仁·其其格',
            status: '待注册审批',
          }
        : null
    }
    const own = await appWithAllRoutes({ verifyFinders: [finder] })
    try {
      // typed from the paper: upper case, in groups
      const res = await request(own.app)
        .get('/verify')
        .query({ code: 'K7QF 2M5X W4HV-3PAZ RT6N BYDC 5E' })
        .expect(200)
      expect(res.text).toContain('4501032026000777')
      expect(res.text).toContain('教师资格定期注册')
      expect(res.text).toContain('𠮷*****格')
      expect(res.text).toContain('待注册审批')
      expect(res.text).not.toContain('娜仁')
      const neighbour = `${CODE.slice(0, -1)}f`
      await request(own.app).get(`/verify?code=${neighbour}`).expect(404)
      expect(seen).toEqual([CODE, neighbour])
    } finally {
      await own.close()
    }
  })
})
