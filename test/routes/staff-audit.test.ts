import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import type { Agent } from '../helpers/http'
import { loginStaff } from './staffSupport'

type Seed = {
  at: string
  kind: string
  label?: string
  action: string
  target?: string
  ip?: string
  detail?: object
}

describe('audit log search (审计日志)', () => {
  let t: TestApp
  let a: Agent
  let adminName: string

  const insert = (rows: Seed[]) =>
    t.db('audit_log').insert(
      rows.map((r) => ({
        at: new Date(r.at),
        actor_kind: r.kind,
        actor_label: r.label ?? null,
        action: r.action,
        target_type: r.target ? 'applicant' : null,
        target_id: r.target ?? null,
        ip: r.ip ?? null,
        detail: JSON.stringify(r.detail ?? {}),
      })),
    )

  beforeAll(async () => {
    t = await appWithAllRoutes()
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    adminName = admin.username
    a = await loginStaff(t, admin.username, admin.password)
    await insert([
      // 23:30 on 10 August in Shanghai, though still 10 August in UTC too
      {
        at: '2026-08-10T15:30:00Z',
        kind: 'applicant',
        label: '110101199001010011',
        action: 'applicant.login',
        ip: '10.0.0.5',
      },
      // 00:30 on 11 August in Shanghai, 10 August in UTC
      {
        at: '2026-08-10T16:30:00Z',
        kind: 'staff',
        label: 'zhangsan',
        action: 'staff.login',
        ip: '192.168.1.20',
      },
      {
        at: '2026-08-12T03:00:00Z',
        kind: 'staff',
        label: 'zhangsan',
        action: 'identity.review_decide',
        target: '4711',
        ip: '192.168.1.20',
        detail: { decision: 'rejected', reason: '照片不清晰' },
      },
      {
        at: '2026-08-12T04:00:00Z',
        kind: 'anonymous',
        label: '=HYPERLINK("http://x")',
        action: 'applicant.login_failed',
        ip: '10.9.9.9',
      },
    ])
    await insert(
      Array.from({ length: 120 }, (_, i) => ({
        at: new Date(Date.UTC(2026, 6, 1, 0, 0, i)).toISOString(),
        kind: 'system',
        label: `bulk${i}`,
        action: 'test.bulk',
      })),
    )
  })
  afterAll(() => t.close())

  const labels = (html: string) => [...html.matchAll(/<td>[^<]*<br>([^<]+)<\/td>/g)].map((m) => m[1])

  it('filters by Asia/Shanghai dates, not UTC ones', async () => {
    const page = await a.get('/staff/audit?from=2026-08-10&to=2026-08-10')
    expect(page.status).toBe(200)
    expect(page.text).toContain('110101199001010011')
    expect(page.text).not.toContain('zhangsan')
    expect(page.text).toContain('共 1 条')

    const eleventh = await a.get('/staff/audit?from=2026-08-11&to=2026-08-11')
    expect(eleventh.text).toContain('zhangsan')
    expect(eleventh.text).toContain('工作人员登录')
  })

  it('filters by actor kind, action, free text on actor or target, and IP prefix', async () => {
    const staffOnly = await a.get('/staff/audit?actorKind=staff&from=2026-08-01&to=2026-08-31')
    expect(staffOnly.text).toContain('共 2 条')

    const byAction = await a.get('/staff/audit?action=identity.review_decide')
    expect(byAction.text).toContain('共 1 条')
    expect(byAction.text).toContain('人工审核处理')
    expect(byAction.text).toContain('照片不清晰')

    const byTarget = await a.get('/staff/audit?q=4711')
    expect(byTarget.text).toContain('共 1 条')
    const byActor = await a.get('/staff/audit?q=ZHANGSAN')
    expect(byActor.text).toContain('共 2 条')

    const byIp = await a.get('/staff/audit?ip=192.168.')
    expect(byIp.text).toContain('共 2 条')
    const wildcard = await a.get('/staff/audit?q=%25')
    expect(wildcard.text).toContain('共 0 条')
  })

  it('offers every recorded action in the select, labelled in Chinese where known', async () => {
    const page = await a.get('/staff/audit')
    expect(page.text).toContain('<option value="test.bulk">test.bulk</option>')
    expect(page.text).toMatch(/<option value="staff.login">工作人员登录（staff.login）<\/option>/)
  })

  it('pages 50 at a time with 上一页 and 下一页 links that keep the filter', async () => {
    const first = await a.get('/staff/audit?action=test.bulk')
    expect(first.text).toContain('共 120 条，第 1 / 3 页')
    expect(labels(first.text)).toHaveLength(50)
    expect(labels(first.text)[0]).toBe('bulk119')
    expect(first.text).not.toContain('上一页')
    expect(first.text).toContain('href="/staff/audit?action=test.bulk&amp;page=2"')

    const third = await a.get('/staff/audit?action=test.bulk&page=3')
    expect(labels(third.text)).toHaveLength(20)
    expect(labels(third.text)[19]).toBe('bulk0')
    expect(third.text).toContain('href="/staff/audit?action=test.bulk&amp;page=2"')
    expect(third.text).not.toContain('下一页')
  })

  it('shows a bad date beside its field instead of searching', async () => {
    const page = await a.get('/staff/audit?from=2026-02-30&to=2026-08-01')
    expect(page.status).toBe(200)
    expect(page.text).toContain('href="#from"')
    expect(page.text).not.toContain('共 ')
    const reversed = await a.get('/staff/audit?from=2026-08-02&to=2026-08-01')
    expect(reversed.text).toContain('结束日期不能早于开始日期')
  })

  it('exports the current filter as UTF-8 CSV with a BOM, defusing formulas, and audits the export', async () => {
    const res = await a
      .get('/staff/audit/export?from=2026-08-10&to=2026-08-12')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = []
        r.on('data', (c: Buffer) => chunks.push(c))
        r.on('end', () => cb(null, Buffer.concat(chunks)))
      })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/)
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-\d{8}\.csv"/)
    const body = res.body as Buffer
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = body.toString('utf8').slice(1).trim().split('\r\n')
    expect(lines[0]).toBe('时间,操作者类型,操作者,操作者编号,操作,操作代码,对象类型,对象,IP地址,详情')
    expect(lines).toHaveLength(5)
    expect(lines[1]).toContain('applicant.login_failed')
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"")"`)
    expect(lines[4]).toMatch(/^2026-08-10 23:30(:00)?,申请人,110101199001010011,/)
    const entry = await t.db('audit_log').where({ action: 'audit.export' }).first()
    expect(entry).toMatchObject({ actor_label: adminName })
    expect(entry.detail).toMatchObject({ rows: 4, filter: { from: '2026-08-10', to: '2026-08-12' } })
  })
})
