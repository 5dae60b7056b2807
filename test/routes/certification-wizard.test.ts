import { appPerFile, type TestApp } from '../helpers/app'
import {
  authority as authorityOf,
  commitmentStep,
  conditions,
  page,
  post,
  resume,
  submit,
  toInformation as toInformationOf,
  upload,
  walk as walkTo,
} from '../helpers/certificationWizard'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { maskDocNumber } from '../../src/domain/idNumber'
import { purgeDrafts } from '../../src/modules/privacy/retention'
import { registryExamPassRow } from '../helpers/infoFactories'
import {
  certificationApplicant,
  certifyingAuthority,
  commitmentScan,
  goodInformation,
  idPhoto,
  restrict,
  type CertifyingAuthority,
} from '../helpers/certificationFactories'

const BASE = '/certification/apply'
let t: TestApp
let county: CertifyingAuthority

appPerFile(async (app) => {
  t = app
  t.clock.set('2026-09-15T02:00:00Z')
  county = await certifyingAuthority(t.db)
})

/** The page a refused POST lands on (the same step), with its messages. */
async function refusedOn(a: Agent, res: { headers: Record<string, string> }, step: string) {
  expect(res.headers.location).toBe(`${BASE}/${step}`)
  return (await a.get(res.headers.location)).text
}

async function signedIn(o: Parameters<typeof certificationApplicant>[1] = {}) {
  const who = await certificationApplicant(t.db, o)
  const a = agent(t.app)
  await loginAs(a, who.applicant)
  return { a, ...who }
}

