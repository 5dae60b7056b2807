import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { maskDocNumber } from '../../src/domain/idNumber'
import { purgeDrafts } from '../../src/modules/privacy/retention'
import {
  JIANGMEN,
  fakeBureau,
  swappable,
  goodInformation,
  idPhoto,
  registryCertificate,
  school,
  taishanBureau,
  type FakeAuthority,
} from '../helpers/registrationFactories'

const BASE = '/registration/apply'
let t: TestApp
let taishan: FakeAuthority
const bureau = swappable(fakeBureau([]))

beforeAll(async () => {
  t = await appWithAllRoutes({ bureau: { registration: bureau.port } })
  await school(t.db, '华南师范大学')
})
afterAll(async () => {
  await t.close()
})
beforeEach(() => {
  taishan = taishanBureau()
  bureau.use(fakeBureau([taishan]))
  t.clock.set('2026-09-15T02:00:00Z')
})

async function post(a: Agent, step: string, fields: Record<string, string>) {
  const page = await a.get(`${BASE}/${step}`)
  expect(page.status).toBe(200)
  return a
    .post(`${BASE}/${step}`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(page.text) })
}

async function uploadPhoto(a: Agent) {
  const page = await a.get(`${BASE}/photo`)
  return a
    .post(`${BASE}/photo`)
    .field('_csrf', csrfFrom(page.text))
    .attach('photo', await idPhoto(), { filename: 'me.jpg', contentType: 'image/jpeg' })
}

/** A verified applicant with one synced certificate, signed in. */
async function teacher(o: Parameters<typeof registryCertificate>[2] = {}) {
  const applicant = await createApplicant(t.db, { name: '薛明' })
  const certNumber = await registryCertificate(t.db, applicant, o)
  const a = agent(t.app)
  await loginAs(a, applicant)
  return { a, applicant, certNumber }
}

/** Walks to the commitment page, choosing the authority and point `to`. */
async function walk(a: Agent, certNumber: string, to = { authorityId: '3', pointId: '32' }) {
  await walkToReview(a, certNumber, to)
  expect((await post(a, 'review', {})).headers.location).toBe(`${BASE}/notices`)
  expect((await post(a, 'notices', {})).headers.location).toBe(`${BASE}/commitment`)
}

/** Walks to 确认申报信息, the photo previewed on the way. */
async function walkToReview(a: Agent, certNumber: string, to = { authorityId: '3', pointId: '32' }) {
  expect((await a.get('/registration/start')).headers.location).toBe(BASE)
  expect((await post(a, 'agreement', { agree: 'yes' })).headers.location).toBe(`${BASE}/certificate`)
  // the identity, read-only, with the account's 民族 code (01) by its name
  expect((await a.get(`${BASE}/certificate`)).text).toContain('汉族')
  expect((await post(a, 'certificate', { certNumber })).headers.location).toBe(`${BASE}/information`)
  expect((await post(a, 'information', goodInformation('华南师范大学'))).headers.location).toBe(
    `${BASE}/conditions`,
  )
  const yes = { ethics: 'yes', appraisals: 'yes', training: 'yes', health: 'yes' }
  expect((await post(a, 'conditions', yes)).headers.location).toBe(`${BASE}/photo`)
  expect((await uploadPhoto(a)).headers.location).toBe(`${BASE}/authority`)
  const authority = {
    provinceCode: JIANGMEN.province,
    cityCode: JIANGMEN.city,
    stage: '2',
    subject: 'chinese',
    ...to,
  }
  expect((await post(a, 'authority', authority)).headers.location).toBe(`${BASE}/review`)
}

async function submit(a: Agent) {
  return post(a, 'commitment', { consent: 'agree' })
}

