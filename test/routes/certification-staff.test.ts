import ExcelJS from 'exceljs'
import { appPerFile, type TestApp } from '../helpers/app'
import type { Agent } from '../helpers/http'
import { transitionCertification } from '../../src/modules/certification/issue'
import { certificatesOf } from '../../src/modules/registration/repository'
import { CONFIRMATION_MESSAGES } from '../../src/domain/confirmation'
import {
  applicantWithApplication,
  certifyingBureau,
  postFrom,
  scopedStaff,
  signedIn,
  type Bureau,
} from './certificationRecordsSupport'

const STAFF = '/staff/certifications'
let t: TestApp
let bureau: Bureau

appPerFile(async (app) => {
  t = app
  t.clock.set('2026-09-15T02:00:00Z')
  bureau = await certifyingBureau(t)
})

const rowOf = async (id: number) => t.db('certification_applications').where({ id }).first()

/** Posts a decision from the detail page (its CSRF token, the version it shows). */
async function decide(a: Agent, id: number, name: string, extra: Record<string, string | string[]> = {}) {
  const res = await postFrom(a, `${STAFF}/${id}`, `${STAFF}/${id}/transition`, {
    name,
    version: String((await rowOf(id)).version),
    ...extra,
  })
  expect(res.status).toBe(303)
  return (await a.get(res.headers.location)).text
}

describe('queue', () => {
  it('shows a point’s clerk only their point’s applications, with filters, paging and links', async () => {
    const mine = await applicantWithApplication(t, bureau, { name: '王小明' })
    const other = await applicantWithApplication(t, bureau, { pointId: bureau.otherPointId, name: '赵其他' })
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    const page = await clerk.a.get(STAFF)
    expect(page.status).toBe(200)
    expect(page.text).toContain(mine.application.number)
    expect(page.text).not.toContain(other.application.number)
    expect((await clerk.a.get(`${STAFF}?q=${encodeURIComponent('王小明')}`)).text).toContain(
      mine.application.number,
    )
    expect((await clerk.a.get(`${STAFF}?q=${mine.applicant.doc_number}`)).text).toContain(
      mine.application.number,
    )
    expect((await clerk.a.get(`${STAFF}?q=${other.application.number}`)).text).toContain('没有符合条件的申请')
    expect((await clerk.a.get(`${STAFF}?status=approved`)).text).not.toContain(mine.application.number)
    expect((await clerk.a.get(`${STAFF}?status=&from=2026-09-13`)).text).not.toContain(
      mine.application.number,
    )
    expect((await clerk.a.get(`${STAFF}?status=&from=2026-09-12&to=2026-09-12`)).text).toContain(
      mine.application.number,
    )
    // The console offers one card for the page.
    const home = await clerk.a.get('/staff')
    expect(home.text).toContain('href="/staff/certifications"')
    expect(home.text.split('href="/staff/certifications"')).toHaveLength(2)
  })

  it('starts an approver on 待审核 of their authority, 50 to a page', async () => {
    for (let i = 0; i < 52; i++)
      await applicantWithApplication(t, bureau, {
        status: 'awaiting_review',
        submittedAt: new Date(Date.UTC(2026, 8, 10, 0, i)),
      })
    const pending = await applicantWithApplication(t, bureau)
    const approver = await scopedStaff(t, 'certification_approver', bureau.authorityId)
    const first = await approver.a.get(STAFF)
    expect(first.text).toContain('共 52 条，第 1 / 2 页')
    expect(first.text).not.toContain(pending.application.number)
    expect(first.text).toContain('rel="next"')
    const second = await approver.a.get(`${STAFF}?status=awaiting_review&page=2`)
    expect(second.text).toContain('第 2 / 2 页')
    expect((await approver.a.get(`${STAFF}?status=`)).text).toContain('共 53 条')
  })

  it('exports the filter as CSV (BOM) and XLSX, audited', async () => {
    const mine = await applicantWithApplication(t, bureau, { name: '=危险' })
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    const csv = await clerk.a.get(`${STAFF}/export.csv?status=`)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.text.charCodeAt(0)).toBe(0xfeff)
    expect(csv.text).toContain('报名号,姓名,证件号码,申请资格种类')
    expect(csv.text).toContain(mine.application.number)
    expect(csv.text).toContain("'=危险")
    const xlsx = await clerk.a
      .get(`${STAFF}/export.xlsx?status=`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => cb(null, Buffer.concat(chunks)))
      })
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer)
    const sheet = book.getWorksheet('教师资格认定')!
    expect(sheet.getRow(2).getCell(1).value).toBe(mine.application.number)
    expect(await t.db('audit_log').where({ action: 'certification.export' })).not.toHaveLength(0)
  })
})

