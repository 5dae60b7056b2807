import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { agent, csrfFrom, submitForm, type Agent } from '../helpers/http'
import { staffLoginAs } from '../helpers/login'
import { NANNING, makeAuthority, makePoint, makeSchool, makeWindow } from '../helpers/bureauFactories'

let t: TestApp
let admin: Agent

beforeAll(async () => {
  t = await appWithAllRoutes()
  admin = agent(t.app)
  await staffLoginAs(admin, await createStaff(t.db, [{ role: 'admin' }]))
})
afterAll(() => t.close())
beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

const audits = (action: string) => t.db('audit_log').where({ action }).orderBy('id')

const goodAuthority = (o: Record<string, string | string[]> = {}) => ({
  name: '南宁市青秀区教育局',
  regionCode: NANNING.county,
  address: '青秀区民族大道1号',
  phone: '0771-5550000',
  registers: 'yes',
  stages: ['1', '2', '3'],
  certifies: 'yes',
  reminder: '请按学校通知提交材料。',
  formDownloadEnd: '',
  enabled: 'yes',
  ...o,
})

describe('who may manage the bureau set-up', () => {
  it('sends a visitor to the staff login and refuses other staff with 403', async () => {
    const visitor = await agent(t.app).get('/staff/admin/authorities')
    expect(visitor.status).toBe(303)
    expect(visitor.headers.location).toBe('/staff/login')
    for (const role of [
      { role: 'identity_reviewer' },
      { role: 'confirmation_clerk', scope_type: 'point' as const, scope_id: 1 },
      { role: 'registration_approver', scope_type: 'authority' as const, scope_id: 1 },
    ]) {
      const a = agent(t.app)
      await staffLoginAs(a, await createStaff(t.db, [role]))
      for (const url of ['/staff/admin/authorities', '/staff/admin/authorities/new'])
        expect((await a.get(url)).status).toBe(403)
      const page = await admin.get('/staff/admin/authorities/new')
      const post = await a
        .post('/staff/admin/authorities/new')
        .type('form')
        .send({ ...goodAuthority({ name: '越权局' }), _csrf: csrfFrom(page.text) })
      expect(post.status).toBe(403)
    }
    expect(await t.db('authorities').where({ name: '越权局' }).first()).toBeUndefined()
  })

  it('shows the page on the administrator’s console and navigation', async () => {
    const home = await admin.get('/staff')
    expect(home.text).toContain('/staff/admin/authorities')
  })
})

describe('authorities', () => {
  it('keeps everything typed and says what is wrong beside each field, saving nothing', async () => {
    const res = await submitForm(admin, '/staff/admin/authorities/new', {
      ...goodAuthority({ name: '', regionCode: '999999', phone: '电话', stages: [] }),
    })
    expect(res.status).toBe(303)
    const page = await admin.get(res.headers.location)
    expect(page.text).toContain('提交的信息有误')
    expect(page.text).toContain('请填写机构名称')
    expect(page.text).toContain('没有这个行政区划代码')
    expect(page.text).toContain('联系电话只能包含数字、减号和括号')
    expect(page.text).toContain('请选择注册的现任教学段')
    expect(page.text).toContain('href="#regionCode"')
    expect(page.text).toContain('青秀区民族大道1号')
    expect(page.text).toContain('请按学校通知提交材料。')
    expect(await t.db('authorities').count({ n: '*' }).first()).toEqual({ n: '0' })
  })

  it('creates an authority, defaulting the qualification types by level, and audits it', async () => {
    const res = await submitForm(admin, '/staff/admin/authorities/new', goodAuthority())
    expect(res.status).toBe(303)
    const row = await t.db('authorities').where({ name: '南宁市青秀区教育局' }).first()
    expect(row).toMatchObject({
      level: 'county',
      qualification_types: ['1', '2', '3'],
      stages: ['1', '2', '3'],
    })
    expect(res.headers.location).toBe(`/staff/admin/authorities/${row.id}`)
    const [entry] = await audits('bureau.authority.create')
    expect(entry.target_id).toBe(String(row.id))

    const city = await submitForm(
      admin,
      '/staff/admin/authorities/new',
      goodAuthority({
        name: '南宁市教育局',
        regionCode: NANNING.city,
        stages: ['4', '5'],
        postsCertificates: 'yes',
      }),
    )
    expect(city.status).toBe(303)
    expect(await t.db('authorities').where({ name: '南宁市教育局' }).first()).toMatchObject({
      level: 'city',
      qualification_types: ['4', '5', '6'],
      posts_certificates: true,
    })
    const dup = await submitForm(admin, '/staff/admin/authorities/new', goodAuthority())
    expect((await admin.get(dup.headers.location)).text).toContain('已有同名的机构')
  })

  it('disabling an authority hides it from the look-up; the change is audited', async () => {
    const id = await makeAuthority(t.db, { name: '将停用局' })
    await makeWindow(t.db, id, 'registration', '2026-09-01T00:00:00Z', '2026-11-01T00:00:00Z')
    await makePoint(t.db, id)
    const q = `province=${NANNING.province}&city=${NANNING.city}&stage=2`
    expect((await agent(t.app).get(`/registration/schedule?${q}`)).text).toContain('将停用局')
    const res = await submitForm(
      admin,
      `/staff/admin/authorities/${id}`,
      goodAuthority({ name: '将停用局', enabled: '' }),
    )
    expect(res.status).toBe(303)
    expect((await agent(t.app).get(`/registration/schedule?${q}`)).text).not.toContain('将停用局')
    const entries = await audits('bureau.authority.update')
    expect(entries.at(-1)).toMatchObject({ target_id: String(id), actor_kind: 'staff' })
    expect((await admin.get('/staff/admin/authorities/999999')).status).toBe(404)
  })
})