describe('registration wizard', () => {
  it('walks the seven stages and submits once, landing on the 申报提醒 with the number', async () => {
    const { a, applicant, certNumber } = await teacher()
    await walk(a, certNumber)
    const review = await a.get(`${BASE}/review`)
    expect(review.text).toContain('华南师范大学')
    expect(review.text).toContain('江门市台山市教育局')
    expect(review.text).toContain('修改')
    const done = await submit(a)
    expect(done.headers.location).toMatch(/^\/registration\/records\/\d+\/reminder$/)
    const reminder = await a.get(done.headers.location)
    expect(reminder.status).toBe(200)
    const row = await t.db('registrations').where({ applicant_id: applicant.id }).first()
    expect(row.number).toMatch(/^20260003\d{6}$/)
    expect(reminder.text).toContain(row.number)
    expect(reminder.text).toContain('台山市新宁小学')
    expect(reminder.text).toContain('申请人按照通知要求进行网上报名')
    expect(reminder.text).toContain('注册结束后，《教师资格定期注册申请表》将不能在系统下载。')
    for (const label of [
      '网上申报协议',
      '填写注册信息',
      '选择注册机构',
      '确认申报信息',
      '注意事项',
      '提交注册申请',
      '申报提醒',
    ])
      expect(reminder.text).toContain(label)
    expect(row.status).toBe('pending_confirmation')
    expect(row.data.graduationSchool).toBe('华南师范大学')
    expect(await t.db('registration_status_history').where({ registration_id: row.id })).toHaveLength(1)
    const audited = await t
      .db('audit_log')
      .where({ action: 'registration.submit', target_id: String(row.id) })
    expect(audited).toHaveLength(1)
    expect(audited[0].detail.number).toBe(row.number)
    expect(row.number).toMatch(/^2026\d{10}$/)
    expect((await t.db('files').where({ id: row.photo_file_id }).first()).draft).toBe(false)
    // The back button after submit shows the record, never a second submission.
    const back = await a.get(`${BASE}/commitment`)
    expect(back.headers.location).toBe(`/registration/records/${row.id}`)
    const platform = await a.get('/platform')
    expect(platform.text).toContain(row.number)
    expect(platform.text).toContain('网报待确认')
  })

  it('masks the holder’s 证件号码 on the certificate step and shows it in full on 确认申报信息, to be checked', async () => {
    const { a, applicant, certNumber } = await teacher()
    await walk(a, certNumber)
    const certificate = await a.get(`${BASE}/certificate`)
    expect(certificate.text).toContain(maskDocNumber(applicant.doc_number))
    expect(certificate.text).not.toContain(applicant.doc_number)
    const review = await a.get(`${BASE}/review`)
    expect(review.text).toMatch(new RegExp(`<dt>证件号码</dt>\\s*<dd>${applicant.doc_number}</dd>`))
  })

  it('locks the information centre’s copy of the certificate it used, and skips when there is none', async () => {
    const { a, applicant, certNumber } = await teacher()
    const other = await registryCertificate(t.db, applicant)
    const now = new Date('2026-09-10T00:00:00Z')
    const copy = (cert_number: string) => ({
      applicant_id: applicant.id,
      cert_number,
      holder_name: applicant.name,
      qualification_type: '2',
      subject: '语文',
      authority: '台山市教育局',
      issued_on: '2010-07-01',
      synced_at: now,
    })
    const [used, unused] = await t
      .db('info_certificates')
      .insert([copy(certNumber), copy(other)])
      .returning('id')
    await walk(a, certNumber)
    expect((await submit(a)).headers.location).toMatch(/\/reminder$/)
    const row = await t.db('registrations').where({ applicant_id: applicant.id }).first()
    const uses = await t.db('info_item_uses').where({ applicant_id: applicant.id })
    expect(uses).toEqual([
      expect.objectContaining({
        item_kind: 'certificate',
        item_id: String(used.id),
        application_kind: 'registration',
        application_id: String(row.id),
      }),
    ])
    expect(uses.map((u) => u.item_id)).not.toContain(String(unused.id))

    // No synced copy in the information centre: the submit goes through and locks nothing.
    const plain = await teacher()
    await walk(plain.a, plain.certNumber)
    expect((await submit(plain.a)).headers.location).toMatch(/\/reminder$/)
    expect(await t.db('info_item_uses').where({ applicant_id: plain.applicant.id })).toEqual([])
  })

  it('needs the agreement ticked, with the manual wording', async () => {
    const { a } = await teacher()
    await a.get('/registration/start')
    const res = await post(a, 'agreement', {})
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('请勾选“已阅读并完全同意”')
    expect(page.text).toContain('1.本申报系统的所有权归中国教师资格网所有')
    expect(page.text).toContain('请注意，所有步骤均完成，且生成报名号之后方为报名成功！')
  })

  it('refuses a 岗位性质 that does not agree with 任教学校性质, and an unknown school', async () => {
    const { a, certNumber } = await teacher()
    await a.get('/registration/start')
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'certificate', { certNumber })
    const res = await post(a, 'information', {
      ...goodInformation('不存在的大学'),
      schoolNature: 'private_primary',
      postNature: 'established',
    })
    expect(res.headers.location).toBe(`${BASE}/information`)
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('岗位性质须与任教学校性质一致')
    expect(page.text).toContain('未查到您的毕业学校')
  })

  it('finds a school by search and adds a missing one with 办学类型 without JavaScript', async () => {
    const { a, certNumber } = await teacher()
    await a.get('/registration/start')
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'certificate', { certNumber })
    await post(a, 'information', { schoolQuery: '华南', _action: 'searchSchool' })
    const found = await a.get(`${BASE}/information`)
    expect(found.text).toContain('value="华南师范大学"')
    await post(a, 'information', {
      newSchoolName: '某某师范专科学校',
      newSchoolType: 'university',
      _action: 'addSchool',
    })
    const added = await a.get(`${BASE}/information`)
    expect(added.text).toContain('已选择：<strong>某某师范专科学校</strong>（新增学校）')
    const res = await post(a, 'information', {
      ...goodInformation('某某师范专科学校'),
      graduationSchoolNew: 'yes',
      graduationSchoolType: 'university',
    })
    expect(res.headers.location).toBe(`${BASE}/conditions`)
  })

  it('refuses to go on when a registration condition is answered 否, saying the consequence', async () => {
    const { a, certNumber } = await teacher()
    await a.get('/registration/start')
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'certificate', { certNumber })
    await post(a, 'information', goodInformation('华南师范大学'))
    const res = await post(a, 'conditions', {
      ethics: 'yes',
      appraisals: 'yes',
      training: 'no',
      health: 'yes',
    })
    expect(res.headers.location).toBe(`${BASE}/conditions`)
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('未完成360个培训学时')
    expect(page.text).toContain('暂缓注册')
  })

  it('offers only authorities inside their window and refuses once the window closes mid-wizard', async () => {
    const { a, applicant, certNumber } = await teacher()
    taishan.window!.end = new Date(t.clock.now().getTime() + 60_000)
    await walk(a, certNumber)
    t.clock.advanceMinutes(2)
    const res = await a.get(`${BASE}/review`)
    expect(res.headers.location).toBe('/registration/closed?authority=3')
    const closed = await a.get(res.headers.location)
    expect(closed.text).toContain('当前时间不在该机构的网报时间段内')
    const page = await a.get(`${BASE}/commitment`)
    expect(page.status).toBe(303)
    expect(await t.db('registrations').where({ applicant_id: applicant.id })).toHaveLength(0)
  })

  it('says when no authority of the city is open, and suggests the point covering the school', async () => {
    const { a, certNumber } = await teacher()
    await a.get('/registration/start')
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'certificate', { certNumber })
    await post(a, 'information', goodInformation('华南师范大学'))
    await post(a, 'conditions', { ethics: 'yes', appraisals: 'yes', training: 'yes', health: 'yes' })
    await uploadPhoto(a)
    await post(a, 'authority', {
      provinceCode: JIANGMEN.province,
      cityCode: JIANGMEN.city,
      stage: '2',
      _action: 'refresh',
    })
    const page = await a.get(`${BASE}/authority`)
    // the sole authority is preselected, and the point covering 台城桂水小学 suggested
    expect(page.text).toMatch(/<option value="3" selected>江门市台山市教育局<\/option>/)
    expect(page.text).toContain('根据您的现任教学校，建议选择此确认点')
    expect(page.text).toMatch(/value="32" checked/)
    await post(a, 'authority', {
      provinceCode: JIANGMEN.province,
      cityCode: JIANGMEN.city,
      stage: '4',
      _action: 'refresh',
    })
    const none = await a.get(`${BASE}/authority`)
    expect(none.text).toContain('该地区暂无在网报时间内的注册机构')
  })

  it('submits exactly once when the last step is posted 20 times in parallel', async () => {
    const { a, applicant, certNumber } = await teacher()
    await walk(a, certNumber)
    const page = await a.get(`${BASE}/commitment`)
    const token = csrfFrom(page.text)
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        a.post(`${BASE}/commitment`).type('form').send({ consent: 'agree', _csrf: token }),
      ),
    )
    const rows = await t.db('registrations').where({ applicant_id: applicant.id })
    expect(rows).toHaveLength(1)
    for (const r of answers) {
      expect(r.status).toBe(303)
      expect(r.headers.location).toMatch(new RegExp(`^/registration/records/${rows[0].id}`))
    }
  })

  describe('注册报名号: each authority’s own series of the year, from 000001, without gaps', () => {
    /** Another authority of 江门, open now, with one point (id × 10 + 1). */
    function authority(id: number): FakeAuthority {
      const point = { ...taishan.points[1], id: id * 10 + 1, name: `第${id}确认点`, schools: [] }
      return { ...taishan, id, name: `江门市第${id}教育局`, points: [point] }
    }
    /** `n` teachers at the commitment page of the authority, each with its CSRF token. */
    async function ready(n: number, authorityId: number) {
      const out = []
      for (let i = 0; i < n; i++) {
        const who = await teacher()
        await walk(who.a, who.certNumber, { authorityId: String(authorityId), pointId: `${authorityId}1` })
        out.push({ ...who, token: csrfFrom((await who.a.get(`${BASE}/commitment`)).text) })
      }
      return out
    }
    const numberOf = async (applicantId: number) =>
      (await t.db('registrations').where({ applicant_id: applicantId }).first('number'))?.number as
        string | undefined

    it('numbers two authorities’ interleaved submits 1, 2, 3 each', async () => {
      bureau.use(fakeBureau([taishan, authority(5), authority(6)]))
      const five = await ready(3, 5)
      const six = await ready(3, 6)
      for (let i = 0; i < 3; i++)
        for (const w of [five[i], six[i]]) expect((await submit(w.a)).status).toBe(303)
      expect(await Promise.all(five.map((w) => numberOf(w.applicant.id)))).toEqual([
        '20260005000001',
        '20260005000002',
        '20260005000003',
      ])
      expect(await Promise.all(six.map((w) => numberOf(w.applicant.id)))).toEqual([
        '20260006000001',
        '20260006000002',
        '20260006000003',
      ])
    })

    it('gives the number of a submit that fails after drawing it to the next submit', async () => {
      bureau.use(fakeBureau([taishan, authority(7)]))
      const [first, doomed, next] = await ready(3, 7)
      expect((await submit(first.a)).status).toBe(303)
      // The database refuses the doomed submit's history row, written after its number was drawn.
      await t.ownerDb.raw(`
        CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.actor_id = ${Number(doomed.applicant.id)} THEN RAISE EXCEPTION 'disk full'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_doomed BEFORE INSERT ON registration_status_history
          FOR EACH ROW EXECUTE FUNCTION refuse_doomed();`)
      try {
        expect((await submit(doomed.a)).status).toBe(500)
      } finally {
        await t.ownerDb.raw(
          'DROP TRIGGER refuse_doomed ON registration_status_history; DROP FUNCTION refuse_doomed()',
        )
      }
      expect(await numberOf(doomed.applicant.id)).toBeUndefined()
      expect((await submit(next.a)).status).toBe(303)
      expect(await numberOf(next.applicant.id)).toBe('20260007000002')
      // nothing of the failed submit was kept: it goes through now, with the following number
      expect((await submit(doomed.a)).status).toBe(303)
      expect(await numberOf(doomed.applicant.id)).toBe('20260007000003')
    })

    it('numbers 20 parallel submits to one authority 1 to 20', async () => {
      bureau.use(fakeBureau([taishan, authority(8)]))
      const teachers = await ready(20, 8)
      const answers = await Promise.all(
        teachers.map((w) =>
          w.a.post(`${BASE}/commitment`).type('form').send({ consent: 'agree', _csrf: w.token }),
        ),
      )
      for (const r of answers) expect(r.status).toBe(303)
      const numbers = await Promise.all(teachers.map((w) => numberOf(w.applicant.id)))
      expect(numbers.sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `20260008${String(i + 1).padStart(6, '0')}`),
      )
    })
  })

  it('allows one active registration per cycle, and none within 54 months of a 注册合格', async () => {
    const first = await teacher()
    await walk(first.a, first.certNumber)
    await submit(first.a)
    const row = await t.db('registrations').where({ applicant_id: first.applicant.id }).first()
    expect((await first.a.get('/registration/start')).headers.location).toBe(
      `/registration/records/${row.id}`,
    )

    const recent = await teacher({ registrations: [{ on: '2022-06-01', result: '合格' }] })
    await walk(recent.a, recent.certNumber)
    const res = await submit(recent.a)
    expect(res.headers.location).toBe(`${BASE}/commitment`)
    const page = await recent.a.get(res.headers.location)
    expect(page.text).toContain('距上次定期注册合格未满54个月，2026-12-01以后方可再次申请定期注册。')
  })

  it('asks 同意 or 不同意 then 【提交】, as the manual shows, and refuses a 提交 with neither chosen', async () => {
    const { a, applicant, certNumber } = await teacher()
    await walk(a, certNumber)
    const page = await a.get(`${BASE}/commitment`)
    expect(page.text).toContain('本人所填写信息及提交的注册材料真实可靠。')
    expect(page.text).toMatch(/<input[^>]*name="consent"[^>]*value="agree"/)
    expect(page.text).toMatch(/<input[^>]*name="consent"[^>]*value="disagree"/)
    expect(page.text).toContain('<button type="submit" class="button">提交</button>')
    expect(page.text).not.toContain('>同意</button>')
    const neither = await post(a, 'commitment', {})
    expect(neither.headers.location).toBe(`${BASE}/commitment`)
    expect((await a.get(neither.headers.location)).text).toContain('请选择“同意”或“不同意”')
    expect(await t.db('registrations').where({ applicant_id: applicant.id })).toHaveLength(0)
  })

  it('不同意 then 【提交】 abandons the run and says on the platform that the registration was given up', async () => {
    const { a, applicant, certNumber } = await teacher()
    await walk(a, certNumber)
    const res = await post(a, 'commitment', { consent: 'disagree' })
    expect(res.headers.location).toBe('/platform')
    const platform = await a.get('/platform')
    expect(platform.text).toContain('您在个人承诺中选择了“不同意”，视为放弃本次定期注册报名')
    expect(platform.text).toContain('没有生成注册报名号')
    expect(await t.db('registrations').where({ applicant_id: applicant.id })).toHaveLength(0)
    expect((await a.get(BASE)).headers.location).toBe(`${BASE}/agreement`)
  })

  it('carries the manual’s clarity warning on the 证件照 page itself', async () => {
    const { a, certNumber } = await teacher()
    await a.get('/registration/start')
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'certificate', { certNumber })
    await post(a, 'information', goodInformation('华南师范大学'))
    await post(a, 'conditions', { ethics: 'yes', appraisals: 'yes', training: 'yes', health: 'yes' })
    const photo = await a.get(`${BASE}/photo`)
    expect(photo.text).toContain(
      '注意：个人照片上传后，请务必检查是否清晰完整，如不清晰不完整，请务必重新上传符合要求的个人照片',
    )
  })

  it('catches a previewed photo that expired before 同意 at 确认申报信息, with a link back to the photo step', async () => {
    const { a, applicant, certNumber } = await teacher()
    await walkToReview(a, certNumber)
    expect((await a.get(`${BASE}/review`)).text).not.toContain('已失效')
    // the applicant comes back after 20 days and changes an answer (the run is kept as touched), then
    // is away again past the 30 days the previews are kept: the nightly purge removes them
    t.clock.advance(20 * 24 * 3600_000)
    expect((await a.get(`${BASE}/review`)).headers.location).toBe('/login')
    await loginAs(a, applicant)
    await post(a, 'conditions', { ethics: 'yes', appraisals: 'yes', training: 'yes', health: 'yes' })
    t.clock.advance(11 * 24 * 3600_000)
    await purgeDrafts(t.services)
    expect((await a.get(`${BASE}/review`)).headers.location).toBe('/login')
    await loginAs(a, applicant)
    const review = await a.get(`${BASE}/review`)
    expect(review.status).toBe(200)
    expect(review.text).toContain('证件照已失效（预览后未提交的文件已过保存期限被清除），请重新上传。')
    expect(review.text).toContain(`<a href="${BASE}/photo?edit=review">返回“上传照片”</a>`)
    // the review cannot be passed on to 注意事项 and 个人承诺 while the photo is gone
    expect((await post(a, 'review', {})).headers.location).toBe(`${BASE}/review`)
    expect((await a.get(`${BASE}/commitment`)).headers.location).toBe(`${BASE}/review`)
    // a new photo from the linked step, and the run goes on to a submit
    const photo = await a.get(`${BASE}/photo?edit=review`)
    const again = await a
      .post(`${BASE}/photo?edit=review`)
      .field('_csrf', csrfFrom(photo.text))
      .attach('photo', await idPhoto(), { filename: 'me.jpg', contentType: 'image/jpeg' })
    expect(again.headers.location).toBe(`${BASE}/review`)
    expect((await a.get(`${BASE}/review`)).text).not.toContain('已失效')
    expect((await post(a, 'review', {})).headers.location).toBe(`${BASE}/notices`)
    await post(a, 'notices', {})
    expect((await submit(a)).headers.location).toMatch(/\/reminder$/)
  })

  it('所学专业 offers every 专业类 of the undergraduate catalogue under its 学科门类, and takes a class for a major without a leaf', async () => {
    const { a, applicant, certNumber } = await teacher()
    await a.get('/registration/start')
    await post(a, 'agreement', { agree: 'yes' })
    await post(a, 'certificate', { certNumber })
    const page = await a.get(`${BASE}/information`)
    const select = /<select[^>]*name="major"[\s\S]*?<\/select>/.exec(page.text)![0]
    const groups = [...select.matchAll(/<optgroup label="([^"]+)">/g)].map((m) => m[1])
    expect(groups).toEqual([
      '01 哲学',
      '02 经济学',
      '03 法学',
      '04 教育学',
      '05 文学',
      '06 历史学',
      '07 理学',
      '08 工学',
      '09 农学',
      '10 医学',
      '12 管理学',
      '13 艺术学',
      '14 交叉学科',
    ])
    const classes = [...select.matchAll(/<option value="([^"]+类)">\1（其他专业）<\/option>/g)].map(
      (m) => m[1],
    )
    expect(classes).toHaveLength(95)
    for (const cls of [
      '哲学类',
      '经济与贸易类',
      '公安学类',
      '体育学类',
      '交叉工程类',
      '护理学类',
      '旅游管理类',
      '设计学类',
    ])
      expect(classes).toContain(cls)
    // leaves sit with their own class: 思想政治教育 under 法学 (马克思主义理论类), 心理学 under 理学
    const law = select.slice(select.indexOf('label="03 法学"'), select.indexOf('label="04 教育学"'))
    expect(law).toContain('<option value="思想政治教育">思想政治教育</option>')
    const science = select.slice(select.indexOf('label="07 理学"'), select.indexOf('label="08 工学"'))
    expect(science).toContain('<option value="心理学">心理学</option>')
    // a nurse-trained teacher: no leaf, the parent class
    const saved = await post(a, 'information', { ...goodInformation('华南师范大学'), major: '护理学类' })
    expect(saved.headers.location).toBe(`${BASE}/conditions`)
    const row = await t
      .db('wizard_progress')
      .where({ applicant_id: applicant.id, wizard_key: 'registration' })
      .first()
    expect(row.data.values.information.major).toBe('护理学类')
  })

  it('a second 报名 in the same cycle opens the record and says why', async () => {
    const { a, applicant, certNumber } = await teacher()
    await walk(a, certNumber)
    await submit(a)
    const row = await t.db('registrations').where({ applicant_id: applicant.id }).first()
    const again = await a.get('/registration/start')
    expect(again.headers.location).toBe(`/registration/records/${row.id}`)
    const record = await a.get(again.headers.location)
    expect(record.text).toContain(
      `您在2026年度已有一份定期注册申请（注册报名号：${row.number}，注册结论：网报待确认），同一批次只能申报一次，因此为您打开这份报名记录。`,
    )
    // its 注意事项 (manual 001 §3.2.1) opens the 申报提醒 with the 注意事项, whatever the state
    expect(record.text).toContain(`href="/registration/records/${row.id}/reminder">注意事项</a>`)
    const reminder = await a.get(`/registration/records/${row.id}/reminder`)
    expect(reminder.text).toContain('申报提醒')
    expect(reminder.text).toContain('<h2 id="notices-title">注意事项</h2>')
    expect(reminder.text).toContain('3.只有注册结论为“网报待确认”时，才可以修改定期注册报名信息。')
  })

  it('shows a record only to its owner (another applicant gets 404)', async () => {
    const { a, applicant, certNumber } = await teacher()
    await walk(a, certNumber)
    await submit(a)
    const row = await t.db('registrations').where({ applicant_id: applicant.id }).first()
    expect((await a.get(`/registration/records/${row.id}`)).status).toBe(200)
    const other = await teacher()
    expect((await other.a.get(`/registration/records/${row.id}`)).status).toBe(404)
    expect((await other.a.get(`/registration/records/${row.id}/reminder`)).status).toBe(404)
  })
})