describe('decisions', () => {
  it('confirm → 待审核 → 认定通过 issues a certificate number into the registry', async () => {
    const { application, applicant } = await applicantWithApplication(t, bureau)
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    const approver = await scopedStaff(t, 'certification_approver', bureau.authorityId)
    // The approver cannot act before the point confirms.
    expect(await decide(approver.a, application.id, 'approve')).toContain('当前认定状态下不能进行该操作')
    expect(await decide(clerk.a, application.id, 'confirm')).toContain('已处理：确认通过')
    expect((await rowOf(application.id)).status).toBe('awaiting_review')
    // The clerk cannot approve.
    expect(await decide(clerk.a, application.id, 'approve')).toContain('当前认定状态下不能进行该操作')
    const page = await decide(approver.a, application.id, 'approve')
    const row = await rowOf(application.id)
    expect(row.status).toBe('approved')
    const code = (await t.db('authorities').where({ id: bureau.authorityId }).first()).certificate_bureau_code
    expect(row.certificate_number).toMatch(new RegExp(`^202645${code}22\\d{6}$`))
    expect(page).toContain(row.certificate_number)
    const cert = await t.db('registry_certificates').where({ cert_number: row.certificate_number }).first()
    expect(cert).toMatchObject({
      holder_name: applicant.name,
      doc_number: applicant.doc_number,
      qualification_type: '2',
      subject: '语文',
    })
    const history = await t
      .db('certification_status_history')
      .where({ application_id: application.id })
      .orderBy('id')
    expect(history.map((h) => h.to_status)).toEqual(['pending_confirmation', 'awaiting_review', 'approved'])
    const audit = await t
      .db('audit_log')
      .where({ target_id: String(application.id) })
      .whereIn('action', ['certification.confirm', 'certification.approve'])
    expect(audit).toHaveLength(2)
    // A decided application offers nothing more.
    expect(await decide(approver.a, application.id, 'reject', { reason: 'x' })).toContain(
      '当前认定状态下不能进行该操作',
    )
  })

  it('refuses 确认通过 before the point’s 现场确认开始时间, saying when it starts, and confirms from then', async () => {
    const { application } = await applicantWithApplication(t, bureau)
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    const point = t.db('confirmation_points').where({ id: bureau.pointId })
    const before = (await point.clone().first('confirm_start')).confirm_start
    await point.clone().update({ confirm_start: new Date('2026-09-20T01:00:00Z') })
    try {
      expect(await decide(clerk.a, application.id, 'confirm')).toContain(
        CONFIRMATION_MESSAGES.notStarted('2026-09-20 09:00'),
      )
      expect((await rowOf(application.id)).status).toBe('pending_confirmation')
      t.clock.set('2026-09-20T01:00:00Z')
      // Five days on, the clerk signs in afresh.
      const later = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
      expect(await decide(later.a, application.id, 'confirm')).toContain('已处理：确认通过')
      expect((await rowOf(application.id)).status).toBe('awaiting_review')
    } finally {
      await point.clone().update({ confirm_start: before })
      t.clock.set('2026-09-15T02:00:00Z')
    }
  })

  it('确认未通过 needs the missing materials; 材料已补齐 → 待审核; 认定不通过 needs a reason', async () => {
    const { application, applicant } = await applicantWithApplication(t, bureau)
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    const approver = await scopedStaff(t, 'certification_approver', bureau.authorityId)
    expect(await decide(clerk.a, application.id, 'fail_confirmation')).toContain('请选择或填写缺少的材料')
    await decide(clerk.a, application.id, 'fail_confirmation', {
      missing: ['身份证原件', '体检合格证明'],
      missingOther: '学位证书原件',
    })
    const failed = await rowOf(application.id)
    expect(failed.status).toBe('confirmation_failed')
    expect(failed.missing_materials).toEqual(['身份证原件', '体检合格证明', '学位证书原件'])
    const mine = await signedIn(t, applicant)
    const detail = await mine.get(`/certification/records/${application.id}`)
    expect(detail.text).toContain('体检合格证明')
    await decide(clerk.a, application.id, 'materials_complete')
    expect((await rowOf(application.id)).status).toBe('awaiting_review')
    expect(await decide(approver.a, application.id, 'reject')).toContain('请填写理由')
    await decide(approver.a, application.id, 'reject', { reason: '学历证书与申报信息不符' })
    const rejected = await rowOf(application.id)
    expect(rejected).toMatchObject({
      status: 'rejected',
      reason: '学历证书与申报信息不符',
      certificate_number: null,
    })
    expect((await mine.get(`/certification/records/${application.id}`)).text).toContain(
      '学历证书与申报信息不符',
    )
  })

  it('退回修改 names the fields and opens 修改 again', async () => {
    const { application, applicant } = await applicantWithApplication(t, bureau)
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    await decide(clerk.a, application.id, 'confirm')
    expect(await decide(clerk.a, application.id, 'return_for_correction')).toContain('请填写退回说明')
    await decide(clerk.a, application.id, 'return_for_correction', {
      fields: ['employer', 'bogus'],
      reason: '工作单位填写不完整',
    })
    const row = await rowOf(application.id)
    expect(row.status).toBe('pending_confirmation')
    expect(row.correction).toEqual({ fields: ['employer'], note: '工作单位填写不完整' })
    const mine = await signedIn(t, applicant)
    const detail = await mine.get(`/certification/records/${application.id}`)
    expect(detail.text).toContain('工作单位填写不完整')
    expect(detail.text).toContain('href="/certification/records/' + application.id + '/edit"')
  })

  it('refuses a stale page and an authority without a bureau code', async () => {
    const { application } = await applicantWithApplication(t, bureau, { status: 'awaiting_review' })
    const approver = await scopedStaff(t, 'certification_approver', bureau.authorityId)
    const stale = await postFrom(
      approver.a,
      `${STAFF}/${application.id}`,
      `${STAFF}/${application.id}/transition`,
      {
        name: 'approve',
        version: String(application.version - 1),
      },
    )
    expect((await approver.a.get(stale.headers.location)).text).toContain('该申请已被他人处理，请刷新后重试')
    const bare = await certifyingBureau(t, { bureauCode: null })
    const other = await applicantWithApplication(t, bare, { status: 'awaiting_review' })
    const bareApprover = await scopedStaff(t, 'certification_approver', bare.authorityId)
    expect(await decide(bareApprover.a, other.application.id, 'approve')).toContain(
      '尚未设置证书编号机构代码',
    )
    expect((await rowOf(other.application.id)).status).toBe('awaiting_review')
  })

  it('passes over a number the registry already holds (imported certificate)', async () => {
    const { application } = await applicantWithApplication(t, bureau, { status: 'awaiting_review', sex: 'F' })
    const code = (await t.db('authorities').where({ id: bureau.authorityId }).first()).certificate_bureau_code
    const taken = `202645${code}22000001`
    await t.db('registry_certificates').insert({
      cert_number: taken,
      holder_name: '他人',
      doc_number: '450103199001011234',
      qualification_type: '2',
      subject: '数学',
      authority: '导入',
      issued_on: '2026-03-01',
      imported_at: new Date('2026-03-02T00:00:00Z'),
    })
    const approver = await scopedStaff(t, 'certification_approver', bureau.authorityId)
    await decide(approver.a, application.id, 'approve')
    expect((await rowOf(application.id)).certificate_number).toBe(`202645${code}22000002`)
    expect((await t.db('registry_certificates').where({ cert_number: taken }).first()).holder_name).toBe(
      '他人',
    )
  })

  it('50 parallel approvals get 50 distinct consecutive numbers, in the applicant’s certificates and registration’s choice', async () => {
    const apps = []
    for (let i = 0; i < 50; i++)
      apps.push(
        await applicantWithApplication(t, bureau, { status: 'awaiting_review', sex: i % 2 ? 'M' : 'F' }),
      )
    const approver = await scopedStaff(t, 'certification_approver', bureau.authorityId)
    const outcomes = await Promise.all(
      apps.map((a) =>
        transitionCertification(t.services, {
          applicationId: a.application.id,
          version: a.application.version,
          name: 'approve',
          actor: {
            kind: 'authority',
            id: approver.id,
            audit: { kind: 'staff', id: approver.id, label: 'approver', ip: null, userAgent: null },
          },
        }),
      ),
    )
    expect(outcomes.every((o) => o.ok)).toBe(true)
    const numbers = outcomes.map((o) => (o.ok ? o.certificateNumber! : ''))
    expect(new Set(numbers).size).toBe(50)
    const seqs = numbers.map((n) => Number(n.slice(11))).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    numbers.forEach((n, i) => expect(n.charAt(10)).toBe(i % 2 ? '1' : '2'))
    // The applicant sees it in 教师资格证书 and may choose it for periodic registration.
    const first = apps[0]
    const a = await signedIn(t, first.applicant)
    expect((await a.get('/info/certificates')).text).toContain(numbers[0])
    expect((await a.get('/certification/records')).text).toContain(numbers[0])
    const choices = await certificatesOf(t.db, first.applicant)
    expect(choices.map((c) => c.certNumber)).toContain(numbers[0])
  })
})

