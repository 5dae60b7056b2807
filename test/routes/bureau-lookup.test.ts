import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent } from '../helpers/http'
import { NANNING, makeAuthority, makePoint, makeSchool, makeWindow } from '../helpers/bureauFactories'
import {
  openAuthorities,
  pointsFor,
  suggestPoint,
  windowFor,
  isWindowOpen,
} from '../../src/modules/bureau/service'

const NO_PLAN = '该机构未设置网报计划，请联系所选的教育局。'
const NO_POINT = '该机构未设置确认点，请联系所选的教育局。'
const CLOSED = '当前时间不在该机构的网报时间段内'

// Registration window 2026-09-01 00:00 to 2026-11-01 00:00 Shanghai time.
const START = '2026-08-31T16:00:00Z'
const END = '2026-10-31T16:00:00Z'

let t: TestApp
beforeAll(async () => {
  t = await appWithAllRoutes()
})
afterAll(() => t.close())
beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

const schedule = (q: Record<string, string>, business = 'registration') =>
  agent(t.app).get(`/${business}/schedule?${new URLSearchParams(q)}`)
const chosen = (authority: number, extra: Record<string, string> = {}) => ({
  province: NANNING.province,
  city: NANNING.city,
  stage: '2',
  authority: String(authority),
  ...extra,
})

describe('网报时间查询 (no login, no JavaScript)', () => {
  it('fills each list in turn from plain GET form submissions', async () => {
    const id = await makeAuthority(t.db, { name: '级联测试教育局', stages: ['4'] })
    const first = await schedule({})
    expect(first.status).toBe(200)
    expect(first.text).toContain('教师资格定期注册申请网报时间查询')
    expect(first.text).toContain('广西壮族自治区')
    expect(first.text).not.toContain('name="city"')

    const second = await schedule({ province: NANNING.province })
    expect(second.text).toContain('name="city"')
    expect(second.text).toContain('南宁市')
    expect(second.text).toContain('name="stage"')
    expect(second.text).not.toContain('name="authority"')

    const third = await schedule({ province: NANNING.province, city: NANNING.city, stage: '4' })
    expect(third.text).toContain('name="authority"')
    expect(third.text).toContain('级联测试教育局')
    expect(third.text).toMatch(new RegExp(`value="${id}" selected`)) // a sole authority is preselected

    // A city of another province is dropped rather than trusted.
    const wrong = await schedule({ province: '110000', city: NANNING.city, stage: '4' })
    expect(wrong.text).not.toContain('级联测试教育局')
  })

  it('says exactly "该机构未设置网报计划，请联系所选的教育局。" when the authority has no window', async () => {
    const id = await makeAuthority(t.db)
    await makePoint(t.db, id)
    const page = await schedule(chosen(id))
    expect(page.text).toContain(NO_PLAN)
    expect(page.text).not.toContain(CLOSED)
    expect(page.text).not.toContain('网报开始时间')
  })

  it('says exactly "该机构未设置确认点，请联系所选的教育局。" when the window exists but no point is offered', async () => {
    const id = await makeAuthority(t.db)
    await makeWindow(t.db, id, 'registration', START, END)
    await makePoint(t.db, id, { staffed: false, name: '无人确认点' })
    await makePoint(t.db, id, { enabled: false, name: '停用确认点' })
    const page = await schedule(chosen(id))
    expect(page.text).toContain(NO_POINT)
    expect(page.text).not.toContain(NO_PLAN)
    expect(page.text).not.toContain('无人确认点')
    expect(page.text).not.toContain('停用确认点')
    expect(page.text).not.toContain('定期注册报名')
  })

  it('shows the window and the points, and 报名 carries the choices, while the window is open', async () => {
    const id = await makeAuthority(t.db)
    await makeWindow(t.db, id, 'registration', START, END)
    await makePoint(t.db, id, { name: '青秀区教师发展中心', scope: '青秀区属小学' })
    const page = await schedule(chosen(id))
    expect(page.text).toContain('2026-09-01 00:00')
    expect(page.text).toContain('2026-11-01 00:00')
    expect(page.text).toContain('青秀区教师发展中心')
    expect(page.text).toContain('青秀区属小学')
    for (const msg of [NO_PLAN, NO_POINT, CLOSED]) expect(page.text).not.toContain(msg)
    expect(page.text).toContain(
      `/registration/start?province=450000&amp;city=450100&amp;stage=2&amp;authority=${id}`,
    )
  })

  it('opens at the start instant (inclusive) and closes at the end instant (exclusive)', async () => {
    const id = await makeAuthority(t.db)
    await makeWindow(t.db, id, 'registration', START, END)
    await makePoint(t.db, id)
    const at = async (instant: string) => {
      t.clock.set(instant)
      return (await schedule(chosen(id))).text
    }
    expect(await at('2026-08-31T15:59:59.999Z')).toContain(CLOSED)
    expect(await at(START)).not.toContain(CLOSED)
    expect(await at('2026-10-31T15:59:59.999Z')).not.toContain(CLOSED)
    const after = await at(END)
    expect(after).toContain(CLOSED)
    // The closed window's dates are still shown, as the manual's page does.
    expect(after).toContain('2026-09-01 00:00')
  })

  it('certification has the same look-up by 资格种类, with its own authorities and windows', async () => {
    const city = await makeAuthority(t.db, {
      name: '南宁市教育局（认定）',
      region_code: NANNING.city,
      level: 'city',
      registers: false,
      stages: [],
      qualification_types: ['4', '5', '6'],
    })
    await makeWindow(t.db, city, 'certification', START, END)
    await makePoint(t.db, city, { name: '南宁市政务服务中心' })
    const page = await schedule(
      { province: NANNING.province, city: NANNING.city, type: '4', authority: String(city) },
      'certification',
    )
    expect(page.status).toBe(200)
    expect(page.text).toContain('教师资格认定网报时间查询')
    expect(page.text).toContain('认定机构')
    expect(page.text).toContain('南宁市政务服务中心')
    expect(page.text).not.toContain(CLOSED)
    // A registration-only window does not open certification.
    const reg = await makeAuthority(t.db, { name: '只注册局', certifies: true, qualification_types: ['4'] })
    await makeWindow(t.db, reg, 'registration', START, END)
    await makePoint(t.db, reg)
    const other = await schedule(
      { province: NANNING.province, city: NANNING.city, type: '4', authority: String(reg) },
      'certification',
    )
    expect(other.text).toContain(NO_PLAN)
  })
})

