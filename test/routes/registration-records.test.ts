import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { idPhoto, school } from '../helpers/registrationFactories'
import { csrfFrom } from '../helpers/http'
import { fakeBureau, swappable } from '../helpers/registrationFactories'
import { maskDocNumber } from '../../src/domain/idNumber'
import {
  INFORMATION,
  applicantWithRegistration,
  bureauRows,
  postFrom,
  scopedStaff,
  signedIn,
  twoAuthorities,
} from './registrationRecordsSupport'

const RECORDS = '/registration/records'
let t: TestApp
const bureau = swappable(fakeBureau([]))

beforeAll(async () => {
  t = await appWithAllRoutes({ bureau: { registration: bureau.port } })
  await school(t.db, '华南师范大学')
  await bureauRows(t, twoAuthorities())
})
afterAll(async () => {
  await t.close()
})
beforeEach(() => {
  bureau.use(fakeBureau(twoAuthorities()))
  t.clock.set('2026-09-15T02:00:00Z')
})

describe('我的注册', () => {
  it('after the authority’s 申请表下载截止 both 申请表 links refuse with the manual’s sentence on the record; before it the record and 申报提醒 state the date', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const here = `${RECORDS}/${registration.id}`
    // the fake authority's last day is 2026-12-31: at 23:00 that day downloading is still open
    t.clock.set('2026-12-31T15:00:00Z')
    let a = await signedIn(t, applicant)
    const until =
      '申请表下载截止日期：2026年12月31日。注册结束后，《教师资格定期注册申请表》将不能在系统下载。'
    const before = await a.get(here)
    expect(before.text).toContain(until)
    expect(before.text).toContain(`href="${here}/form?download=1"`)
    expect((await a.get(`${here}/reminder`)).text).toContain(until)
    t.clock.set('2026-12-31T16:30:00Z')
    a = await signedIn(t, applicant)
    for (const link of [`${here}/form`, `${here}/form?download=1`]) {
      const refused = await a.get(link)
      expect(refused.status).toBe(303)
      expect(refused.headers.location).toBe(here)
      const record = await a.get(here)
      expect(
        record.text.match(/注册结束后，《教师资格定期注册申请表》将不能在系统下载。/g)?.length,
      ).toBeGreaterThanOrEqual(2)
    }
    expect((await a.get(here)).text).not.toContain(`href="${here}/form?download=1"`)
  })

  it('lists the record with its columns, the status as the manual words it and the actions', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    const page = await a.get(RECORDS)
    expect(page.status).toBe(200)
    for (const text of [
      registration.number,
      '小学',
      '网报待确认',
      '信息提交成功，等待现场确认',
      '江门市台山市教育局',
      '注意事项',
      '详情',
      '修改',
      '申请表预览/下载',
    ])
      expect(page.text).toContain(text)
    expect(page.text).toContain(`${RECORDS}/${registration.id}/edit`)
    expect(page.text).toContain(`${RECORDS}/${registration.id}/form`)
    expect(page.text).not.toContain('有留言')
    // the 业务平台 shows the same row and actions
    const platform = await a.get('/platform')
    expect(platform.text).toContain(registration.number)
    expect(platform.text).toContain(`${RECORDS}/${registration.id}/edit`)
  })

  it('offers no 修改 once the point has confirmed', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, { status: 'confirmed' })
    const a = await signedIn(t, applicant)
    const page = await a.get(RECORDS)
    expect(page.text).toContain('待注册审批')
    expect(page.text).toContain('信息已确认，待审批')
    expect(page.text).not.toContain(`${RECORDS}/${registration.id}/edit`)
  })

  it('shows every answer, the photo and the history on 详情', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    const page = await a.get(`${RECORDS}/${registration.id}`)
    expect(page.status).toBe(200)
    for (const text of [
      registration.number,
      // masked on 详情: the full number is on the 申请表 the holder checks and signs
      maskDocNumber(applicant.doc_number),
      '华南师范大学',
      '台山市台城桂水小学',
      '广东省台山市台城街道环市路1号',
      '529200',
      '台山市新宁小学',
      '办理记录',
      '/files/',
    ])
      expect(page.text).toContain(text)
  })

  it('lists the missing materials when 确认未通过', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, { status: 'confirmation_failed' })
    await t
      .db('registrations')
      .where({ id: registration.id })
      .update({ missing_materials: ['身份证原件', '聘用合同或劳动合同'] })
    const a = await signedIn(t, applicant)
    const page = await a.get(`${RECORDS}/${registration.id}`)
    expect(page.text).toContain('经审核材料不全，请向确认机构提交补齐')
    expect(page.text).toContain('身份证原件')
    expect(page.text).toContain('聘用合同或劳动合同')
  })
})

