import ExcelJS from 'exceljs'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { csrfFrom } from '../helpers/http'
import { fakeBureau, swappable } from '../helpers/registrationFactories'
import {
  applicantWithRegistration,
  bureauRows,
  postFrom,
  scopedStaff,
  signedIn,
  twoAuthorities,
} from './registrationRecordsSupport'
import { createStaff } from '../helpers/factories'
import { agent } from '../helpers/http'
import { staffLoginAs } from '../helpers/login'
import { CONFIRMATION_MESSAGES } from '../../src/domain/confirmation'

const STAFF = '/staff/registrations'
let t: TestApp
const bureau = swappable(fakeBureau([]))

beforeAll(async () => {
  t = await appWithAllRoutes({ bureau: { registration: bureau.port } })
  await bureauRows(t, twoAuthorities())
})
afterAll(async () => {
  await t.close()
})
beforeEach(() => {
  bureau.use(fakeBureau(twoAuthorities()))
  t.clock.set('2026-09-15T02:00:00Z')
})

const statusOf = async (id: number) => (await t.db('registrations').where({ id }).first()).status
const versionOf = async (id: number) => (await t.db('registrations').where({ id }).first()).version

/** Posts a decision from the detail page (its CSRF token, the version it shows). */
async function decide(
  who: { a: import('../helpers/http').Agent },
  id: number,
  name: string,
  extra: Record<string, string | string[]> = {},
) {
  const res = await postFrom(who.a, `${STAFF}/${id}`, `${STAFF}/${id}/transition`, {
    name,
    version: String(await versionOf(id)),
    ...extra,
  })
  const page = res.status === 303 ? await who.a.get(res.headers.location) : res
  return { res, page }
}

describe('queues', () => {
  it('shows a point’s clerk only the applications of their point, with filters', async () => {
    const mine = await applicantWithRegistration(t, { pointId: 32, name: '王小明' })
    const other = await applicantWithRegistration(t, { pointId: 31, name: '赵其他' })
    const kaiping = await applicantWithRegistration(t, { authorityId: 4, pointId: 41, name: '钱开平' })
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const page = await clerk.a.get(STAFF)
    expect(page.status).toBe(200)
    expect(page.text).toContain(mine.registration.number)
    expect(page.text).not.toContain(other.registration.number)
    expect(page.text).not.toContain(kaiping.registration.number)
    const byName = await clerk.a.get(`${STAFF}?q=${encodeURIComponent('王小明')}`)
    expect(byName.text).toContain(mine.registration.number)
    const byDoc = await clerk.a.get(`${STAFF}?q=${mine.applicant.doc_number}`)
    expect(byDoc.text).toContain(mine.registration.number)
    const byNumberElsewhere = await clerk.a.get(`${STAFF}?q=${other.registration.number}`)
    expect(byNumberElsewhere.text).toContain('没有符合条件的申请')
    const confirmedOnly = await clerk.a.get(`${STAFF}?status=confirmed`)
    expect(confirmedOnly.text).not.toContain(mine.registration.number)
    const laterDates = await clerk.a.get(`${STAFF}?status=&from=2026-09-13`)
    expect(laterDates.text).not.toContain(mine.registration.number)
    const inDates = await clerk.a.get(`${STAFF}?status=&from=2026-09-12&to=2026-09-12`)
    expect(inDates.text).toContain(mine.registration.number)
  })

  it('starts an approver on 待注册审批 of their authority, 50 to a page', async () => {
    const approver = await scopedStaff(t, 'registration_approver', 4)
    const rows = []
    for (let i = 0; i < 51; i++)
      rows.push(
        await applicantWithRegistration(t, {
          authorityId: 4,
          pointId: 41,
          status: 'confirmed',
          submittedAt: new Date(Date.UTC(2026, 8, 1, 0, i)),
        }),
      )
    const pending = await applicantWithRegistration(t, { authorityId: 4, pointId: 41 })
    const first = await approver.a.get(STAFF)
    expect(first.text).toContain('共 51 条，第 1 / 2 页')
    expect(first.text).toContain(rows[0].registration.number)
    expect(first.text).not.toContain(rows[50].registration.number)
    expect(first.text).not.toContain(pending.registration.number)
    const second = await approver.a.get(`${STAFF}?status=confirmed&page=2`)
    expect(second.text).toContain(rows[50].registration.number)
  })
})

