import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { agent, csrfFrom, submitForm, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { jpeg } from '../fixtures/images'
import {
  certificateNumber,
  registryCertificateRow,
  registryEducationRow,
  registryExamPassRow,
  registryMandarinRow,
  registryStudentStatusRow,
} from '../helpers/infoFactories'

// 个人信息中心 through the whole stack: real sessions, CSRF, Postgres and the upload field.

type Applicant = Awaited<ReturnType<typeof createApplicant>>

/** GET the form, then POST it as multipart (the forms with a scan), with an optional file. */
async function postMultipart(
  a: Agent,
  pageUrl: string,
  fields: Record<string, string>,
  file?: { field: string; content: Buffer },
  postUrl?: string,
) {
  const page = await a.get(pageUrl)
  if (page.status !== 200) throw new Error(`GET ${pageUrl} answered ${page.status}`)
  const action =
    postUrl ?? page.text.match(/<form method="post" action="([^"]+)" enctype/)?.[1]?.replace(/&amp;/g, '&')
  let req = a.post(action!).field('_csrf', csrfFrom(page.text))
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v)
  if (file) req = req.attach(file.field, file.content, { filename: 'scan.jpg', contentType: 'image/jpeg' })
  return req
}

describe('个人信息中心', () => {
  let t: TestApp
  let scan: Buffer
  beforeAll(async () => {
    t = await appWithAllRoutes()
    scan = await jpeg({ width: 800, height: 600 })
  })
  afterAll(() => t.close())

  async function signedIn(overrides: Record<string, unknown> = {}): Promise<{ a: Agent; me: Applicant }> {
    const me = await createApplicant(t.db, { name: '李明', ...overrides })
    const a = agent(t.app)
    await loginAs(a, me)
    return { a, me }
  }

  describe('home and identity', () => {
    it('shows the six modules with the document number masked and links to the account changes', async () => {
      const { a, me } = await signedIn()
      const res = await a.get('/info')
      expect(res.status).toBe(200)
      for (const name of [
        '个人身份信息',
        '教师资格考试信息',
        '普通话证书信息',
        '学历学籍信息',
        '学位证书信息',
        '教师资格证书信息',
      ])
        expect(res.text).toContain(name)
      expect(res.text).toContain(`${me.doc_number.slice(0, 2)}**************${me.doc_number.slice(-2)}`)
      expect(res.text).not.toContain(me.doc_number)
      for (const href of ['/account/password', '/account/phone', '/account/email', '/identity/verify'])
        expect(res.text).toContain(`href="${href}"`)
    })

    it('points the header link 个人信息中心 at /info, and /account links back', async () => {
      const { a } = await signedIn()
      expect((await a.get('/platform')).text).toMatch(/href="\/info"[^>]*>个人信息中心/)
      expect((await a.get('/account')).text).toContain('href="/info"')
    })

    it('sends an applicant without real-name verification to 实名核验, and a stranger to login', async () => {
      const { a } = await signedIn({ identity_status: 'unverified' })
      const res = await a.get('/info/mandarin')
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/identity/verify')
      const anon = await agent(t.app).get('/info')
      expect(anon.headers.location).toBe('/login')
    })
  })

  describe('教师资格考试信息', () => {
    it('lists the pass records matched on name and ID number, read-only', async () => {
      const { a, me } = await signedIn()
      const mine = await registryExamPassRow(t.db, me)
      const otherName = await registryExamPassRow(t.db, { name: '李明明', doc_number: me.doc_number })
      const res = await a.get('/info/exams')
      expect(res.text).toContain(mine.cert_number)
      expect(res.text).not.toContain(otherName.cert_number)
      expect(res.text).not.toContain('<form method="post" action="/info/exams')
    })
  })

  describe('普通话证书信息', () => {
    it('核验证书: adds the registry certificate as 核验通过 when name and ID match', async () => {
      const { a, me } = await signedIn()
      const cert = await registryMandarinRow(t.db, me)
      const res = await submitForm(a, '/info/mandarin/verify', { certNumber: cert.cert_number })
      expect(res.headers.location).toBe('/info/mandarin')
      const list = await a.get('/info/mandarin')
      expect(list.text).toContain(cert.cert_number)
      expect(list.text).toContain('核验通过')
      expect(list.text).toContain('二级甲等')
      const audit = await t.db('audit_log').where({ action: 'info.mandarin.verify', actor_id: me.id })
      expect(audit).toHaveLength(1)
    })

    it('核验证书: refuses a certificate whose name differs from the account, and saves nothing', async () => {
      const { a, me } = await signedIn()
      const cert = await registryMandarinRow(t.db, { name: '王芳', doc_number: me.doc_number })
      const res = await submitForm(a, '/info/mandarin/verify', { certNumber: cert.cert_number })
      expect(res.headers.location).toBe('/info/mandarin/verify')
      const page = await a.get('/info/mandarin/verify')
      expect(page.text).toContain('核验不到信息，请检查当前核验的用户信息是否与普通话证书信息中的')
      expect(page.text).toContain(`value="${cert.cert_number}"`)
      expect(await t.db('info_items').where({ applicant_id: me.id })).toHaveLength(0)
    })

    it('核验证书: refuses another ID number and an unknown number with the same message', async () => {
      const { a } = await signedIn()
      const stranger = await createApplicant(t.db, { name: '李明' })
      const cert = await registryMandarinRow(t.db, stranger)
      for (const certNumber of [cert.cert_number, '99999999999']) {
        await submitForm(a, '/info/mandarin/verify', { certNumber })
        expect((await a.get('/info/mandarin/verify')).text).toContain('核验不到信息')
      }
    })

    it.each([
      ['86.9', '二级乙等'],
      ['87', '二级甲等'],
    ])('录入证书: %s points is saved as %s, 待核验, with the scan', async (score, grade) => {
      const { a, me } = await signedIn()
      const fields = {
        certNumber: `M${score.replace('.', '')}01`,
        score,
        issuer: '广西语委',
        issuedOn: '2020-05-01',
      }
      const res = await postMultipart(a, '/info/mandarin/new', fields, { field: 'scan', content: scan })
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/info/mandarin')
      const [item] = await t.db('info_items').where({ applicant_id: me.id })
      expect(item).toMatchObject({ status: 'pending', source: 'manual', cert_number: fields.certNumber })
      expect(item.details.grade).toBe(grade)
      const file = await t.db('files').where({ id: item.scan_file_id }).first()
      expect(file).toMatchObject({ kind: 'mandarin_scan', draft: false, owner_id: String(me.id) })
      expect(file.size).toBeLessThan(200 * 1024)
      const list = await a.get('/info/mandarin')
      expect(list.text).toContain(grade)
      expect(list.text).toContain('待核验')
      expect(await t.db('audit_log').where({ action: 'info.mandarin.create', actor_id: me.id })).toHaveLength(
        1,
      )
    })

    it.each(['101', '85.55', 'abc'])(
      '录入证书: refuses the score %s beside the field, keeping what was typed',
      async (score) => {
        const { a, me } = await signedIn()
        const fields = { certNumber: 'M0001', score, issuer: '广西语委', issuedOn: '2020-05-01' }
        const res = await postMultipart(a, '/info/mandarin/new', fields, { field: 'scan', content: scan })
        expect(res.headers.location).toBe('/info/mandarin/new')
        const page = await a.get('/info/mandarin/new')
        expect(page.text).toContain('提交的信息有误')
        expect(page.text).toContain('分数必须是0–100之间的数字，最多保留一位小数')
        expect(page.text).toContain('value="广西语委"')
        // the good scan is kept as a preview, so it need not be chosen again
        expect(page.text).toMatch(/name="scanFileId" value="[0-9a-f-]{36}"/)
        expect(await t.db('info_items').where({ applicant_id: me.id })).toHaveLength(0)
      },
    )

    it('录入证书: refuses a date in the future and a missing scan', async () => {
      const { a } = await signedIn()
      const fields = { certNumber: 'M0002', score: '90', issuer: '广西语委', issuedOn: '2099-01-01' }
      await postMultipart(a, '/info/mandarin/new', fields)
      const page = await a.get('/info/mandarin/new')
      expect(page.text).toContain('日期不能晚于今天')
      expect(page.text).toMatch(/id="scan-error"/)
    })

    it('录入证书: previews the scan first, then saves with the previewed file and shows the grade', async () => {
      const { a, me } = await signedIn()
      const fields = {
        certNumber: 'M0003',
        score: '92',
        issuer: '广西语委',
        issuedOn: '2020-05-01',
        action: 'preview',
      }
      const res = await postMultipart(a, '/info/mandarin/new', fields, { field: 'scan', content: scan })
      expect(res.headers.location).toBe('/info/mandarin/new')
      const page = await a.get('/info/mandarin/new')
      expect(page.text).toContain('一级乙等')
      const draftId = page.text.match(/name="scanFileId" value="([0-9a-f-]{36})"/)![1]
      const saved = await a
        .post('/info/mandarin/new')
        .field('_csrf', csrfFrom(page.text))
        .field('certNumber', 'M0003')
        .field('score', '92')
        .field('issuer', '广西语委')
        .field('issuedOn', '2020-05-01')
        .field('scanFileId', draftId)
      expect(saved.headers.location).toBe('/info/mandarin')
      const item = await t.db('info_items').where({ applicant_id: me.id }).first()
      expect(item.scan_file_id).toBe(draftId)
    })

    it('修改 puts an item back to 待核验; 删除 removes it; both audited', async () => {
      const { a, me } = await signedIn()
      await postMultipart(
        a,
        '/info/mandarin/new',
        { certNumber: 'M0004', score: '80', issuer: '广西语委', issuedOn: '2020-05-01' },
        { field: 'scan', content: scan },
      )
      const item = await t.db('info_items').where({ applicant_id: me.id }).first()
      await t.db('info_items').where({ id: item.id }).update({ status: 'rejected', reason: '扫描件不清晰' })
      expect((await a.get(`/info/mandarin/${item.id}`)).text).toContain('扫描件不清晰')
      const edit = await postMultipart(a, `/info/mandarin/${item.id}/edit`, {
        certNumber: 'M0004',
        score: '97',
        issuer: '广西语委',
        issuedOn: '2020-05-01',
      })
      expect(edit.headers.location).toBe('/info/mandarin')
      const after = await t.db('info_items').where({ id: item.id }).first()
      expect(after).toMatchObject({
        status: 'pending',
        reason: null,
        version: 2,
        scan_file_id: item.scan_file_id,
      })
      expect(after.details.grade).toBe('一级甲等')
      const del = await submitForm(a, `/info/mandarin/${item.id}`, {}, `/info/mandarin/${item.id}/delete`)
      expect(del.headers.location).toBe('/info/mandarin')
      expect(await t.db('info_items').where({ id: item.id })).toHaveLength(0)
      const actions = (await t.db('audit_log').where({ actor_id: me.id, actor_kind: 'applicant' })).map(
        (r) => r.action,
      )
      expect(actions).toEqual(
        expect.arrayContaining(['info.mandarin.create', 'info.mandarin.update', 'info.mandarin.delete']),
      )
    })

    it('refuses a POST without the CSRF token', async () => {
      const { a } = await signedIn()
      const res = await a.post('/info/mandarin/verify').type('form').send({ certNumber: '123' })
      expect(res.status).toBe(403)
    })
  })

  describe('学历学籍信息', () => {
    it('核验学历 adds the registry record; a wrong name is refused', async () => {
      const { a, me } = await signedIn()
      const good = await registryEducationRow(t.db, me)
      const bad = await registryEducationRow(t.db, { name: '张三', doc_number: me.doc_number })
      await submitForm(a, '/info/education/verify', { certNumber: bad.cert_number })
      expect((await a.get('/info/education/verify')).text).toContain('核验不到信息')
      await submitForm(a, '/info/education/verify', { certNumber: good.cert_number })
      const list = await a.get('/info/education')
      expect(list.text).toContain(good.cert_number)
      expect(list.text).toContain('广西师范大学')
      expect(list.text).toContain('核验通过')
    })

    it('国外留学学历: refuses a report number with （）, saves one without as 待核验', async () => {
      const { a, me } = await signedIn()
      const fields = {
        category: 'foreign',
        certNumber: '（2019）教留服认美123456',
        school: 'University of Leeds',
        major: 'Education',
        level: '硕士研究生',
        graduatedOn: '2019-09-30',
      }
      await postMultipart(a, '/info/education/new?category=foreign', fields, { field: 'scan', content: scan })
      const page = await a.get('/info/education/new?category=foreign')
      expect(page.text).toContain('不可使用小括号')
      expect(page.text).toContain('认证报告编号')
      await postMultipart(
        a,
        '/info/education/new?category=foreign',
        { ...fields, certNumber: 'JY2019-123456' },
        { field: 'scan', content: scan },
      )
      const item = await t.db('info_items').where({ applicant_id: me.id }).first()
      expect(item).toMatchObject({ category: 'foreign', status: 'pending', cert_number: 'JY2019-123456' })
    })

    it('国外留学学历 takes the report number as printed (汉字, 〔〕 and [] brackets), refuses only （） naming 认证报告编号, and asks for the 学历认证报告', async () => {
      const { a, me } = await signedIn()
      const form = await a.get('/info/education/new?category=foreign')
      expect(form.text).toMatch(/<label for="scan">学历认证报告</)
      expect(form.text).toMatch(/<label for="certNumber">认证报告编号</)
      const fields = {
        category: 'foreign',
        certNumber: '教留服认美（2019）123456号',
        school: 'University of Leeds',
        major: 'Education',
        level: '硕士研究生',
        graduatedOn: '2019-09-30',
      }
      await postMultipart(a, '/info/education/new?category=foreign', fields, { field: 'scan', content: scan })
      const refused = await a.get('/info/education/new?category=foreign')
      expect(refused.text).toContain('认证报告编号中不可使用小括号（）')
      for (const certNumber of ['教留服认美〔2019〕123456号', '教留服认英[2020]0456']) {
        await postMultipart(
          a,
          '/info/education/new?category=foreign',
          { ...fields, certNumber },
          { field: 'scan', content: scan },
        )
        expect(
          await t.db('info_items').where({ applicant_id: me.id, cert_number: certNumber }).first('status'),
        ).toEqual({ status: 'pending' })
      }
      await postMultipart(
        a,
        '/info/education/new?category=foreign',
        { ...fields, certNumber: '教留服 认美#1' },
        { field: 'scan', content: scan },
      )
      const badChars = await a.get('/info/education/new?category=foreign')
      expect(badChars.text).toMatch(
        /id="certNumber-error"><span class="visually-hidden">错误：<\/span>认证报告编号只能包含/,
      )
    })

    it('同步学籍 copies the student-status records for the ID number', async () => {
      const { a, me } = await signedIn()
      await registryStudentStatusRow(t.db, me)
      const res = await submitForm(a, '/info/education', {}, '/info/education/student-status/sync')
      expect(res.headers.location).toBe('/info/education')
      const page = await a.get('/info/education')
      expect(page.text).toContain('数学与应用数学')
      expect(page.text).toContain('注册学籍')
    })
  })

  describe('学位证书信息', () => {
    it('无学位 sets the number to 无 and is 待核验', async () => {
      const { a, me } = await signedIn()
      const res = await submitForm(a, '/info/degrees/new', {
        degreeName: '无学位',
        certNumber: '123',
        school: '',
      })
      expect(res.headers.location).toBe('/info/degrees')
      const item = await t.db('info_items').where({ applicant_id: me.id, kind: 'degree' }).first()
      expect(item).toMatchObject({ cert_number: '无', status: 'pending' })
      expect((await a.get('/info/degrees')).text).toContain('无学位')
    })

    it('a degree needs its number, school, major and date, each refused beside its field', async () => {
      const { a } = await signedIn()
      await submitForm(a, '/info/degrees/new', { degreeName: '学士' })
      const page = await a.get('/info/degrees/new')
      for (const msg of ['请填写学位证书编号', '请填写学位授予单位', '请填写所学专业', '请填写授予日期'])
        expect(page.text).toContain(msg)
      expect(page.text).toMatch(/<option value="学士"\s+selected/)
    })
  })

  describe('教师资格证书信息', () => {
    it('shows a certificate imported into the registry after the first visit without 同步 being pressed', async () => {
      const { a, me } = await signedIn()
      await registryCertificateRow(t.db, me, {
        cert_number: certificateNumber(2010),
        issued_on: '2010-07-01',
      })
      expect((await a.get('/info')).status).toBe(200)
      const later = await registryCertificateRow(t.db, me, {
        cert_number: certificateNumber(2020),
        issued_on: '2020-01-01',
        imported_at: new Date(t.clock.now().getTime() + 60_000),
      })
      t.clock.advance(120_000)
      expect((await a.get('/info/certificates')).text).toContain(later.cert_number)
      expect(
        await t.db('audit_log').where({ action: 'info.certificates.sync', actor_id: me.id }),
      ).toHaveLength(0)
    })

    it('lists only certificates issued 2008+ (广西 2012+) with their registration history, and 同步 re-syncs', async () => {
      const { a, me } = await signedIn()
      const old = await registryCertificateRow(t.db, me, {
        cert_number: certificateNumber(2007),
        issued_on: '2007-12-31',
      })
      const c2008 = await registryCertificateRow(
        t.db,
        me,
        { cert_number: certificateNumber(2008), issued_on: '2008-01-02' },
        [{ registered_on: '2014-10-01', result: '注册合格', authority: '江门市台山市教育局' }],
      )
      const gx2011 = await registryCertificateRow(t.db, me, {
        cert_number: certificateNumber(2011, '45'),
        issued_on: '2011-06-01',
      })
      const gx2012 = await registryCertificateRow(t.db, me, {
        cert_number: certificateNumber(2012, '45'),
        issued_on: '2012-03-01',
      })
      const page = await a.get('/info/certificates')
      expect(page.text).toContain(c2008.cert_number)
      expect(page.text).toContain('2014-10-01')
      expect(page.text).toContain('注册合格')
      expect(page.text).toContain(gx2012.cert_number)
      expect(page.text).not.toContain(old.cert_number)
      expect(page.text).not.toContain(gx2011.cert_number)

      const res = await submitForm(a, '/info/certificates', {}, '/info/certificates/sync')
      expect(res.headers.location).toBe('/info/certificates')
      expect(
        await t.db('audit_log').where({ action: 'info.certificates.sync', actor_id: me.id }),
      ).toHaveLength(1)
    })
  })
})