describe('修改', () => {
  it('saves changed answers over the snapshot, guarded by version, and audits', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    const edit = `${RECORDS}/${registration.id}/edit`
    const res = await postFrom(a, edit, edit, {
      ...INFORMATION,
      currentSchool: '台山市台城第一小学',
      version: String(registration.version),
    })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe(`${RECORDS}/${registration.id}`)
    const row = await t.db('registrations').where({ id: registration.id }).first()
    expect(row.data.currentSchool).toBe('台山市台城第一小学')
    expect(row.data.identity.doc_number).toBe(applicant.doc_number)
    expect(row.version).toBe(registration.version + 1)
    expect(row.status).toBe('pending_confirmation')
    const audit = await t
      .db('audit_log')
      .where({ action: 'registration.edit', target_id: String(registration.id) })
    expect(audit).toHaveLength(1)
    // (the fixture's identity snapshot is partial, so it is taken again in full)
    expect(audit[0].detail.changed).toEqual(['currentSchool', 'identity'])

    // the same (now stale) version again: someone changed it first
    const stale = await postFrom(a, edit, edit, { ...INFORMATION, version: String(registration.version) })
    expect(stale.headers.location).toBe(edit)
    expect((await a.get(edit)).text).toContain('该申请已被他人处理，请刷新后重试')
  })

  it('takes the identity again and replaces the ID photo with a new one, shown first', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const before = await t.db('registrations').where({ id: registration.id }).first()
    await t.db('applicants').where({ id: applicant.id }).update({ name: '薛明明' })
    const a = await signedIn(t, applicant)
    const edit = `${RECORDS}/${registration.id}/edit`
    const form = await a.get(edit)
    expect(form.text).toContain('enctype="multipart/form-data"')
    expect(form.text).toContain('更换证件照（不更换可不选择文件）')
    const multipart = (fields: Record<string, string>, photo?: Buffer) => {
      let r = a.post(edit)
      for (const [k, v] of Object.entries({ ...fields, _csrf: csrfFrom(form.text) })) r = r.field(k, v)
      return photo ? r.attach('photo', photo, { filename: 'new.jpg', contentType: 'image/jpeg' }) : r
    }
    // 上传并预览: nothing saved yet, the normalised draft shown
    const preview = await multipart(
      { ...INFORMATION, version: String(before.version), _action: 'preview' },
      await idPhoto(),
    )
    expect(preview.status).toBe(303)
    const shown = await a.get(edit)
    const draftId = /name="photoFileId" value="([0-9a-f-]{36})"/.exec(shown.text)?.[1]
    expect(draftId).toBeDefined()
    expect((await t.db('registrations').where({ id: registration.id }).first()).photo_file_id).toBe(
      before.photo_file_id,
    )
    // 提交 with the draft: the new photo and the new name are the application's
    const saved = await multipart({ ...INFORMATION, version: String(before.version), photoFileId: draftId! })
    expect(saved.headers.location).toBe(`${RECORDS}/${registration.id}`)
    const after = await t.db('registrations').where({ id: registration.id }).first()
    expect(after.photo_file_id).toBe(draftId)
    expect(after.data.identity.name).toBe('薛明明')
    expect((await t.db('files').where({ id: draftId }).first()).draft).toBe(false)
    const audit = await t
      .db('audit_log')
      .where({ action: 'registration.edit', target_id: String(registration.id) })
      .first()
    expect(audit.detail.changed).toEqual(expect.arrayContaining(['identity', 'photo']))
  })

  it('refuses a photo that breaks the rules, keeping what was typed', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    const edit = `${RECORDS}/${registration.id}/edit`
    const form = await a.get(edit)
    const res = await a
      .post(edit)
      .field({
        ...INFORMATION,
        currentSchool: '台山市台城第二小学',
        version: String(registration.version),
        _csrf: csrfFrom(form.text),
      })
      .attach('photo', Buffer.from('not an image at all'), { filename: 'x.jpg', contentType: 'image/jpeg' })
    expect(res.headers.location).toBe(edit)
    const page = await a.get(edit)
    expect(page.text).toContain('href="#photo"')
    expect(page.text).toContain('台山市台城第二小学')
    expect((await t.db('registrations').where({ id: registration.id }).first()).version).toBe(
      registration.version,
    )
  })

  it('refuses what the wizard refuses (岗位性质 against 任教学校性质, bad postcode)', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    const edit = `${RECORDS}/${registration.id}/edit`
    const res = await postFrom(a, edit, edit, {
      ...INFORMATION,
      postcode: '5292',
      version: String(registration.version),
    })
    expect(res.headers.location).toBe(edit)
    expect((await a.get(edit)).text).toContain('通讯邮编应为6位数字')
    const row = await t.db('registrations').where({ id: registration.id }).first()
    expect(row.version).toBe(registration.version)
  })

  it('closes when the window ends (clock moved; sessions expire, so each look signs in again)', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, { pointId: 31 })
    const edit = `${RECORDS}/${registration.id}/edit`
    t.clock.set('2026-10-31T15:59:00Z')
    expect((await (await signedIn(t, applicant)).get(edit)).status).toBe(200)
    // 确认结束时间 (11-10 17:00) is after the window's end (10-31 24:00) here: the window closes first
    t.clock.set('2026-10-31T16:00:00Z')
    const a = await signedIn(t, applicant)
    const closed = await a.get(edit)
    expect(closed.status).toBe(303)
    expect((await a.get(closed.headers.location)).text).toContain('当前时间不在该机构的网报时间段内')
  })

  it('closes at a 确认结束时间 that comes before the window ends, on GET and on POST', async () => {
    const authorities = twoAuthorities()
    authorities[0].points[0].confirmEnd = new Date('2026-09-20T09:00:00Z')
    bureau.use(fakeBureau(authorities))
    const { applicant, registration } = await applicantWithRegistration(t, { pointId: 31 })
    const edit = `${RECORDS}/${registration.id}/edit`
    t.clock.set('2026-09-20T08:59:00Z')
    const a = await signedIn(t, applicant)
    const page = await a.get(edit)
    expect(page.status).toBe(200)
    expect((await a.get(RECORDS)).text).toContain(edit)
    t.clock.set('2026-09-20T09:00:00Z')
    expect((await a.get(RECORDS)).text).not.toContain(edit)
    const res = await a
      .post(edit)
      .type('form')
      .send({
        ...INFORMATION,
        version: String(registration.version),
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1],
      })
    expect(res.headers.location).toBe(`${RECORDS}/${registration.id}`)
    expect((await a.get(res.headers.location)).text).toContain(
      '现场确认时间已结束，申报信息只能查看不允许修改。',
    )
    const row = await t.db('registrations').where({ id: registration.id }).first()
    expect(row.version).toBe(registration.version)
  })

  it('is refused once the application is no longer 网报待确认', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, { status: 'confirmed' })
    const a = await signedIn(t, applicant)
    const res = await a.get(`${RECORDS}/${registration.id}/edit`)
    expect(res.status).toBe(303)
    expect((await a.get(res.headers.location)).text).toContain('只有注册结论为“网报待确认”，才可以修改')
  })

  it('highlights the fields staff named when returning it, and clears the note once saved', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, { status: 'confirmed' })
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const detail = `/staff/registrations/${registration.id}`
    await postFrom(clerk.a, detail, `${detail}/transition`, {
      name: 'return_for_correction',
      version: String(registration.version),
      fields: ['currentSchool', 'address'],
      reason: '现任教学校应填写全称',
    })
    const a = await signedIn(t, applicant)
    const page = await a.get(`${RECORDS}/${registration.id}`)
    expect(page.text).toContain('工作人员已退回，请修改以下信息')
    expect(page.text).toContain('现任教学校应填写全称')
    expect(page.text).toContain('需修改')
    const edit = `${RECORDS}/${registration.id}/edit`
    const form = await a.get(edit)
    expect(form.status).toBe(200)
    expect(form.text).toContain('现任教学校（需修改）')
    expect(form.text).toContain('通讯地址（需修改）')
    await postFrom(a, edit, edit, {
      ...INFORMATION,
      currentSchool: '台山市台城桂水小学（全称）',
      version: String(registration.version + 1),
    })
    const row = await t.db('registrations').where({ id: registration.id }).first()
    expect(row.correction).toBeNull()
    expect(row.data.currentSchool).toBe('台山市台城桂水小学（全称）')
  })
})