describe('decisions', () => {
  it('confirms at the point; the approver may not confirm', async () => {
    const { registration } = await applicantWithRegistration(t)
    const approver = await scopedStaff(t, 'registration_approver', 3)
    const refused = await decide(approver, registration.id, 'confirm')
    expect(refused.page.text).toContain('当前注册结论下不能进行该操作')
    expect(await statusOf(registration.id)).toBe('pending_confirmation')
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const ok = await decide(clerk, registration.id, 'confirm')
    expect(ok.page.text).toContain('已处理：确认通过')
    expect(await statusOf(registration.id)).toBe('confirmed')
    const audit = await t
      .db('audit_log')
      .where({ action: 'registration.confirm', target_id: String(registration.id) })
    expect(audit).toHaveLength(1)
    expect(Number(audit[0].actor_id)).toBe(clerk.id)
  })

  it('确认未通过 offers the 注册材料 the 须知 named, or the list 系统设置 holds, so a clerk asks for nothing else', async () => {
    const { registration } = await applicantWithRegistration(t)
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const boxes = async () =>
      [
        ...(await clerk.a.get(`${STAFF}/${registration.id}`)).text.matchAll(
          /name="missing" value="([^"]+)"/g,
        ),
      ].map((m) => m[1])
    expect(await boxes()).toEqual([
      '《教师资格定期注册申请表》一式2份',
      '《教师资格证书》',
      '中小学或主管部门聘用合同',
    ])
    await t.db('settings').insert({
      key: 'registration_materials',
      value: JSON.stringify('《教师资格定期注册申请表》一式2份\n年度考核结果证明'),
      updated_at: new Date(),
    })
    try {
      expect(await boxes()).toEqual(['《教师资格定期注册申请表》一式2份', '年度考核结果证明'])
    } finally {
      await t.db('settings').where({ key: 'registration_materials' }).del()
    }
  })

  it('refuses 确认通过 before the point’s 现场确认开始时间, saying when it starts, and confirms from then', async () => {
    const { registration } = await applicantWithRegistration(t)
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    await t
      .db('confirmation_points')
      .where({ id: 32 })
      .update({ confirm_start: new Date('2026-09-20T01:00:00Z') })
    try {
      const early = await decide(clerk, registration.id, 'confirm')
      expect(early.page.text).toContain(CONFIRMATION_MESSAGES.notStarted('2026-09-20 09:00'))
      expect(await statusOf(registration.id)).toBe('pending_confirmation')
      const failedEarly = await decide(clerk, registration.id, 'fail_confirmation', { missing: ['聘用合同'] })
      expect(failedEarly.page.text).toContain('现场确认尚未开始')
      expect(await statusOf(registration.id)).toBe('pending_confirmation')
      t.clock.set('2026-09-20T01:00:00Z')
      // Five days on, the clerk signs in afresh.
      const ok = await decide(await scopedStaff(t, 'confirmation_clerk', 32), registration.id, 'confirm')
      expect(ok.page.text).toContain('已处理：确认通过')
      expect(await statusOf(registration.id)).toBe('confirmed')
    } finally {
      await t.db('confirmation_points').where({ id: 32 }).update({ confirm_start: null })
    }
  })

  it('确认未通过 needs the missing materials, lists them, and 材料已补齐 moves it on', async () => {
    const { registration } = await applicantWithRegistration(t)
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const empty = await decide(clerk, registration.id, 'fail_confirmation')
    expect(empty.page.text).toContain('请选择或填写缺少的材料')
    expect(await statusOf(registration.id)).toBe('pending_confirmation')
    await decide(clerk, registration.id, 'fail_confirmation', {
      missing: ['身份证原件', '聘用合同或劳动合同'],
      missingOther: '学校出具的在职证明',
    })
    const row = await t.db('registrations').where({ id: registration.id }).first()
    expect(row.status).toBe('confirmation_failed')
    expect(row.missing_materials).toEqual(['身份证原件', '聘用合同或劳动合同', '学校出具的在职证明'])
    await decide(clerk, registration.id, 'materials_complete')
    expect(await statusOf(registration.id)).toBe('confirmed')
  })

  it('the authority decides 注册合格 / 暂缓注册 / 注册不合格 (reasons where asked); the clerk may not', async () => {
    const approver = await scopedStaff(t, 'registration_approver', 3)
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const a = await applicantWithRegistration(t, { status: 'confirmed' })
    expect((await decide(clerk, a.registration.id, 'approve')).page.text).toContain(
      '当前注册结论下不能进行该操作',
    )
    await decide(approver, a.registration.id, 'approve')
    expect(await statusOf(a.registration.id)).toBe('approved')

    const b = await applicantWithRegistration(t, { status: 'confirmed' })
    expect((await decide(approver, b.registration.id, 'defer')).page.text).toContain('请填写理由')
    expect(await statusOf(b.registration.id)).toBe('confirmed')
    await decide(approver, b.registration.id, 'defer', { reason: '培训学时不足360学时' })
    expect(await statusOf(b.registration.id)).toBe('deferred')

    const c = await applicantWithRegistration(t, { status: 'confirmed' })
    expect((await decide(approver, c.registration.id, 'reject')).page.text).toContain('请填写理由')
    await decide(approver, c.registration.id, 'reject', { reason: '师德考核不合格' })
    const row = await t.db('registrations').where({ id: c.registration.id }).first()
    expect(row.status).toBe('rejected')
    expect(row.reason).toBe('师德考核不合格')
    expect(Number(row.decided_by)).toBe(approver.id)
  })

  it('选错注册机构 and 不属于注册对象 are the authority’s, with a reason', async () => {
    const approver = await scopedStaff(t, 'registration_approver', 3)
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const a = await applicantWithRegistration(t)
    expect((await decide(clerk, a.registration.id, 'wrong_authority', { reason: 'x' })).page.text).toContain(
      '当前注册结论下不能进行该操作',
    )
    expect((await decide(approver, a.registration.id, 'wrong_authority')).page.text).toContain('请填写理由')
    await decide(approver, a.registration.id, 'wrong_authority', { reason: '请选择开平市教育局' })
    expect(await statusOf(a.registration.id)).toBe('wrong_authority')
    const b = await applicantWithRegistration(t, { status: 'confirmed' })
    await decide(approver, b.registration.id, 'not_eligible', { reason: '民办幼儿园教师不在本次注册范围' })
    expect(await statusOf(b.registration.id)).toBe('not_eligible')
  })

  it('returns an application for correction with the fields and the note', async () => {
    const { registration } = await applicantWithRegistration(t, { status: 'confirmation_failed' })
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    expect(
      (await decide(clerk, registration.id, 'return_for_correction', { fields: ['currentSchool'] })).page
        .text,
    ).toContain('请填写退回说明')
    await decide(clerk, registration.id, 'return_for_correction', {
      fields: ['currentSchool', 'notAField'],
      reason: '现任教学校应填写全称',
    })
    const row = await t.db('registrations').where({ id: registration.id }).first()
    expect(row.status).toBe('pending_confirmation')
    expect(row.correction).toEqual({ fields: ['currentSchool'], note: '现任教学校应填写全称' })
    const detail = await clerk.a.get(`${STAFF}/${registration.id}`)
    expect(detail.text).toContain('已退回修改')
  })

  it('two approvers deciding at once: one wins, the other is told to refresh', async () => {
    const { registration } = await applicantWithRegistration(t, { status: 'confirmed' })
    const one = await scopedStaff(t, 'registration_approver', 3)
    const two = await scopedStaff(t, 'registration_approver', 3)
    const [p1, p2] = await Promise.all([
      one.a.get(`${STAFF}/${registration.id}`),
      two.a.get(`${STAFF}/${registration.id}`),
    ])
    const send = (who: typeof one, page: typeof p1, name: string, reason = '') =>
      who.a
        .post(`${STAFF}/${registration.id}/transition`)
        .type('form')
        .send({ name, version: String(registration.version), reason, _csrf: csrfFrom(page.text) })
    const [r1, r2] = await Promise.all([send(one, p1, 'approve'), send(two, p2, 'reject', '不合格')])
    const texts = [(await one.a.get(r1.headers.location)).text, (await two.a.get(r2.headers.location)).text]
    expect(texts.filter((x) => x.includes('该申请已被他人处理，请刷新后重试'))).toHaveLength(1)
    expect(['approved', 'rejected']).toContain(await statusOf(registration.id))
    const history = await t.db('registration_status_history').where({ registration_id: registration.id })
    expect(history).toHaveLength(2)
  })
})