describe('confirmation points', () => {
  it('creates a point, checks its times, and covers schools picked from the directory', async () => {
    const id = await makeAuthority(t.db, { name: '确认点测试局' })
    const bad = await submitForm(admin, `/staff/admin/authorities/${id}/points/new`, {
      name: '青秀区教师发展中心',
      scope: '青秀区属小学',
      address: '教育路2号',
      confirmStart: '2026-11-10 09:00',
      confirmEnd: '2026-11-01 17:00',
      capacityPerDay: 'abc',
      enabled: 'yes',
    })
    const badPage = await admin.get(bad.headers.location)
    expect(badPage.text).toContain('现场确认结束时间应晚于开始时间')
    expect(badPage.text).toContain('每日确认人数上限必须是数字')
    expect(badPage.text).toContain('青秀区教师发展中心')

    const ok = await submitForm(admin, `/staff/admin/authorities/${id}/points/new`, {
      name: '青秀区教师发展中心',
      scope: '青秀区属小学',
      freeSchools: '某民办幼儿园\n某民办幼儿园\n另一所学校',
      address: '教育路2号',
      phone: '0771-5551111',
      confirmStart: '2026-11-01 09:00',
      confirmEnd: '2026-11-10 17:00',
      capacityPerDay: '200',
      enabled: 'yes',
    })
    expect(ok.status).toBe(303)
    const point = await t.db('confirmation_points').where({ authority_id: id }).first()
    expect(point).toMatchObject({ free_schools: ['某民办幼儿园', '另一所学校'], capacity_per_day: 200 })
    expect(point.confirm_start.toISOString()).toBe('2026-11-01T01:00:00.000Z')
    expect(ok.headers.location).toBe(`/staff/admin/points/${point.id}`)
    const page = await admin.get(ok.headers.location)
    expect(page.text).toContain('尚未分配现场确认人员')

    const school = await makeSchool(t.db, '南宁市青秀区凤翔路小学')
    const found = await admin.get(`/staff/admin/points/${point.id}?schoolQ=${encodeURIComponent('凤翔路')}`)
    expect(found.text).toContain('南宁市青秀区凤翔路小学')
    const add = await admin
      .post(`/staff/admin/points/${point.id}/schools`)
      .type('form')
      .send({ add: String(school), _csrf: csrfFrom(found.text) })
    expect(add.status).toBe(303)
    expect(await t.db('confirmation_point_schools').where({ point_id: point.id })).toHaveLength(1)
    const after = await admin.get(`/staff/admin/points/${point.id}`)
    expect(after.text).toContain('南宁市青秀区凤翔路小学')
    await admin
      .post(`/staff/admin/points/${point.id}/schools`)
      .type('form')
      .send({ remove: String(school), _csrf: csrfFrom(after.text) })
    expect(await t.db('confirmation_point_schools').where({ point_id: point.id })).toHaveLength(0)
    expect(await audits('bureau.point.create')).toHaveLength(1)
    expect(await audits('bureau.point.schools')).toHaveLength(2)
  })
})