describe('scope', () => {
  it('404s another point’s or authority’s staff on every :id route, and their files', async () => {
    const { application, files } = await applicantWithApplication(t, bureau)
    const otherBureau = await certifyingBureau(t)
    const strangerClerk = await scopedStaff(t, 'confirmation_clerk', bureau.otherPointId)
    const strangerApprover = await scopedStaff(t, 'certification_approver', otherBureau.authorityId)
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    for (const who of [strangerClerk, strangerApprover]) {
      for (const path of ['', '/form'])
        expect((await who.a.get(`${STAFF}/${application.id}${path}`)).status).toBe(404)
      for (const path of ['/transition', '/messages']) {
        const res = await postFrom(who.a, STAFF, `${STAFF}/${application.id}${path}`, {
          name: 'confirm',
          version: '1',
          body: 'x',
        })
        expect(res.status).toBe(404)
      }
      for (const id of Object.values(files)) expect((await who.a.get(`/files/${id}`)).status).toBe(404)
    }
    expect((await rowOf(application.id)).status).toBe('pending_confirmation')
    for (const id of Object.values(files)) expect((await clerk.a.get(`/files/${id}`)).status).toBe(200)
    // Bulk print ignores applications out of scope.
    const print = await postFrom(strangerClerk.a, STAFF, `${STAFF}/print`, { ids: [String(application.id)] })
    expect(print.status).toBe(400)
    expect(print.text).toContain('请先选择要打印的申请')
  })
})