describe('scope', () => {
  it('answers 404 to staff of another authority or point on every :id route', async () => {
    const { registration } = await applicantWithRegistration(t, { status: 'confirmed' })
    const id = registration.id
    const otherAuthority = await scopedStaff(t, 'registration_approver', 4)
    const otherPoint = await scopedStaff(t, 'confirmation_clerk', 31)
    for (const who of [otherAuthority, otherPoint]) {
      const queue = await who.a.get(STAFF)
      expect(queue.text).not.toContain(registration.number)
      expect((await who.a.get(`${STAFF}/${id}`)).status).toBe(404)
      const token = csrfFrom(queue.text)
      for (const [path, body] of [
        ['/transition', { name: 'approve', version: '1' }],
        ['/messages', { body: '你好' }],
      ] as const) {
        const res = await who.a
          .post(`${STAFF}/${id}${path}`)
          .type('form')
          .send({ ...body, _csrf: token })
        expect([path, res.status]).toEqual([path, 404])
      }
      const print = await who.a
        .post(`${STAFF}/print`)
        .type('form')
        .send({ ids: String(id), _csrf: token })
      expect(print.text).toContain('请先选择要打印的申请')
    }
    expect(await statusOf(id)).toBe('confirmed')
    expect(await t.db('registration_messages').where({ registration_id: id })).toHaveLength(0)
  })

  it('lets staff open an application’s photo only when the application is theirs', async () => {
    const { registration } = await applicantWithRegistration(t, { status: 'confirmed' })
    const { photo_file_id: photo } = await t.db('registrations').where({ id: registration.id }).first()
    const approver = await scopedStaff(t, 'registration_approver', 3)
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const otherAuthority = await scopedStaff(t, 'registration_approver', 4)
    const otherPoint = await scopedStaff(t, 'confirmation_clerk', 31)
    for (const [who, status] of [
      [approver, 200],
      [clerk, 200],
      [otherAuthority, 404],
      [otherPoint, 404],
    ] as const) {
      const res = await who.a.get(`/files/${photo}`)
      expect(res.status).toBe(status)
      if (status === 200) expect(res.headers['content-type']).toBe('image/jpeg')
    }
  })

  it('links the queue from the staff home, once, for clerks and approvers', async () => {
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const home = (await clerk.a.get('/staff')).text
    expect(home).toContain('定期注册现场确认')
    expect(home.match(/href="\/staff\/registrations"/g)).toHaveLength(1)
    const approver = await scopedStaff(t, 'registration_approver', 3)
    expect((await approver.a.get('/staff')).text).toContain('定期注册审批')
    const both = await createStaff(t.db, [
      { role: 'confirmation_clerk', scope_type: 'point', scope_id: 32 },
      { role: 'registration_approver', scope_type: 'authority', scope_id: 3 },
    ])
    const s = agent(t.app)
    await staffLoginAs(s, both)
    expect((await s.get('/staff')).text.match(/href="\/staff\/registrations"/g)).toHaveLength(1)
  })

  it('keeps applicants and staff without a registration role out', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    const res = await a.get(`${STAFF}/${registration.id}`)
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/staff/login')
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    const s = agent(t.app)
    await staffLoginAs(s, admin)
    expect((await s.get(STAFF)).status).toBe(403)
    expect((await s.get(`${STAFF}/${registration.id}`)).status).toBe(403)
  })
})

