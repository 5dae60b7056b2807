import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { TEST_PASSWORD, createApplicant, createStaff } from '../helpers/factories'
import { agent, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { loginStaff, postFrom } from './staffSupport'

// Issue 13, the closing pass's rows 4, 10 and 14: the manuals' 咨询服务 page (001 §4), the 实名注册 hint
// of 000 §2.1.1 and the 个人信息中心 note of 001 §2.

let t: TestApp
beforeAll(async () => {
  t = await appWithAllRoutes()
  const now = new Date('2026-09-01T00:00:00Z')
  await t.db('authorities').insert([
    {
      name: '江门市台山市教育局',
      region_code: '440781',
      level: 'county',
      phone: '0750-5522000',
      address: '台山市台城环北大道',
      registers: true,
      stages: ['1', '2', '3'],
      created_at: now,
      updated_at: now,
    },
    {
      name: '江门市教育局',
      region_code: '440700',
      level: 'city',
      phone: '0750-3500000',
      address: '江门市蓬江区',
      certifies: true,
      qualification_types: ['4', '5', '6'],
      created_at: now,
      updated_at: now,
    },
    {
      name: '已停用的教育局',
      region_code: '440700',
      level: 'county',
      phone: '0750-0000000',
      registers: true,
      enabled: false,
      created_at: now,
      updated_at: now,
    },
  ])
})
afterAll(() => t.close())

const squash = (html: string) => html.replace(/\s+/g, ' ')

async function admin(): Promise<Agent> {
  const s = await createStaff(t.db, [{ role: 'admin', scope_type: 'instance', scope_id: null }])
  return loginStaff(t, s.username, TEST_PASSWORD)
}

const SETTINGS = '/staff/admin/settings'
/** 系统设置's form as the administrator finds it, with `over` changed. */
async function saveSettings(s: Agent, over: Record<string, string>) {
  const page = (await s.get(SETTINGS)).text
  const fields: Record<string, string> = {}
  for (const [tag] of page.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(tag)?.[1]
    const value = /value="([^"]*)"/.exec(tag)?.[1]
    if (name && value !== undefined && (!tag.includes('type="radio"') || /\schecked\b/.test(tag)))
      fields[name] = unescape(value)
  }
  for (const m of page.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields[m[1]] = unescape(m[2].replace(/^\n/, ''))
  delete fields._csrf
  const res = await postFrom(s, SETTINGS, SETTINGS, { ...fields, ...over })
  expect(res.status).toBe(303)
  expect(res.headers.location).toBe(SETTINGS)
}
const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

