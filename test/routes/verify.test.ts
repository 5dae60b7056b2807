import request from 'supertest'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { lookupApplicationByNumber, registerApplicationFinder } from '../../src/modules/verify/finders'

describe('GET /verify (the QR code on the printed forms)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(async () => {
    await t?.close()
  })

  test('without a number: the form to type one, no login needed', async () => {
    const res = await request(t.app).get('/verify').expect(200)
    expect(res.text).toContain('申请表核验')
    expect(res.text).toContain('name="no"')
    expect(res.headers['cache-control']).toBe('no-store')
  })

  test('an unknown number: 未找到该报名号 (nothing is looked up until a business registers a finder)', async () => {
    expect(await lookupApplicationByNumber(t.db, '4501032026000123')).toBeNull()
    const res = await request(t.app).get('/verify?no=4501032026000123').expect(404)
    expect(res.text).toContain('未找到该报名号')
    expect(res.text).toContain('4501032026000123')
  })

  test('not a number: a field error, no look-up', async () => {
    const res = await request(t.app).get('/verify').query({ no: "1' or 1=1 --" }).expect(400)
    expect(res.text).toContain('请输入正确的报名号')
    expect(res.text).not.toContain("1' or 1=1")
  })

  test('a registered finder: number, masked name and status only', async () => {
    const seen: string[] = []
    const unregister = registerApplicationFinder('test', async (_db, number) => {
      seen.push(number)
      return number === '4501032026000777'
        ? { business: '教师资格定期注册', name: '𠮷娜仁·其其格', status: '待注册审批' }
        : null
    })
    try {
      const res = await request(t.app).get('/verify?no=4501032026000777').expect(200)
      expect(res.text).toContain('4501032026000777')
      expect(res.text).toContain('教师资格定期注册')
      expect(res.text).toContain('𠮷*****格')
      expect(res.text).toContain('待注册审批')
      expect(res.text).not.toContain('娜仁')
      await request(t.app).get('/verify?no=4501032026000778').expect(404)
      expect(seen).toEqual(['4501032026000777', '4501032026000778'])
    } finally {
      unregister()
    }
    await request(t.app).get('/verify?no=4501032026000777').expect(404)
  })
})