describe('添加教师资格证书信息', () => {
  async function addForm(a: Agent, fields: Record<string, string>, withPhoto = true) {
    let page = await a.get('/registration/certificates/new')
    if (withPhoto) {
      await a
        .post('/registration/certificates/new')
        .field('_csrf', csrfFrom(page.text))
        .field('action', 'upload')
        .attach('photo', await idPhoto(), { filename: 'cert.jpg', contentType: 'image/jpeg' })
      page = await a.get('/registration/certificates/new')
    }
    const photoIds = [...page.text.matchAll(/name="photoIds" value="([^"]+)"/g)].map((m) => m[1])
    return a
      .post('/registration/certificates/new')
      .type('form')
      .send({ ...fields, photoIds, _csrf: csrfFrom(page.text) })
  }

  const cert = (o: Record<string, string>) => ({
    certNumber: '20054400021000123',
    issuedOn: '2005-07-01',
    provinceCode: '440000',
    cityCode: '440700',
    qualificationType: '2',
    subject: 'C03',
    authority: '台山市教育局',
    ...o,
  })

  it('passes the 添加说明 page (取消 / 确认要添加教师资格证)', async () => {
    const { a } = await teacher()
    const page = await a.get('/registration/certificates/add')
    expect(page.text).toContain('教师资格证添加说明')
    expect(page.text).toContain('取消')
    expect(page.text).toContain('确认要添加教师资格证')
  })

  it('lists each 任教学科 once (a coded subject by its code, named with it), and refuses one not listed', async () => {
    const { a } = await teacher()
    const page = await a.get('/registration/certificates/new')
    const select = /<select[^>]*name="subject"[\s\S]*?<\/select>/.exec(page.text)![0]
    const texts = [...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)]
      .filter(([, value]) => value)
      .map(([, , text]) => text.replace(/（C\d\d）$/, ''))
    expect(texts.length).toBeGreaterThan(20)
    expect(texts.filter((t, i) => texts.indexOf(t) !== i)).toEqual([])
    expect(select).toContain('<option value="C03">语文（C03）</option>')
    expect(select).toContain('<option value="心理健康教育">心理健康教育</option>')
    const res = await addForm(a, cert({ subject: '语文2' }))
    expect(res.headers.location).toBe('/registration/certificates/new')
    expect((await a.get(res.headers.location)).text).toContain('请从列表中选择任教学科')
  })

  it('adds a pre-2008 certificate with its photo, listed for the registration', async () => {
    const { a, applicant } = await teacher()
    const res = await addForm(a, cert({}))
    expect(res.headers.location).toBe(`${BASE}/certificate`)
    const row = await t.db('applicant_added_certificates').where({ applicant_id: applicant.id }).first()
    expect(row.cert_number).toBe('20054400021000123')
    expect(row.photo_file_ids).toHaveLength(1)
  })

  it('fills 持证人 and 身份证件号码 from the account, not editable, whatever is posted', async () => {
    const { a, applicant } = await teacher()
    const page = await a.get('/registration/certificates/new')
    expect(page.text).not.toMatch(/name="holderName"|name="docNumber"/)
    expect(page.text).toContain(`<dt>持证人</dt><dd>${applicant.name}</dd>`)
    expect(page.text).toMatch(/<dt>身份证件号码<\/dt><dd>[^<]+<\/dd>/)
    // the page's text speaks of what is on it (one column: the fields, then the photo below them)
    expect(page.text).toContain('补全下方教师资格证书信息并上传证书照片')
    expect(page.text).not.toContain('左侧')
    const res = await addForm(a, cert({ holderName: '李四', docNumber: '11010519491231002X' }))
    expect(res.headers.location).toBe(`${BASE}/certificate`)
    const row = await t.db('applicant_added_certificates').where({ applicant_id: applicant.id }).first()
    expect(row.holder_name).toBe(applicant.name)
    expect(row.doc_number).toBe(applicant.doc_number.toUpperCase())
  })

  it('offers 补充照片 as optional once the certificate photo is up', async () => {
    const { a } = await teacher()
    const before = await a.get('/registration/certificates/new')
    expect(before.text).toMatch(/<label for="photo">上传证书照片<span class="required"/)
    await a
      .post('/registration/certificates/new')
      .field('_csrf', csrfFrom(before.text))
      .field('action', 'upload')
      .attach('photo', await idPhoto(), { filename: 'cert.jpg', contentType: 'image/jpeg' })
    const after = await a.get('/registration/certificates/new')
    expect(after.text).toMatch(/<label for="photo">补充照片（选填）<\/label>/)
    expect(after.text).not.toMatch(/<label for="photo">补充照片[^<]*<span class="required"/)
  })

  it.each([
    ['issued 2008 or later', { issuedOn: '2008-03-01' }, '不允许添加证书'],
    ['a number of 16 digits', { certNumber: '2005440002100012' }, '证书号码不是15位或17位，请联系原发证机构'],
  ])('refuses %s', async (_name, o, message) => {
    const { a, applicant } = await teacher()
    const res = await addForm(a, cert(o))
    expect(res.headers.location).toBe('/registration/certificates/new')
    const page = await a.get(res.headers.location)
    expect(page.text).toContain(message)
    expect(await t.db('applicant_added_certificates').where({ applicant_id: applicant.id })).toHaveLength(0)
  })

  it('refuses a certificate already in the registry', async () => {
    const { a, certNumber } = await teacher()
    const res = await addForm(a, cert({ certNumber }))
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('该证书已在教师资格证书库中')
  })

  it('refuses without a certificate photo', async () => {
    const { a } = await teacher()
    const res = await addForm(a, cert({}), false)
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('请上传证书照片')
  })
})
