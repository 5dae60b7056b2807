import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { agent } from '../helpers/http'
import { staffLoginAs } from '../helpers/login'
import { arrangeDay } from './dashboardSupport'

/** The rows of the table whose caption contains `title` (header row left out), as the text of each cell. */
function tableRows(html: string, title: string): string[][] {
  const body = html
    .split('<table')
    .map((t) => t.slice(0, t.indexOf('</table>')))
    .find((t) => /<caption[^>]*>([^<]*)</.exec(t)?.[1].includes(title))
  if (!body) throw new Error(`no table "${title}"`)
  return [...body.matchAll(/<tr>([^]*?)<\/tr>/g)]
    .map((row) =>
      [...row[1].matchAll(/<t[hd][^>]*>([^]*?)<\/t[hd]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()),
    )
    .slice(1)
}

describe('运行概况 (/staff/dashboard)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(() => t.close())

  it('shows the administrator this year’s applications by authority and status, today’s, and every queue’s longest wait', async () => {
    const { authorityName } = await arrangeDay(t)

    const admin = await createStaff(t.db, [{ role: 'admin', scope_type: 'instance' }])
    const a = agent(t.app)
    await staffLoginAs(a, admin)
    const home = await a.get('/staff')
    expect(home.text).toContain('href="/staff/dashboard"')
    const page = await a.get('/staff/dashboard')
    expect(page.status).toBe(200)
    expect(page.text).toContain('截至 2026-09-15 10:00')

    //            机构,  网报待确认, 待注册审批, 确认未通过, 选错注册机构, 不属于注册对象, 注册合格, 暂缓注册, 注册不合格, 合计, 今日
    expect(tableRows(page.text, '定期注册2026年度')).toEqual([
      ['江门市台山市教育局', '2', '1', '0', '0', '0', '0', '0', '0', '3', '1'],
      ['江门市开平市教育局', '0', '0', '0', '0', '0', '1', '0', '0', '1', '0'],
      ['合计', '2', '1', '0', '0', '0', '1', '0', '0', '4', '1'],
    ])
    //            机构, 网报待确认, 待审核, 确认未通过, 认定通过, 认定不通过, 合计, 今日
    expect(tableRows(page.text, '教师资格认定2026年度')).toEqual([
      [authorityName, '1', '1', '0', '0', '0', '2', '1'],
      ['合计', '1', '1', '0', '0', '0', '2', '1'],
    ])
    expect(tableRows(page.text, '待处理事项')).toEqual([
      ['实名人工审核', '1', '2026-09-01 08:00', '14天2小时'],
      ['信息核验（手工录入的信息）', '1', '2026-09-14 10:00', '1天0小时'],
      ['定期注册：待现场确认', '2', '2026-09-12 10:00', '3天0小时'],
      ['定期注册：待注册审批', '1', '2026-09-13 10:00', '2天0小时'],
      ['教师资格认定：待现场确认', '1', '2026-09-15 08:30', '1小时'],
      ['教师资格认定：待审核', '1', '2026-09-10 10:00', '5天0小时'],
    ])
    expect(page.text).toContain('等待最久的一件：实名人工审核，自 2026-09-01 08:00 起已等待 14天2小时。')

    // The chart: an image with a title and a description saying the same numbers as the 合计 row.
    const chart = page.text.slice(page.text.indexOf('<svg'), page.text.indexOf('</svg>'))
    expect(chart).toContain('role="img"')
    expect(chart).toContain('<title id="registration-chart-title">定期注册2026年度各状态申请数</title>')
    expect(chart).toContain(
      '网报待确认 2 件，待注册审批 1 件，确认未通过 0 件，选错注册机构 0 件，不属于注册对象 0 件，注册合格 1 件，暂缓注册 0 件，注册不合格 0 件',
    )
    expect(page.text).not.toMatch(/<script/)
  })

  it('is the administrator’s only: other staff are refused, and the signed-out sent to sign in', async () => {
    const clerk = await createStaff(t.db, [{ role: 'identity_reviewer', scope_type: 'instance' }])
    const a = agent(t.app)
    await staffLoginAs(a, clerk)
    expect((await a.get('/staff/dashboard')).status).toBe(403)
    expect((await a.get('/staff')).text).not.toContain('/staff/dashboard')
    const anonymous = await agent(t.app).get('/staff/dashboard')
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.location).toBe('/staff/login')
  })
})
