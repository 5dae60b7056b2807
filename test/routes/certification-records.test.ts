import fs from 'node:fs'
import path from 'node:path'
import request from 'supertest'
import type { Response } from 'superagent'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import type { Agent } from '../helpers/http'
import { pdfImages, pdfPagePng, pdfText, qrOnPage, SCREENSHOTS } from '../services/pdfSupport'
import {
  applicantWithApplication,
  certifyingBureau,
  postFrom,
  scopedStaff,
  signedIn,
  type Bureau,
} from './certificationRecordsSupport'

// 教师资格认定信息 for the applicant: the list (and the platform card), 详情, 修改 only while 网报待确认
// inside the window (version-guarded), 申请表预览/下载 through the real PDF service, 有留言 and the
// /verify look-up of the printed QR code; another applicant's application does not exist.

const RECORDS = '/certification/records'
const STAFF = '/staff/certifications'

const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = []
  res.on('data', (c: Buffer) => chunks.push(c))
  res.on('end', () => done(null, Buffer.concat(chunks)))
}
const getPdf = (a: Agent, url: string) => a.get(url).buffer(true).parse(binary)

let t: TestApp
let bureau: Bureau

beforeAll(async () => {
  t = await appWithAllRoutes({ config: { rateLimits: { pdfPerUserPerMinute: 3, lookupPerIpPerMinute: 50 } } })
}, 60_000)
afterAll(async () => {
  await t?.close()
})
beforeEach(async () => {
  t.clock.set('2026-09-15T02:00:00Z')
  bureau = await certifyingBureau(t)
})

const edits = {
  ethnicity: '01',
  political: '13',
  majorCategory: 'normal',
  studyForm: 'full_time',
  employer: '南宁市青秀区凤翔路小学',
  occupation: '教师',
  technicalTitle: '无',
  household: '广西南宁市青秀区',
  birthplace: '广西南宁市',
  address: '广西南宁市青秀区民族大道100号',
  postcode: '530022',
  telephone: '',
  mobile: '13900000001',
}

describe('the records', () => {
  it('lists the applications on /certification/records and the platform card, with 详情, 修改 and 申请表', async () => {
    const { applicant, application } = await applicantWithApplication(t, bureau)
    const a = await signedIn(t, applicant)
    const list = await a.get(RECORDS)
    expect(list.status).toBe(200)
    for (const s of [
      application.number,
      '小学教师资格',
      '语文',
      '网报待确认',
      `${RECORDS}/${application.id}/edit`,
      `${RECORDS}/${application.id}/form`,
    ])
      expect(list.text).toContain(s)
    const platform = await a.get('/platform')
    expect(platform.text).toContain('教师资格认定信息')
    expect(platform.text).toContain(application.number)
    expect(platform.text).toContain(`${RECORDS}/${application.id}`)
  })

  it('keeps the 申报提醒 reachable from the record and the platform, after confirmation too', async () => {
    const { applicant, application } = await applicantWithApplication(t, bureau, {
      status: 'awaiting_review',
    })
    const a = await signedIn(t, applicant)
    const link = `href="${RECORDS}/${application.id}/reminder">申报提醒</a>`
    expect((await a.get(`${RECORDS}/${application.id}`)).text).toContain(link)
    expect((await a.get('/platform')).text).toContain(link)
    const reminder = await a.get(`${RECORDS}/${application.id}/reminder`)
    expect(reminder.status).toBe(200)
    expect(reminder.text).toContain(application.number)
  })

  it('shows 详情: every answer labelled, the CV, photo and crop, the history', async () => {
    const { applicant, application, files } = await applicantWithApplication(t, bureau, { name: '韦小宝' })
    const a = await signedIn(t, applicant)
    const page = await a.get(`${RECORDS}/${application.id}`)
    expect(page.status).toBe(200)
    for (const s of [
      '韦小宝',
      '工作单位',
      '南宁市青秀区滨湖路小学',
      '通讯地址',
      '个人简历',
      '代课教师',
      '王校长',
      '办理记录',
      `/files/${files.photo}`,
      `/files/${files.crop}`,
      `/files/${files.scan}`,
    ])
      expect([s, page.text.includes(s)]).toEqual([s, true])
    for (const id of Object.values(files)) expect((await a.get(`/files/${id}`)).status).toBe(200)
  })

  it('修改 saves 认定信息 while 网报待确认, checks the answers and the version, and refuses otherwise', async () => {
    const { applicant, application } = await applicantWithApplication(t, bureau)
    const a = await signedIn(t, applicant)
    const edit = `${RECORDS}/${application.id}/edit`
    const bad = await postFrom(a, edit, edit, { ...edits, mobile: '123', ethnicity: '99', version: '1' })
    expect(bad.headers.location).toBe(edit)
    const shown = await a.get(edit)
    expect(shown.text).toContain('手机号码应为以1开头的11位数字')
    expect(shown.text).toContain('请从列表中选择')
    const ok = await postFrom(a, edit, edit, { ...edits, version: '1' })
    expect(ok.headers.location).toBe(`${RECORDS}/${application.id}`)
    const row = await t.db('certification_applications').where({ id: application.id }).first()
    expect(row.data.employer).toBe('南宁市青秀区凤翔路小学')
    expect(row.version).toBe(2)
    expect(
      await t.db('audit_log').where({ action: 'certification.edit', target_id: String(application.id) }),
    ).toHaveLength(1)
    // a stale form (version 1 again) is refused
    const stale = await postFrom(a, edit, edit, { ...edits, employer: '旧页面', version: '1' })
    expect(stale.headers.location).toBe(edit)
    expect((await a.get(edit)).text).toContain('该申请已被他人处理，请刷新后重试')
    // outside the window (closed early by the bureau)
    await t
      .db('online_windows')
      .where({ authority_id: bureau.authorityId })
      .update({ ends_at: new Date('2026-09-14T00:00:00Z') })
    const closed = await a.get(edit)
    expect(closed.headers.location).toBe(`${RECORDS}/${application.id}`)
    expect((await a.get(closed.headers.location)).text).toContain('当前时间不在该机构的网报时间段内')
    expect((await a.get(RECORDS)).text).not.toContain(`${edit}"`)
  })

  it('offers no 修改 once the point has confirmed', async () => {
    const { applicant, application } = await applicantWithApplication(t, bureau, {
      status: 'awaiting_review',
    })
    const a = await signedIn(t, applicant)
    const edit = `${RECORDS}/${application.id}/edit`
    expect((await a.get(RECORDS)).text).not.toContain(`${edit}"`)
    const res = await a.get(edit)
    expect(res.status).toBe(303)
    expect((await a.get(res.headers.location)).text).toContain(
      '只有认定状态为“网报待确认”时，才可以修改报名信息',
    )
    const posted = await postFrom(a, `${RECORDS}/${application.id}`, edit, { ...edits, version: '1' })
    expect(posted.headers.location).toBe(`${RECORDS}/${application.id}`)
    expect((await t.db('certification_applications').where({ id: application.id }).first()).version).toBe(1)
  })

  it('answers 404 on every :id route of another applicant’s application', async () => {
    const { application, files } = await applicantWithApplication(t, bureau)
    const other = await applicantWithApplication(t, bureau)
    const b = await signedIn(t, other.applicant)
    for (const p of ['', '/edit', '/form', '/messages', '/reminder'])
      expect([p, (await b.get(`${RECORDS}/${application.id}${p}`)).status]).toEqual([p, 404])
    const post = await postFrom(b, RECORDS, `${RECORDS}/${application.id}/edit`, { ...edits, version: '1' })
    expect(post.status).toBe(404)
    for (const id of Object.values(files)) expect((await b.get(`/files/${id}`)).status).toBe(404)
    for (const p of ['abc', '99999999999', '1e3']) expect((await b.get(`${RECORDS}/${p}`)).status).toBe(404)
  })
})