describe('messages, export and print', () => {
  it('sends a message to the applicant and audits it', async () => {
    const { registration } = await applicantWithRegistration(t)
    const approver = await scopedStaff(t, 'registration_approver', 3)
    const empty = await postFrom(
      approver.a,
      `${STAFF}/${registration.id}`,
      `${STAFF}/${registration.id}/messages`,
      {
        body: '',
      },
    )
    expect((await approver.a.get(empty.headers.location)).text).toContain('请填写留言内容')
    await postFrom(approver.a, `${STAFF}/${registration.id}`, `${STAFF}/${registration.id}/messages`, {
      body: '请补交年度考核结果证明。',
    })
    const rows = await t.db('registration_messages').where({ registration_id: registration.id })
    expect(rows).toHaveLength(1)
    expect(rows[0].read_at).toBeNull()
    expect(Number(rows[0].staff_id)).toBe(approver.id)
    expect(
      await t.db('audit_log').where({ action: 'registration.message', target_id: String(registration.id) }),
    ).toHaveLength(1)
    expect((await approver.a.get(`${STAFF}/${registration.id}`)).text).toContain('申请人未读')
  })

  it('exports the filtered list as CSV with a BOM, and as XLSX, audited', async () => {
    const approver = await scopedStaff(t, 'registration_approver', 4)
    const submittedAt = new Date('2026-08-20T02:00:00Z')
    const at4 = { authorityId: 4, pointId: 41, submittedAt }
    const confirmed = await applicantWithRegistration(t, { ...at4, status: 'confirmed', name: '孙导出' })
    const pending = await applicantWithRegistration(t, { ...at4, name: '周未确认' })
    const elsewhere = await applicantWithRegistration(t, {
      authorityId: 3,
      pointId: 32,
      status: 'confirmed',
      submittedAt,
    })
    const filter = 'status=confirmed&from=2026-08-20&to=2026-08-20'
    const csv = await approver.a.get(`${STAFF}/export.csv?${filter}`).buffer(true)
    expect(csv.status).toBe(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.headers['content-disposition']).toMatch(/^attachment/)
    const body = csv.body instanceof Buffer ? csv.body.toString('utf8') : csv.text
    expect(body.charCodeAt(0)).toBe(0xfeff)
    const lines = body.slice(1).trim().split('\r\n')
    expect(lines[0]).toBe(
      '注册报名号,姓名,证件号码,证书号码,现任教学段,现任教学科,注册结论,注册机构,确认点,现任教学校,提交时间',
    )
    expect(body).toContain(confirmed.registration.number)
    expect(body).toContain('孙导出')
    expect(body).toContain('待注册审批')
    expect(body).not.toContain(pending.registration.number)
    expect(body).not.toContain(elsewhere.registration.number)

    const xlsx = await approver.a
      .get(`${STAFF}/export.xlsx?${filter}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => cb(null, Buffer.concat(chunks)))
      })
    expect(xlsx.headers['content-type']).toContain('spreadsheetml')
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer)
    const sheet = book.worksheets[0]
    const numbers: string[] = []
    sheet.eachRow((row, i) => {
      if (i > 1) numbers.push(String(row.getCell(1).value))
    })
    expect(numbers).toEqual([confirmed.registration.number])
    expect(
      await t.db('audit_log').where({ action: 'registration.export', actor_id: approver.id }),
    ).toHaveLength(2)
  })

  it('asks for a selection, and for batches of at most 50, before printing', async () => {
    const approver = await scopedStaff(t, 'registration_approver', 3)
    const none = await postFrom(approver.a, STAFF, `${STAFF}/print`, {})
    expect(none.status).toBe(400)
    expect(none.text).toContain('请先选择要打印的申请')
    const ids: string[] = []
    for (let i = 0; i < 51; i++)
      ids.push(String((await applicantWithRegistration(t, { status: 'confirmed' })).registration.id))
    const many = await postFrom(approver.a, STAFF, `${STAFF}/print`, { ids })
    expect(many.status).toBe(400)
    expect(many.text).toContain('一次最多打印50份申请表，请分批打印')
  })
})