describe('确认点查询', () => {
  it('lists nothing until asked, finds by name or school, and 列出全部 lists every offered point', async () => {
    const id = await makeAuthority(t.db)
    const schoolId = await makeSchool(t.db, '南宁市青秀区滨湖路小学')
    await makePoint(t.db, id, { name: '滨湖确认点', scope: '滨湖片区', schoolIds: [schoolId] })
    await makePoint(t.db, id, { name: '无人值守确认点', staffed: false })
    const empty = await agent(t.app).get('/registration/points')
    expect(empty.status).toBe(200)
    expect(empty.text).toContain('列出全部')
    expect(empty.text).not.toContain('滨湖确认点')
    const bySchool = await agent(t.app).get(`/registration/points?q=${encodeURIComponent('滨湖路小学')}`)
    expect(bySchool.text).toContain('滨湖确认点')
    const none = await agent(t.app).get(`/registration/points?q=${encodeURIComponent('不存在的名字')}`)
    expect(none.text).toContain('没有找到符合条件的确认点')
    const all = await agent(t.app).get('/registration/points?all=1')
    expect(all.text).toContain('滨湖确认点')
    expect(all.text).toContain('现场确认时间')
    expect(all.text).not.toContain('无人值守确认点')
  })
})

describe('the service API the wizards use', () => {
  it('openAuthorities filters by business, stage or type, region and an open window', async () => {
    const county = await makeAuthority(t.db, { name: '开放县局', stages: ['5'], qualification_types: ['7'] })
    const closed = await makeAuthority(t.db, { name: '关闭县局', stages: ['5'] })
    const otherCity = await makeAuthority(t.db, { name: '柳州局', region_code: '450202', stages: ['5'] })
    await makeWindow(t.db, county, 'registration', START, END)
    await makeWindow(t.db, closed, 'registration', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')
    await makeWindow(t.db, otherCity, 'registration', START, END)
    const at = new Date('2026-09-15T02:00:00Z')
    const names = async (q: Parameters<typeof openAuthorities>[1]) =>
      (await openAuthorities(t.db, q)).map((a) => a.name)
    expect(await names({ business: 'registration', cityCode: NANNING.city, stage: '5', at })).toEqual([
      '开放县局',
    ])
    expect(await names({ business: 'registration', provinceCode: NANNING.province, stage: '5', at })).toEqual(
      expect.arrayContaining(['开放县局', '柳州局']),
    )
    expect(await names({ business: 'registration', cityCode: NANNING.city, stage: '4', at })).not.toContain(
      '开放县局',
    )
    expect(
      await names({ business: 'certification', cityCode: NANNING.city, qualificationType: '7', at }),
    ).not.toContain('开放县局')
    await makeWindow(t.db, county, 'certification', START, END)
    expect(
      await names({ business: 'certification', cityCode: NANNING.city, qualificationType: '7', at }),
    ).toContain('开放县局')
    await t.db('authorities').where({ id: county }).update({ enabled: false })
    expect(await names({ business: 'registration', cityCode: NANNING.city, stage: '5', at })).toEqual([])
  })

  it('pointsFor offers only enabled, staffed points whose confirmation has not ended; suggestPoint follows the school', async () => {
    const id = await makeAuthority(t.db)
    const school = await makeSchool(t.db, '南宁市青秀区建政路小学')
    const staffed = await makePoint(t.db, id, { name: '建政确认点', schoolIds: [school] })
    const typed = await makePoint(t.db, id, {
      name: '民办确认点',
      free_schools: ['南宁市青秀区某民办幼儿园'],
    })
    await makePoint(t.db, id, { name: '无人确认点2', staffed: false, free_schools: ['无人学校'] })
    const ended = await makePoint(t.db, id, {
      name: '已结束确认点',
      confirm_start: new Date('2026-08-01T01:00:00Z'),
      confirm_end: new Date('2026-09-01T09:00:00Z'),
    })
    const at = new Date('2026-09-15T02:00:00Z')
    const ids = (await pointsFor(t.db, id, { at })).map((p) => p.id)
    expect(ids).toEqual(expect.arrayContaining([staffed, typed]))
    expect(ids).not.toContain(ended)
    expect(ids).toHaveLength(2)
    expect((await suggestPoint(t.db, id, '南宁市青秀区建政路小学', { at }))?.id).toBe(staffed)
    expect((await suggestPoint(t.db, id, ' 南宁市青秀区某民办幼儿园 ', { at }))?.id).toBe(typed)
    expect(await suggestPoint(t.db, id, '无人学校', { at })).toBeUndefined()
    expect(await suggestPoint(t.db, id, '别的学校', { at })).toBeUndefined()

    // A clerk deactivated: the point is no longer offered.
    const clerk = await t
      .db('staff_roles')
      .where({ scope_type: 'point', scope_id: staffed })
      .first('staff_id')
    await t.db('staff_users').where({ id: clerk.staff_id }).update({ active: false })
    expect((await pointsFor(t.db, id, { at })).map((p) => p.id)).not.toContain(staffed)
  })

  it('windowFor picks the open window, else the next, else the last; isWindowOpen re-checks it', async () => {
    const id = await makeAuthority(t.db)
    expect(await windowFor(t.db, id, 'registration', new Date())).toBeUndefined()
    await makeWindow(t.db, id, 'registration', '2025-09-01T00:00:00Z', '2025-11-01T00:00:00Z')
    await makeWindow(t.db, id, 'registration', '2026-09-01T00:00:00Z', '2026-11-01T00:00:00Z')
    await makeWindow(t.db, id, 'registration', '2027-09-01T00:00:00Z', '2027-11-01T00:00:00Z')
    const w = (at: string) => windowFor(t.db, id, 'registration', new Date(at))
    expect((await w('2026-10-01T00:00:00Z'))?.start.toISOString()).toBe('2026-09-01T00:00:00.000Z')
    expect((await w('2026-12-01T00:00:00Z'))?.start.toISOString()).toBe('2027-09-01T00:00:00.000Z')
    expect((await w('2028-01-01T00:00:00Z'))?.start.toISOString()).toBe('2027-09-01T00:00:00.000Z')
    expect(isWindowOpen(await w('2026-10-01T00:00:00Z'), new Date('2026-10-01T00:00:00Z'))).toBe(true)
    expect(isWindowOpen(await w('2026-12-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'))).toBe(false)
  })

  it('the registration wizard’s port reads the same tables on the app’s clock', async () => {
    const id = await makeAuthority(t.db, {
      name: '端口测试局',
      reminder: '请带齐材料。',
      form_download_end: '2026-12-31',
    })
    await makeWindow(t.db, id, 'registration', START, END)
    const p = await makePoint(t.db, id, { free_schools: ['端口小学'] })
    const info = await t.services.bureau.registration.authority(t.db, id)
    expect(info).toMatchObject({
      name: '端口测试局',
      reminder: '请带齐材料。',
      formDownloadEnd: '2026-12-31',
    })
    expect((await t.services.bureau.registration.pointsFor(t.db, id)).map((x) => x.id)).toEqual([p])
    expect((await t.services.bureau.registration.suggestPoint(t.db, id, '端口小学'))?.id).toBe(p)
    t.clock.set(END)
    const w = await t.services.bureau.registration.windowFor(t.db, id)
    expect(w?.end.toISOString()).toBe(new Date(END).toISOString())
    const open = await t.services.bureau.registration.openAuthorities(t.db, {
      cityCode: NANNING.city,
      stage: '2',
      now: t.clock.now(),
    })
    expect(open.map((a) => a.id)).not.toContain(id)
  })
})