type Who = Awaited<ReturnType<typeof signedIn>>
const authority = (c: CertifyingAuthority = county) => authorityOf(c)
const toInformation = (w: Who, to = county) => toInformationOf(w, to)
const walk = (w: Who, to = county) => walkTo(w, to)
describe('certification wizard', () => {
  it('numbers each authority’s applications from 0000001 (another authority’s submits take none of its numbers)', async () => {
    const [other, city] = [await certifyingAuthority(t.db), await certifyingAuthority(t.db)]
    const before = await signedIn()
    await walk(before, other)
    expect((await submit(before.a)).status).toBe(303)
    for (const n of ['0000001', '0000002']) {
      const w = await signedIn()
      await walk(w, city)
      expect((await submit(w.a)).status).toBe(303)
      const row = await t
        .db('certification_applications')
        .where({ applicant_id: w.applicant.id })
        .first('number')
      expect(row.number).toBe(`2026${String(city.authorityId).padStart(4, '0')}${n}`)
    }
  })

  it('walks the ten steps and submits once, landing on the 申报提醒 with the 报名号', async () => {
    const w = await signedIn()
    await walk(w)
    const review = await w.a.get(`${BASE}/review`)
    for (const text of [
      '国家统一考试',
      w.pass.cert_number,
      '小学教师资格',
      '语文',
      '二级甲等',
      '广西师范大学',
      '现场领取',
      '王校长',
      '修改',
    ])
      expect(review.text).toContain(text)
    const done = await submit(w.a)
    expect(done.headers.location).toMatch(/^\/certification\/records\/\d+\/reminder$/)
    const row = await t.db('certification_applications').where({ applicant_id: w.applicant.id }).first()
    expect(row.number).toBe(`2026${String(county.authorityId).padStart(4, '0')}0000001`)
    expect(row).toMatchObject({
      qualification_type: '2',
      subject: '语文',
      exam_route: 'national_exam',
      exam_pass_number: w.pass.cert_number,
      status: 'pending_confirmation',
      collection: 'on_site',
      year: 2026,
    })
    expect(row.data.rowUnit).toEqual(resume.rowUnit)
    expect(row.data.employer).toBe('南宁市青秀区滨湖路小学')
    const files = await t
      .db('files')
      .whereIn('id', [row.photo_file_id, row.commitment_file_id, row.commitment_crop_file_id])
    expect(files.map((f) => [f.kind, f.draft]).sort()).toEqual([
      ['commitment_crop', false],
      ['commitment_scan', false],
      ['id_photo', false],
    ])
    const reminder = await w.a.get(done.headers.location)
    expect(reminder.status).toBe(200)
    for (const text of [row.number, '申报提醒', '请按认定公告要求携带材料到确认点现场确认。', '网报待确认'])
      expect(reminder.text).toContain(text)
    const audited = await t
      .db('audit_log')
      .where({ action: 'certification.submit', target_id: String(row.id) })
    expect(audited).toHaveLength(1)
    expect(audited[0].detail.number).toBe(row.number)
    expect(await t.db('certification_status_history').where({ application_id: row.id })).toHaveLength(1)
    const locked = await t
      .db('info_item_uses')
      .where({ application_kind: 'certification', application_id: row.id })
    expect(locked.map((l) => l.item_kind).sort()).toEqual(['degree', 'education', 'mandarin'])
    // The back button after submit shows the record, never a second submission.
    expect((await w.a.get(`${BASE}/commitment`)).headers.location).toBe(`/certification/records/${row.id}`)
    const record = await w.a.get(`/certification/records/${row.id}`)
    expect(record.text).toContain(row.number)
  })

  it('masks the holder’s 证件号码 on the information step and shows it in full on 确认申报信息, to be checked', async () => {
    const w = await signedIn()
    await walk(w)
    const doc = w.applicant.doc_number
    const information = await w.a.get(`${BASE}/information`)
    expect(information.text).toContain(maskDocNumber(doc))
    expect(information.text).not.toContain(doc)
    const review = await w.a.get(`${BASE}/review`)
    expect(review.text).toMatch(new RegExp(`<dt>证件号码</dt>\\s*<dd>${doc}</dd>`))
  })

  it('shows the notice line on every page and needs the agreement ticked', async () => {
    const w = await signedIn()
    await w.a.get('/certification/start')
    const text = await refusedOn(w.a, await post(w.a, 'agreement', {}), 'agreement')
    expect(text).toContain('请勾选“已阅读并完全同意本协议”')
    expect(text).toContain('请注意，所有环节均完成，生成报名号之后方为报名成功!')
    expect(text).toContain('已阅读并完全同意本协议')
  })

  it('refuses an exam pass that has expired, and one that is not the applicant’s', async () => {
    const w = await signedIn({ examPass: { valid_until: '2026-09-14' } })
    await w.a.get('/certification/start')
    await post(w.a, 'agreement', { agree: 'yes' })
    const text = await refusedOn(w.a, await post(w.a, 'conditions', conditions(w)), 'conditions')
    expect(text).toContain(`考试合格证明（编号 ${w.pass.cert_number}）的有效期至 2026-09-14，已过期`)
    const other = await registryExamPassRow(t.db, { name: '别人', doc_number: '11010519491231002X' })
    const text2 = await refusedOn(
      w.a,
      await post(w.a, 'conditions', { ...conditions(w), examPass: other.cert_number }),
      'conditions',
    )
    expect(text2).toContain('请选择本人名下的考试合格证明')
  })

  it('refuses an authority that does not certify the type, and one whose window is closed or unplanned', async () => {
    const w = await signedIn({ examPass: { qualification_type: '4', subject: '数学' } })
    await w.a.get('/certification/start')
    await post(w.a, 'agreement', { agree: 'yes' })
    expect((await post(w.a, 'conditions', conditions(w))).headers.location).toBe(`${BASE}/authority`)
    const text = await refusedOn(w.a, await post(w.a, 'authority', authority()), 'authority')
    expect(text).toContain('不受理高级中学教师资格的认定申请')

    const closed = await certifyingAuthority(t.db, {
      qualification_types: ['4', '5', '6'],
      window: { start: '2026-10-01T00:00:00Z', end: '2026-10-31T00:00:00Z' },
    })
    expect(await refusedOn(w.a, await post(w.a, 'authority', authority(closed)), 'authority')).toContain(
      '当前时间不在该机构的网报时间段内',
    )
    const unplanned = await certifyingAuthority(t.db, { qualification_types: ['4', '5', '6'], window: null })
    expect(await refusedOn(w.a, await post(w.a, 'authority', authority(unplanned)), 'authority')).toContain(
      '该机构未设置网报计划，请联系所选的教育局。',
    )
    // The no-JS cascade: choosing the authority and 更新选项 shows the message for it.
    const shown = await w.a
      .post(`${BASE}/authority`)
      .type('form')
      .send({
        ...authority(closed),
        _action: 'refresh',
        _csrf: csrfFrom((await page(w.a, 'authority')).text),
      })
    expect((await w.a.get(shown.headers.location)).text).toContain('当前时间不在该机构的网报时间段内')
  })

  it('refuses education below the type’s minimum (Teachers Law art. 11)', async () => {
    const w = await signedIn({
      examPass: { qualification_type: '3', subject: '数学' },
      education: '中等师范学校/幼儿师范学校',
    })
    await w.a.get('/certification/start')
    await post(w.a, 'agreement', { agree: 'yes' })
    const text = await refusedOn(w.a, await post(w.a, 'conditions', conditions(w)), 'conditions')
    expect(text).toContain('申请初级中学教师资格，应当具备高等师范专科学校或者其他大学专科毕业及其以上学历')
  })

  it('applies the province’s rules kept in settings: its education table and its Mandarin rule', async () => {
    const w = await signedIn({ education: '大学专科' })
    await w.a.get('/certification/start')
    await post(w.a, 'agreement', { agree: 'yes' })
    // By the law (art. 11) a 大学专科 is enough for 小学, and nobody is exempt from the Mandarin test.
    let shown = await page(w.a, 'conditions')
    expect(shown.text).not.toContain('id="mandarin-exempt"')
    expect((await post(w.a, 'conditions', conditions(w))).headers.location).toBe(`${BASE}/authority`)

    const settings = [
      {
        key: 'certification_education_rules',
        value: JSON.stringify({ '2': { minimum: '21', wording: '大学本科毕业及其以上学历（本省规定）' } }),
      },
      { key: 'certification_mandarin_rule', value: JSON.stringify({ exemptionAllowed: true }) },
    ]
    await t.db('settings').insert(settings)
    try {
      shown = await page(w.a, 'conditions')
      expect(shown.text).toContain('id="mandarin-exempt"')
      const text = await refusedOn(w.a, await post(w.a, 'conditions', conditions(w)), 'conditions')
      expect(text).toContain('大学本科毕业及其以上学历（本省规定）')
    } finally {
      await t
        .db('settings')
        .whereIn(
          'key',
          settings.map((s) => s.key),
        )
        .delete()
    }
  })

  it('refuses a Mandarin grade below the rule for 语文', async () => {
    const w = await signedIn()
    await t
      .db('info_items')
      .where({ id: w.mandarin.id })
      .update({
        details: JSON.stringify({
          score: '82',
          grade: '二级乙等',
          issuer: '广西语委',
          issuedOn: '2020-05-01',
        }),
      })
    await w.a.get('/certification/start')
    await post(w.a, 'agreement', { agree: 'yes' })
    const text = await refusedOn(w.a, await post(w.a, 'conditions', conditions(w)), 'conditions')
    expect(text).toContain('普通话水平应当达到二级甲等及以上标准')
  })

  it('lets fresh graduates sync their 学籍 and continue only with 注册学籍', async () => {
    const w = await signedIn({ student: { status: '休学' } })
    await w.a.get('/certification/start')
    await post(w.a, 'agreement', { agree: 'yes' })
    const form = await page(w.a, 'conditions')
    const synced = await w.a
      .post(`${BASE}/conditions`)
      .type('form')
      .send({ ...conditions(w), freshGraduate: 'yes', _action: 'syncStudent', _csrf: csrfFrom(form.text) })
    const shown = (await w.a.get(synced.headers.location)).text
    expect(shown).toContain('已同步学籍信息')
    expect(shown).toContain('休学')
    const status = await t.db('info_student_status').where({ applicant_id: w.applicant.id }).first()
    const fresh = { ...conditions(w), freshGraduate: 'yes', studentStatus: String(status.id) }
    const text = await refusedOn(w.a, await post(w.a, 'conditions', fresh), 'conditions')
    expect(text).toContain('只有学籍状态为“注册学籍”的申请人才符合认定要求。')

    await t
      .db('info_student_status')
      .where({ id: status.id })
      .update({ status: '注册学籍', full_time: false })
    // sent to the bureau (系统设置's contact), not to the national site's mailbox the manual names
    await t
      .db('settings')
      .insert(
        Object.entries({ contact_email: 'jszg@taishan.example.cn', contact_phone: '0750-5550000' }).map(
          ([key, value]) => ({ key, value: JSON.stringify(value), updated_at: new Date() }),
        ),
      )
    try {
      const refused = await refusedOn(w.a, await post(w.a, 'conditions', fresh), 'conditions')
      expect(refused).toContain(
        '如同步到的学籍为非全日制学籍，请发邮件至jszg@taishan.example.cn或致电0750-5550000联系我们。',
      )
      expect(refused).not.toContain('jszgwb@163.com')
    } finally {
      await t.db('settings').whereIn('key', ['contact_email', 'contact_phone']).del()
    }
    await t.db('info_student_status').where({ id: status.id }).update({ full_time: true })
    expect((await post(w.a, 'conditions', fresh)).headers.location).toBe(`${BASE}/authority`)
  })

  it('offers 普通话免测 with the province’s policy note only while 系统设置 allows it', async () => {
    const w = await signedIn()
    await w.a.get('/certification/start')
    await post(w.a, 'agreement', { agree: 'yes' })
    expect((await page(w.a, 'conditions')).text).not.toContain('id="mandarin-exempt"')
    const note = '年满50周岁的，可申请普通话免测。'
    await t.db('settings').insert([
      {
        key: 'certification_mandarin_rule',
        value: JSON.stringify({ exemptionAllowed: true }),
        updated_at: new Date(),
      },
      { key: 'certification_mandarin_exemption_note', value: JSON.stringify(note), updated_at: new Date() },
    ])
    try {
      const shown = (await page(w.a, 'conditions')).text
      expect(shown).toContain('aria-describedby="mandarin-exempt-note"')
      expect(shown).toContain(`<p class="hint" id="mandarin-exempt-note">${note}</p>`)
      await t.db('settings').where({ key: 'certification_mandarin_exemption_note' }).del()
      expect((await page(w.a, 'conditions')).text).toContain(
        '选择普通话免测的，需符合普通话免测政策，具体普通话免测政策请以省级教育行政部门规定为准。</p></div>',
      )
    } finally {
      await t
        .db('settings')
        .whereIn('key', ['certification_mandarin_rule', 'certification_mandarin_exemption_note'])
        .del()
    }
  })

  it('refuses a second application of the type, and of another type, in the same year', async () => {
    const w = await signedIn()
    await walk(w)
    expect((await submit(w.a)).headers.location).toMatch(/\/reminder$/)
    const number = (await t.db('certification_applications').where({ applicant_id: w.applicant.id }).first())
      .number

    await w.a.get('/certification/start')
    await post(w.a, 'agreement', { agree: 'yes' })
    const same = await refusedOn(w.a, await post(w.a, 'conditions', conditions(w)), 'conditions')
    expect(same).toContain(`您已申请过小学教师资格认定（报名号 ${number}），不能重复申请同一资格种类。`)
    const other = await registryExamPassRow(t.db, w.applicant, { qualification_type: '3', subject: '数学' })
    const year = await refusedOn(
      w.a,
      await post(w.a, 'conditions', { ...conditions(w), examPass: other.cert_number }),
      'conditions',
    )
    expect(year).toContain('每人每个自然年度只能申请认定一种教师资格，您 2026 年已申请小学教师资格认定。')
  })

  it('re-checks the restriction list at submit, with a clear message', async () => {
    const w = await signedIn()
    await walk(w)
    await restrict(t.db, w.applicant, 'revoked', '2024-03-01')
    const text = await refusedOn(w.a, await submit(w.a), 'commitment')
    expect(text).toContain(
      '您的教师资格已被撤销（2024-03-01 列入限制库），自撤销之日起五年内不得重新申请认定，2029-03-02 起方可申请。',
    )
    expect(await t.db('certification_applications').where({ applicant_id: w.applicant.id })).toHaveLength(0)
  })

  it('re-checks the window at submit', async () => {
    const w = await signedIn()
    await walk(w)
    const form = await page(w.a, 'commitment')
    await t
      .db('online_windows')
      .where({ authority_id: county.authorityId, business: 'certification' })
      .update({ ends_at: new Date('2026-09-15T01:00:00Z') })
    const res = await w.a
      .post(`${BASE}/commitment`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text) })
    expect(res.headers.location).toBe(`/certification/closed?authority=${county.authorityId}`)
    expect((await w.a.get(res.headers.location)).text).toContain('当前时间不在该机构的网报时间段内')
    expect(await t.db('certification_applications').where({ applicant_id: w.applicant.id })).toHaveLength(0)
  })

  it('carries the manual’s clarity warning on the 证件照 page and the 个人承诺书 page', async () => {
    const w = await signedIn()
    await toInformation(w)
    const warning =
      '注意：个人照片和个人承诺书上传后，请务必检查是否清晰完整，如不清晰不完整，请务必重新上传符合要求的个人照片和个人承诺书，否则会影响教师资格认定申请表的生成与打印，影响后续认定审核工作。'
    expect((await w.a.get(`${BASE}/information`)).text).toContain(warning)
    await upload(w.a, 'information', 'photo', await idPhoto(), goodInformation())
    expect((await w.a.get(`${BASE}/commitment-scan`)).text).toContain(warning)
  })

  it('任教学科 follows the chosen 资格种类: 更新任教学科 brings the page back with that type’s subjects only', async () => {
    const w = await signedIn()
    const { a } = w
    await post(a, 'agreement', { agree: 'yes' })
    const subjectsAfter = async (qualificationType: string) => {
      const res = await post(a, 'conditions', {
        examRoute: 'non_national',
        qualificationType,
        _action: 'refresh',
      })
      const html = await refusedOn(a, res, 'conditions')
      const select = /<select[^>]*name="subject"[\s\S]*?<\/select>/.exec(html)?.[0] ?? ''
      return [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])
    }
    const primary = await subjectsAfter('2')
    expect(primary).toEqual(expect.arrayContaining(['语文', '道德与法治', '科学']))
    expect(primary).not.toContain('物理')
    expect(primary).not.toContain('思想政治')
    const senior = await subjectsAfter('4')
    expect(senior).toEqual(expect.arrayContaining(['物理', '思想政治', '通用技术']))
    expect(senior).not.toContain('道德与法治')
    expect(new Set(senior).size).toBe(senior.length)
    expect(await subjectsAfter('1')).toEqual([])
    // a subject of another type is refused on saving
    const refused = await post(a, 'conditions', {
      ...conditions(w),
      examRoute: 'non_national',
      examPass: '',
      qualificationType: '2',
      subject: '物理',
    })
    expect(await refusedOn(a, refused, 'conditions')).toContain('请选择任教学科')
  })

  it('catches previewed files that expired before 同意 at the review step, with links back to their steps', async () => {
    const w = await signedIn()
    const { a } = w
    await toInformation(w)
    await upload(a, 'information', 'photo', await idPhoto(), goodInformation())
    await commitmentStep(a)
    await post(a, 'collection', { collection: 'on_site' })
    expect((await post(a, 'resume', resume)).headers.location).toBe(`${BASE}/review`)
    expect((await page(a, 'review')).text).not.toContain('已失效')
    // the applicant comes back after 20 days and changes an answer (the run is kept as touched), then
    // is away again past the 30 days the previews are kept: the nightly purge removes them
    t.clock.advance(20 * 24 * 3600_000)
    expect((await a.get(`${BASE}/review`)).headers.location).toBe('/login')
    await loginAs(a, w.applicant)
    await post(a, 'collection', { collection: 'on_site' })
    t.clock.advance(11 * 24 * 3600_000)
    await purgeDrafts(t.services)
    expect((await a.get(`${BASE}/review`)).headers.location).toBe('/login')
    await loginAs(a, w.applicant)
    const review = (await page(a, 'review')).text
    for (const label of ['证件照', '个人承诺书扫描件', '个人承诺书（裁剪）'])
      expect(review).toContain(`${label}已失效（预览后未提交的文件已过保存期限被清除），请重新上传。`)
    expect(review).toContain(`<a href="${BASE}/information?edit=review">返回“认定信息”</a>`)
    expect(review).toContain(`<a href="${BASE}/commitment-scan?edit=review">返回“个人承诺书”</a>`)
    expect((await post(a, 'review', {})).headers.location).toBe(`${BASE}/review`)
    expect((await a.get(`${BASE}/commitment`)).headers.location).toBe(`${BASE}/review`)
    // a new photo from the linked step: its row is clear, the commitment's are not yet
    const form = await page(a, 'information?edit=review')
    let again = a.post(`${BASE}/information?edit=review`).field('_csrf', csrfFrom(form.text))
    for (const [k, v] of Object.entries(goodInformation())) again = again.field(k, v)
    const saved = await again.attach('photo', await idPhoto(), {
      filename: 'me.jpg',
      contentType: 'image/jpeg',
    })
    expect(saved.headers.location).toBe(`${BASE}/review`)
    const after = (await page(a, 'review')).text
    expect(after).not.toContain('证件照已失效')
    expect(after).toContain('个人承诺书扫描件已失效')
  })

  it('crops the 个人承诺书 by two corner clicks, and refuses to go on without a crop', async () => {
    const w = await signedIn()
    await toInformation(w)
    await upload(w.a, 'information', 'photo', await idPhoto(), goodInformation())
    const noCrop = await upload(w.a, 'commitment-scan', 'commitment', await commitmentScan())
    expect(await refusedOn(w.a, noCrop, 'commitment-scan')).toContain('请在扫描件上点击虚线框的两个对角')
    expect((await commitmentStep(w.a, 'clicks')).headers.location).toBe(`${BASE}/collection`)
    const saved = await t
      .db('wizard_progress')
      .where({ applicant_id: w.applicant.id, wizard_key: 'certification' })
      .first()
    const step = saved.data.values['commitment-scan']
    expect([step.cropLeft, step.cropTop, step.cropWidth, step.cropHeight]).toEqual([
      '100',
      '80',
      '900',
      '700',
    ])
    const crop = await t.db('files').where({ id: step.commitmentCropFileId }).first()
    expect(crop.kind).toBe('commitment_crop')
  })

  it('offers 邮寄 only where the authority posts certificates, and checks the postal details', async () => {
    const w = await signedIn()
    await toInformation(w)
    await upload(w.a, 'information', 'photo', await idPhoto(), goodInformation())
    await commitmentStep(w.a)
    const bad = {
      collection: 'post',
      recipient: '',
      recipientPhone: '123',
      postAddress: '青秀区',
      postPostcode: '5300',
    }
    const text = await refusedOn(w.a, await post(w.a, 'collection', bad), 'collection')
    expect(text).toContain('请填写收件人')
    expect(text).toContain('手机号码应为以1开头的11位数字')
    expect(text).toContain('邮编应为6位数字')
    const good = { ...bad, recipient: '覃丽', recipientPhone: '13900000002', postPostcode: '530022' }
    expect((await post(w.a, 'collection', good)).headers.location).toBe(`${BASE}/resume`)

    await t.db('authorities').where({ id: county.authorityId }).update({ posts_certificates: false })
    const refused = await refusedOn(w.a, await post(w.a, 'collection', good), 'collection')
    expect(refused).toContain('所选认定机构不提供证书邮寄服务，请选择现场领取。')
    expect(refused).not.toContain('value="post"')
  })

  it('adds and removes CV rows without JavaScript and checks their dates', async () => {
    const w = await signedIn()
    await toInformation(w)
    await upload(w.a, 'information', 'photo', await idPhoto(), goodInformation())
    await commitmentStep(w.a)
    await post(w.a, 'collection', { collection: 'on_site' })
    const form = await page(w.a, 'resume')
    expect(form.text).toContain('name="_action" value="addRow"')
    const added = await w.a
      .post(`${BASE}/resume`)
      .type('form')
      .send({ ...resume, _action: 'addRow', _csrf: csrfFrom(form.text) })
    const three = (await w.a.get(added.headers.location)).text
    expect(three.match(/name="rowStart"/g)).toHaveLength(3)
    const removed = await w.a
      .post(`${BASE}/resume`)
      .type('form')
      .send({ ...resume, _action: 'removeRow0', _csrf: csrfFrom(three) })
    const one = (await w.a.get(removed.headers.location)).text
    expect(one.match(/name="rowStart"/g)).toHaveLength(1)
    expect(one).toContain('王校长')
    expect(one).not.toContain('李老师')

    const overlap = { ...resume, rowStart: ['2014-09', '2017-07'] }
    expect(await refusedOn(w.a, await post(w.a, 'resume', overlap), 'resume')).toContain(
      '与上一条简历的时间重叠',
    )
    const reversed = { ...resume, rowEnd: ['2013-06', '2026-08'] }
    expect(await refusedOn(w.a, await post(w.a, 'resume', reversed), 'resume')).toContain(
      '结束时间不能早于开始时间',
    )
    const future = { ...resume, rowEnd: ['2018-06', '2026-10'] }
    expect(await refusedOn(w.a, await post(w.a, 'resume', future), 'resume')).toContain('时间不能晚于本月')
    const empty = { rowStart: [''], rowEnd: [''], rowUnit: [''], rowPost: [''], rowReferee: [''] }
    expect(await refusedOn(w.a, await post(w.a, 'resume', empty), 'resume')).toContain(
      '请至少填写一条个人简历',
    )
  })

  it('不同意 abandons the draft and returns to the platform', async () => {
    const w = await signedIn()
    await walk(w)
    const form = await page(w.a, 'commitment')
    const res = await w.a
      .post(`${BASE}/commitment`)
      .type('form')
      .send({ consent: 'disagree', _csrf: csrfFrom(form.text) })
    expect(res.headers.location).toBe('/platform')
    expect((await w.a.get('/platform')).text).toContain('已放弃本次教师资格认定报名')
    expect(
      await t.db('wizard_progress').where({ applicant_id: w.applicant.id, wizard_key: 'certification' }),
    ).toHaveLength(0)
    expect(await t.db('certification_applications').where({ applicant_id: w.applicant.id })).toHaveLength(0)
    expect((await w.a.get(`${BASE}/review`)).headers.location).toBe(`${BASE}/agreement`)
  })

  it('submits exactly once when the button is pressed twenty times at once', async () => {
    const w = await signedIn()
    await walk(w)
    const form = await page(w.a, 'commitment')
    const token = csrfFrom(form.text)
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        w.a.post(`${BASE}/commitment`).type('form').send({ consent: 'agree', _csrf: token }),
      ),
    )
    for (const r of answers) expect(r.status).toBe(303)
    const rows = await t.db('certification_applications').where({ applicant_id: w.applicant.id })
    expect(rows).toHaveLength(1)
    expect(
      await t.db('audit_log').where({ action: 'certification.submit', target_id: String(rows[0].id) }),
    ).toHaveLength(1)
  })

  it('answers 404 for another applicant’s record and reminder', async () => {
    const w = await signedIn()
    await walk(w)
    const done = await submit(w.a)
    const id = done.headers.location.split('/')[3]
    const other = await signedIn()
    expect((await other.a.get(`/certification/records/${id}`)).status).toBe(404)
    expect((await other.a.get(`/certification/records/${id}/reminder`)).status).toBe(404)
    expect((await w.a.get(`/certification/records/${id}`)).status).toBe(200)
  })
})