describe('online windows', () => {
  it('prefills a new registration window with the instance’s half-year setting', async () => {
    const id = await makeAuthority(t.db, { name: '预填局' })
    const page = await admin.get(`/staff/admin/authorities/${id}/windows/new`)
    expect(page.text).toContain('value="2026-07-01 00:00"')
    expect(page.text).toContain('value="2027-01-01 00:00"')
    await t
      .db('settings')
      .insert({ key: 'registration_half', value: JSON.stringify('H1'), updated_at: new Date() })
    const h1 = await admin.get(`/staff/admin/authorities/${id}/windows/new`)
    // This year's first half is over by September, so the next one is offered.
    expect(h1.text).toContain('value="2027-01-01 00:00"')
    expect(h1.text).toContain('value="2027-07-01 00:00"')
    await t.db('settings').where({ key: 'registration_half' }).delete()
  })

  it('refuses overlapping windows of one authority and business, allows back-to-back ones and other businesses', async () => {
    const id = await makeAuthority(t.db, { name: '窗口局' })
    const url = `/staff/admin/authorities/${id}/windows/new`
    const first = await submitForm(admin, url, {
      business: 'registration',
      start: '2026-09-01 00:00',
      end: '2026-11-01 00:00',
    })
    expect(first.headers.location).toBe(`/staff/admin/authorities/${id}`)
    const overlap = await submitForm(admin, url, {
      business: 'registration',
      start: '2026-10-31 23:00',
      end: '2026-12-01 00:00',
    })
    const page = await admin.get(overlap.headers.location)
    expect(page.text).toContain('与该机构同一业务已有的网报时间段重叠')
    expect(page.text).toContain('value="2026-10-31 23:00"')
    const adjacent = await submitForm(admin, url, {
      business: 'registration',
      start: '2026-11-01 00:00',
      end: '2026-12-01 00:00',
    })
    expect(adjacent.headers.location).toBe(`/staff/admin/authorities/${id}`)
    const other = await submitForm(admin, url, {
      business: 'certification',
      start: '2026-09-15 00:00',
      end: '2026-10-15 00:00',
    })
    expect(other.headers.location).toBe(`/staff/admin/authorities/${id}`)
    expect(await t.db('online_windows').where({ authority_id: id })).toHaveLength(3)

    const backwards = await submitForm(admin, url, {
      business: 'certification',
      start: '2027-01-02',
      end: '2027-01-01',
    })
    expect((await admin.get(backwards.headers.location)).text).toContain('网报结束时间应晚于开始时间')
    const garbage = await submitForm(admin, url, {
      business: 'certification',
      start: '2027-02-30 09:00',
      end: '明天',
    })
    const garbagePage = await admin.get(garbage.headers.location)
    expect(garbagePage.text).toContain('格式应为“年-月-日 时:分”')

    // Moving a window onto another is refused too; deleting is audited.
    const [w1, w2] = await t
      .db('online_windows')
      .where({ authority_id: id, business: 'registration' })
      .orderBy('starts_at')
    const move = await submitForm(admin, `/staff/admin/windows/${w2.id}`, {
      start: '2026-10-01 00:00',
      end: '2026-12-01 00:00',
    })
    expect((await admin.get(move.headers.location)).text).toContain('重叠')
    const edit = await admin.get(`/staff/admin/windows/${w1.id}`)
    await admin
      .post(`/staff/admin/windows/${w1.id}/delete`)
      .type('form')
      .send({ _csrf: csrfFrom(edit.text) })
    expect(await t.db('online_windows').where({ id: w1.id }).first()).toBeUndefined()
    expect(await audits('bureau.window.create')).toHaveLength(3)
    expect(await audits('bureau.window.delete')).toHaveLength(1)
  })

  it('lets the database refuse two overlapping windows saved at the same moment', async () => {
    const id = await makeAuthority(t.db, { name: '并发局' })
    const url = `/staff/admin/authorities/${id}/windows/new`
    const pages = await Promise.all([admin.get(url), admin.get(url), admin.get(url)])
    await Promise.all(
      pages.map((p, i) =>
        admin
          .post(url)
          .type('form')
          .send({
            business: 'registration',
            start: `2026-09-0${i + 1} 00:00`,
            end: '2026-10-01 00:00',
            _csrf: csrfFrom(p.text),
          }),
      ),
    )
    expect(await t.db('online_windows').where({ authority_id: id })).toHaveLength(1)
  })
})