describe('messages', () => {
  it('sends 留言 the applicant reads (read state shown to staff)', async () => {
    const { application, applicant } = await applicantWithApplication(t, bureau)
    const clerk = await scopedStaff(t, 'confirmation_clerk', bureau.pointId)
    const empty = await postFrom(
      clerk.a,
      `${STAFF}/${application.id}`,
      `${STAFF}/${application.id}/messages`,
      { body: '' },
    )
    expect((await clerk.a.get(empty.headers.location.replace(/#.*/, ''))).text).toContain('请填写留言内容')
    await postFrom(clerk.a, `${STAFF}/${application.id}`, `${STAFF}/${application.id}/messages`, {
      body: '请携带体检合格证明',
    })
    expect((await clerk.a.get(`${STAFF}/${application.id}`)).text).toContain('（申请人未读）')
    const mine = await signedIn(t, applicant)
    expect((await mine.get('/certification/records')).text).toContain('有留言（1条未读）')
    const inbox = await mine.get(`/certification/records/${application.id}/messages`)
    expect(inbox.text).toContain('请携带体检合格证明')
    expect(inbox.text).toContain('新留言')
    expect((await mine.get('/certification/records')).text).not.toContain('条未读')
    expect((await clerk.a.get(`${STAFF}/${application.id}`)).text).toContain('（申请人已读）')
    expect(await t.db('audit_log').where({ action: 'certification.message' })).not.toHaveLength(0)
  })
})
