import fs from 'node:fs'
import path from 'node:path'
import request from 'supertest'
import type { Response } from 'superagent'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { csrfFrom, type Agent } from '../helpers/http'
import { fakeBureau, swappable } from '../helpers/registrationFactories'
import { pdfImages, pdfPagePng, pdfPages, pdfText, qrOnPage, SCREENSHOTS } from '../services/pdfSupport'
import {
  applicantWithRegistration,
  bureauRows,
  scopedStaff,
  signedIn,
  twoAuthorities,
} from './registrationRecordsSupport'

// 申请表预览/下载 (applicant), 打印申请表 (staff, one or many in one PDF) and the /verify page the
// QR code opens — all through the real PDF service (warm Chromium, embedded font) and pdftotext.

const RECORDS = '/registration/records'
const STAFF = '/staff/registrations'
const bureau = swappable(fakeBureau([]))

/** Collects a binary body (PDF) instead of superagent's text parsing. */
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = []
  res.on('data', (c: Buffer) => chunks.push(c))
  res.on('end', () => done(null, Buffer.concat(chunks)))
}
const getPdf = (a: Agent, url: string) => a.get(url).buffer(true).parse(binary)

describe('the printed registration form (申请表)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      bureau: { registration: bureau.port },
      config: { rateLimits: { pdfPerUserPerMinute: 3, lookupPerIpPerMinute: 5 } },
    })
    await bureauRows(t, twoAuthorities())
  }, 60_000)
  afterAll(async () => {
    await t?.close()
  })
  beforeEach(() => {
    bureau.use(fakeBureau(twoAuthorities()))
    t.clock.set('2026-09-15T02:00:00Z')
  })

  it('opens the applicant’s form inline the instant it is submitted: every field, the photo, the number', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, { name: '𠮷娜仁·其其格' })
    const a = await signedIn(t, applicant)
    const res = await getPdf(a, `${RECORDS}/${registration.id}/form`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.headers['content-disposition']).toMatch(/^inline;/)
    expect(res.headers['cache-control']).toContain('no-store')
    const pdf = res.body as Buffer
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    const text = pdfText(pdf)
    for (const expected of [
      '教师资格定期注册申请表',
      registration.number,
      '𠮷娜仁·其其格',
      applicant.doc_number,
      '江门市台山市教育局',
      '台山市新宁小学',
      '华南师范大学',
      '汉语言文学',
    ])
      expect([expected, text.includes(expected)]).toEqual([expected, true])
    // the ID photo and the QR code are the two images
    expect(pdfImages(pdf).length).toBeGreaterThanOrEqual(2)
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    pdfPagePng(pdf, 1, 60, path.join(SCREENSHOTS, 'registration-form-route.png'))

    const download = await getPdf(a, `${RECORDS}/${registration.id}/form?download=1`)
    expect(download.status).toBe(200)
    expect(download.headers['content-disposition']).toMatch(/^attachment;/)
    expect(decodeURIComponent(download.headers['content-disposition'])).toContain(
      `教师资格定期注册申请表-${registration.number}.pdf`,
    )
  })

  it('prints a change at once: the form shows what the applicant changed', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const row = await t.db('registrations').where({ id: registration.id }).first()
    await t
      .db('registrations')
      .where({ id: registration.id })
      .update({ data: JSON.stringify({ ...row.data, currentSchool: '台山市台城第一小学' }) })
    const a = await signedIn(t, applicant)
    const text = pdfText((await getPdf(a, `${RECORDS}/${registration.id}/form`)).body)
    expect(text).toContain('台山市台城第一小学')
  })

  it('limits how many forms one account has rendered in a minute, with a page that says so', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await a.get(`${RECORDS}/${registration.id}/form`)).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const refused = await a.get(`${RECORDS}/${registration.id}/form`)
    expect(refused.status).toBe(429)
    expect(refused.headers['retry-after']).toMatch(/^\d+$/)
    expect(refused.text).toContain('生成申请表过于频繁，请稍后再试。')
    expect(refused.text).toContain(`${RECORDS}/${registration.id}`)
  })

  it('prints the selected applications of the staff member’s authority as one PDF (two copies each), audited', async () => {
    const one = await applicantWithRegistration(t, { status: 'confirmed', name: '甲一' })
    const two = await applicantWithRegistration(t, { status: 'confirmed', name: '乙二' })
    const elsewhere = await applicantWithRegistration(t, {
      status: 'confirmed',
      authorityId: 4,
      pointId: 41,
      name: '丙三',
    })
    const approver = await scopedStaff(t, 'registration_approver', 3)
    const queue = await approver.a.get(STAFF)
    const res = await approver.a
      .post(`${STAFF}/print`)
      .type('form')
      .send(
        `ids=${one.registration.id}&ids=${two.registration.id}&ids=${elsewhere.registration.id}&_csrf=${encodeURIComponent(csrfFrom(queue.text))}`,
      )
      .buffer(true)
      .parse(binary)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    const pdf = res.body as Buffer
    // 一式2份: two copies of each form
    expect(pdfPages(pdf)).toBe(4)
    const text = pdfText(pdf)
    expect(text).toContain(one.registration.number)
    expect(text).toContain(two.registration.number)
    // staff in scope: the 证件号码 in full, as on their detail page
    expect(text).toContain(one.applicant.doc_number)
    expect(text).not.toContain(elsewhere.registration.number)
    const audit = await t
      .db('audit_log')
      .where({ action: 'registration.print' })
      .orderBy('id', 'desc')
      .first()
    expect(audit.detail.numbers.sort()).toEqual([one.registration.number, two.registration.number].sort())

    const single = await getPdf(approver.a, `${STAFF}/${one.registration.id}/form`)
    expect(single.status).toBe(200)
    expect(pdfText(single.body)).toContain(one.registration.number)
    expect((await approver.a.get(`${STAFF}/${elsewhere.registration.id}/form`)).status).toBe(404)
  })

  it('prints a QR code of /verify with the form’s 核验码 (not the number): the number, the masked name and the 注册结论 only; the number and neighbouring codes find nothing; limited per address', async () => {
    const { applicant, registration } = await applicantWithRegistration(t, {
      name: '欧阳娜仁',
      status: 'confirmed',
    })
    const pdf = (await getPdf(await signedIn(t, applicant), `${RECORDS}/${registration.id}/form`))
      .body as Buffer
    const scanned = new URL((await qrOnPage(pdf))!)
    const code = scanned.searchParams.get('code')!
    expect(scanned.pathname).toBe('/verify')
    expect(code).toMatch(/^[a-z2-7]{26}$/)
    expect(scanned.href).not.toContain(registration.number)
    expect(pdfText(pdf).replace(/\s+/g, '')).toContain(`核验码：${code}`)
    const res = await request(t.app).get(scanned.pathname + scanned.search)
    expect(res.status).toBe(200)
    expect(res.text).toContain(registration.number)
    expect(res.text).toContain('教师资格定期注册')
    expect(res.text).toContain('待注册审批')
    expect(res.text).toContain('欧**仁')
    expect(res.text).not.toContain('娜仁')

    // Counting finds nothing: the number and its neighbours, asked either way, and a code one letter off.
    const number = Number(registration.number)
    const asked: number[] = []
    for (const n of [number, number - 1, number + 1])
      for (const q of [`no=${n}`, `code=${n}`]) {
        const r = await request(t.app).get(`/verify?${q}`)
        asked.push(r.status)
        expect(r.text).not.toContain('欧**仁')
      }
    expect(asked).toEqual([400, 400, 400, 400, 400, 400])
    const neighbour = `${code.slice(0, -1)}${code.endsWith('a') ? 'b' : 'a'}`
    expect((await request(t.app).get(`/verify?code=${neighbour}`)).status).toBe(404)

    // five look-ups a minute from one address (the scan, three numbers as codes, the neighbour)
    const refused = await request(t.app).get(scanned.pathname + scanned.search)
    expect(refused.status).toBe(429)
    expect(refused.text).toContain('查询过于频繁，请稍后再试。')
    expect(refused.text).not.toContain('欧**仁')
  })

  it('answers 503 with a page, not a broken file, when the PDF service cannot render', async () => {
    const { applicant, registration } = await applicantWithRegistration(t)
    const a = await signedIn(t, applicant)
    await t.services.pdf.close()
    const res = await a.get(`${RECORDS}/${registration.id}/form`)
    expect(res.status).toBe(503)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.text).toContain('申请表暂时无法生成，请稍后再试。')
  })
})