describe('the printed certification form (申请表)', () => {
  it('opens the form with name, number, photo, crop, CV and QR; bulk print puts many in one PDF', async () => {
    const { applicant, application } = await applicantWithApplication(t, bureau, { name: '覃丽华' })
    const a = await signedIn(t, applicant)
    const res = await getPdf(a, `${RECORDS}/${application.id}/form`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.headers['content-disposition']).toMatch(/^inline;/)
    const pdf = res.body as Buffer
    const text = pdfText(pdf)
    for (const s of [
      '教师资格认定申请表',
      application.number,
      '覃丽华',
      applicant.doc_number,
      '小学教师资格',
      '南宁市青秀区滨湖路小学',
      '代课教师',
      '二级甲等',
      '广西师范大学',
    ])
      expect([s, text.includes(s)]).toEqual([s, true])
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    pdfPagePng(pdf, 1, 60, path.join(SCREENSHOTS, 'certification-form-route.png'))
    // the images (photo, crop, QR code; the PNG above shows all three in place)
    expect(pdfImages(pdf).length).toBeGreaterThanOrEqual(2)
    const download = await getPdf(a, `${RECORDS}/${application.id}/form?download=1`)
    expect(download.headers['content-disposition']).toMatch(/^attachment;/)

    const second = await applicantWithApplication(t, bureau, { name: '黄小梅' })
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    const printed = await postFrom(clerk.a, STAFF, `${STAFF}/print`, {
      ids: [String(application.id), String(second.application.id)],
    })
    expect(printed.status).toBe(200)
    expect(printed.headers['content-type']).toBe('application/pdf')
    const both = pdfText(Buffer.from(printed.body as Buffer))
    expect(both).toContain('覃丽华')
    expect(both).toContain('黄小梅')
  }, 60_000)

  it('limits the PDFs per account (rate limit pdf)', async () => {
    const { applicant, application } = await applicantWithApplication(t, bureau)
    const a = await signedIn(t, applicant)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await getPdf(a, `${RECORDS}/${application.id}/form`)).status)
    expect(statuses).toEqual([200, 200, 200, 429])
  }, 60_000)
})

describe('/verify', () => {
  it('answers the form’s QR code (its 核验码) with the number, the masked name and the 认定状态; the number finds nothing', async () => {
    const { applicant, application } = await applicantWithApplication(t, bureau, { name: '覃丽' })
    const pdf = (await getPdf(await signedIn(t, applicant), `${RECORDS}/${application.id}/form`))
      .body as Buffer
    const scanned = new URL((await qrOnPage(pdf))!)
    expect(scanned.searchParams.get('code')).toMatch(/^[a-z2-7]{26}$/)
    expect(scanned.href).not.toContain(application.number)
    const res = await request(t.app).get(scanned.pathname + scanned.search)
    expect(res.status).toBe(200)
    expect(res.text).toContain(application.number)
    expect(res.text).toContain('教师资格认定')
    expect(res.text).toContain('网报待确认')
    expect(res.text).toContain('覃*')
    expect(res.text).not.toContain('覃丽<')
    for (const q of [`no=${application.number}`, `code=${application.number}`]) {
      const byNumber = await request(t.app).get(`/verify?${q}`)
      expect(byNumber.status).toBe(400)
      expect(byNumber.text).not.toContain('网报待确认')
    }
  }, 60_000)
})