describe('选错注册机构', () => {
  it('lets the applicant choose another authority inside the window, back to 网报待确认', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, { status: 'wrong_authority' })
    await t.db('registrations').where({ id: registration.id }).update({ reason: '请选择开平市教育局' })
    const a = await signedIn(t, applicant)
    const detail = await a.get(`${RECORDS}/${registration.id}`)
    expect(detail.text).toContain('经审核您选错了注册机构。请更正')
    expect(detail.text).toContain(`${RECORDS}/${registration.id}/authority`)
    const url = `${RECORDS}/${registration.id}/authority`
    const page = await a.get(url)
    expect(page.text).toContain('江门市开平市教育局')
    const res = await postFrom(a, url, url, {
      provinceCode: '440000',
      cityCode: '440700',
      stage: '2',
      subject: 'chinese',
      authorityId: '4',
      pointId: '41',
      version: String(registration.version),
    })
    expect(res.headers.location).toBe(`${RECORDS}/${registration.id}`)
    const row = await t.db('registrations').where({ id: registration.id }).first()
    expect(row.status).toBe('pending_confirmation')
    expect(Number(row.authority_id)).toBe(4)
    expect(Number(row.point_id)).toBe(41)
    expect(row.data.authorityName).toBe('江门市开平市教育局')
    const history = await t
      .db('registration_status_history')
      .where({ registration_id: registration.id })
      .orderBy('id')
    expect(history.at(-1)).toMatchObject({
      from_status: 'wrong_authority',
      to_status: 'pending_confirmation',
    })
  })

  it('is closed when the window has ended', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, { status: 'wrong_authority' })
    t.clock.set('2026-11-01T00:00:00Z')
    const a = await signedIn(t, applicant)
    expect((await a.get(`${RECORDS}/${registration.id}`)).text).toContain('网报时间已结束')
    expect((await a.get(`${RECORDS}/${registration.id}/authority`)).status).toBe(303)
  })
})