describe('咨询服务 (manual 001 §4)', () => {
  it('/consultation is manual 001 §4’s 咨询服务: 常见问题, 邮件咨询 with the subject rule, 电话咨询, each authority’s contacts and 操作手册', async () => {
    const s = await admin()
    await saveSettings(s, {
      bureauName: '江门市台山市教育局',
      contactEmail: 'jszg@taishan.example.cn',
      contactPhone: '0750-5550000',
      contactHours: '工作日 8:30—12:00，14:30—17:30',
    })
    const page = await agent(t.app).get('/consultation')
    expect(page.status).toBe(200)
    const html = squash(page.text)
    expect(html).toContain('<h1>咨询服务</h1>')
    // the manual's five tabs, in its order
    const tabs = [...html.matchAll(/<a href="(#[a-z-]+)">([^<]+)<\/a>/g)].map((m) => m[2])
    expect(tabs).toEqual(['常见问题', '邮件咨询', '电话咨询', '各省份认定工作联系方式', '操作手册'])
    expect(html).toContain('<a href="/help">')
    // 邮件咨询: the bureau's address and the manual's format, verbatim
    expect(html).toContain('<a href="mailto:jszg@taishan.example.cn">jszg@taishan.example.cn</a>')
    expect(html).toContain('为及时有效地解决您的问题，请按以下格式发送邮件：')
    expect(html).toContain('邮件主题：真实姓名+问题关键词')
    expect(html).toContain(
      '邮件正文：详细、准确地描述问题，并提供证件号码、联系电话。必要时将问题截图作为附件。',
    )
    expect(html).not.toContain('jszgwb@163.com')
    // 电话咨询: the bureau's number and hours
    expect(html).toMatch(/<dt>联系电话<\/dt> ?<dd>0750-5550000<\/dd>/)
    expect(html).toMatch(/<dt>接听时间<\/dt> ?<dd>工作日 8:30—12:00，14:30—17:30<\/dd>/)
    // 各省份认定工作联系方式: the enabled authorities, with what they do, their telephone and address
    expect(html).toMatch(
      /<td>江门市台山市教育局<\/td> ?<td>定期注册<\/td> ?<td>0750-5522000<\/td> ?<td>台山市台城环北大道<\/td>/,
    )
    expect(html).toMatch(/<td>江门市教育局<\/td> ?<td>教师资格认定<\/td> ?<td>0750-3500000<\/td>/)
    expect(html).not.toContain('已停用的教育局')
    // 操作手册: the two manuals by name, and the 申请人必读 pages
    expect(html).toContain('《教师资格认定申请人使用手册》')
    expect(html).toContain('《教师资格定期注册申请人使用手册》')
    expect(html).toContain('<a href="/certification/notice">')
  })

  it('is linked from every page’s header and footer, as the national site’s navigation and foot carry it', async () => {
    const who = await createApplicant(t.db, { name: '薛明' })
    const a = agent(t.app)
    await loginAs(a, who)
    for (const page of [(await agent(t.app).get('/login')).text, (await a.get('/platform')).text]) {
      expect(page).toMatch(
        /<nav aria-label="主导航"[\s\S]*?<a href="\/consultation"[^>]*>咨询服务<\/a>[\s\S]*?<\/nav>/,
      )
      expect(page).toMatch(/<footer[\s\S]*<a href="\/consultation">咨询服务<\/a>[\s\S]*<\/footer>/)
    }
  })

  it('says what to do when the bureau has set no e-mail or telephone, instead of an empty line', async () => {
    const s = await admin()
    await saveSettings(s, {
      bureauName: '江门市台山市教育局',
      contactEmail: '',
      contactPhone: '',
      contactHours: '',
    })
    const html = squash((await agent(t.app).get('/consultation')).text)
    expect(html).not.toContain('mailto:')
    expect(html).toContain('本教育局暂未公布咨询邮箱，请按“电话咨询”或各认定机构的联系方式咨询。')
    expect(html).toContain('本教育局暂未公布咨询电话，请按“邮件咨询”或各认定机构的联系方式咨询。')
  })

  it('shows the administrator’s own 咨询服务 texts once 系统设置 changes them, and the manual’s again once cleared', async () => {
    const s = await admin()
    const own = '邮件主题请写：姓名+业务+问题'
    await saveSettings(s, {
      consultationEmail: own,
      consultationManuals: '本局编写的《网上申报操作指南》请到大厅领取。',
    })
    let html = squash((await agent(t.app).get('/consultation')).text)
    expect(html).toContain(`<p>${own}</p>`)
    expect(html).not.toContain('邮件主题：真实姓名+问题关键词')
    expect(html).toContain('<p>本局编写的《网上申报操作指南》请到大厅领取。</p>')
    expect((await s.get(SETTINGS)).text).toContain(own)
    await saveSettings(s, { consultationEmail: '', consultationManuals: '' })
    html = squash((await agent(t.app).get('/consultation')).text)
    expect(html).toContain('邮件主题：真实姓名+问题关键词')
    expect(await t.db('settings').where({ key: 'consultation_email' }).first('value')).toEqual({ value: '' })
  })
})

describe('实名注册 (manual 000 §2.1.1)', () => {
  it('asks 「（请每一项都要手动输入）」 right under its heading', async () => {
    const html = squash((await agent(t.app).get('/register')).text)
    expect(html).toMatch(/<h1>实名注册<\/h1> ?<p[^>]*>（请每一项都要手动输入）<\/p>/)
  })
})

describe('个人信息中心 (manual 001 §2)', () => {
  it('tells a teacher who only registers that 定期注册 needs no verified 学历 or 普通话', async () => {
    const who = await createApplicant(t.db, { name: '薛明' })
    const a = agent(t.app)
    await loginAs(a, who)
    const html = squash((await a.get('/info')).text)
    expect(html).toContain('注意：定期注册业务办理无需核验学历、普通话等信息。')
    // beside the modules a registration-only teacher may skip, not hidden in the identity section
    expect(html.indexOf('注意：定期注册业务办理无需核验学历、普通话等信息。')).toBeGreaterThan(
      html.indexOf('<h2>其他信息</h2>'),
    )
  })
})
