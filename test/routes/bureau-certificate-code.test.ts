import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { agent, submitForm, type Agent } from '../helpers/http'
import { staffLoginAs } from '../helpers/login'
import { NANNING } from '../helpers/bureauFactories'

// The authority form's 证书编号机构代码 (positions 7–9 of the certificate numbers an authority issues):
// three digits, unique within the province, kept on edit, dropped when the authority stops certifying.

let t: TestApp
let admin: Agent

beforeAll(async () => {
  t = await appWithAllRoutes()
  admin = agent(t.app)
  await staffLoginAs(admin, await createStaff(t.db, [{ role: 'admin' }]))
})
afterAll(() => t.close())
beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

const form = (o: Record<string, string | string[]> = {}) => ({
  name: '南宁市西乡塘区教育局',
  regionCode: NANNING.county,
  address: '',
  phone: '0771-5550000',
  registers: 'yes',
  stages: ['1', '2', '3'],
  certifies: 'yes',
  reminder: '',
  formDownloadEnd: '',
  enabled: 'yes',
  ...o,
})

it('validates, stores and keeps the code unique within the province', async () => {
  const bad = await submitForm(admin, '/staff/admin/authorities/new', form({ certificateBureauCode: '12a' }))
  expect((await admin.get(bad.headers.location)).text).toContain('证书编号机构代码应为3位数字')
  const ok = await submitForm(admin, '/staff/admin/authorities/new', form({ certificateBureauCode: '017' }))
  expect(ok.status).toBe(303)
  const row = await t.db('authorities').where({ name: '南宁市西乡塘区教育局' }).first()
  expect(row.certificate_bureau_code).toBe('017')
  expect((await admin.get(`/staff/admin/authorities/${row.id}`)).text).toContain('value="017"')
  const dup = await submitForm(
    admin,
    '/staff/admin/authorities/new',
    form({ name: '南宁市江南区教育局', certificateBureauCode: '017' }),
  )
  expect((await admin.get(dup.headers.location)).text).toContain('本省已有认定机构使用该证书编号机构代码')
  const noLonger = await submitForm(
    admin,
    `/staff/admin/authorities/${row.id}`,
    form({ certifies: '', certificateBureauCode: '017' }),
  )
  expect(noLonger.status).toBe(303)
  expect((await t.db('authorities').where({ id: row.id }).first()).certificate_bureau_code).toBeNull()
})