describe('有留言', () => {
  it('shows 有留言 with the unread count; opening the messages marks them read', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const clerk = await scopedStaff(t, 'confirmation_clerk', 32)
    const detail = `/staff/registrations/${registration.id}`
    await postFrom(clerk.a, detail, `${detail}/messages`, { body: '请携带聘用合同原件到现场确认。' })
    await postFrom(clerk.a, detail, `${detail}/messages`, { body: '确认时间为工作日。' })
    expect((await (await signedIn(t, applicant)).get(RECORDS)).text).toContain('有留言（2条未读）')
    t.clock.set('2026-09-16T02:00:00Z')
    const a = await signedIn(t, applicant)
    const inbox = await a.get(`${RECORDS}/${registration.id}/messages`)
    expect(inbox.text).toContain('请携带聘用合同原件到现场确认。')
    expect(inbox.text).toContain('新留言')
    const rows = await t.db('registration_messages').where({ registration_id: registration.id })
    expect(
      rows.every((r) => r.read_at && new Date(r.read_at).toISOString() === '2026-09-16T02:00:00.000Z'),
    ).toBe(true)
    const list = await a.get(RECORDS)
    expect(list.text).toContain('有留言')
    expect(list.text).not.toContain('条未读')
    expect((await a.get(`${RECORDS}/${registration.id}/messages`)).text).not.toContain('新留言')
  })
})

describe('ownership', () => {
  it('answers 404 to another applicant on every :id route', async () => {
    const { registration } = await applicantWithRegistration(t, { status: 'wrong_authority' })
    const other = await createApplicant(t.db, { name: '李四' })
    const b = await signedIn(t, other)
    const id = registration.id
    for (const path of ['', '/edit', '/authority', '/form', '/messages', '/reminder'])
      expect([path, (await b.get(`${RECORDS}/${id}${path}`)).status]).toEqual([path, 404])
    const own = await b.get(RECORDS)
    for (const path of ['/edit', '/authority']) {
      const res = await b
        .post(`${RECORDS}/${id}${path}`)
        .type('form')
        .send({
          ...INFORMATION,
          version: '1',
          _csrf: /name="_csrf" value="([^"]+)"/.exec(own.text)?.[1] ?? '',
        })
      expect([path, res.status]).toEqual([path, 404])
    }
    const row = await t.db('registrations').where({ id }).first()
    expect(row.version).toBe(1)
  })
})
