import crypto from 'node:crypto'
import JSZip from 'jszip'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant, createStaff } from '../helpers/factories'
import { agent, csrfFrom, submitForm, type Agent } from '../helpers/http'
import { loginAs, postLogin, staffLoginAs } from '../helpers/login'
import { infoItem } from '../helpers/infoFactories'
import { fakeBureau, swappable } from '../helpers/registrationFactories'
import { applicantWithRegistration, bureauRows, twoAuthorities } from './registrationRecordsSupport'
import { MY_DATA_JSON } from '../../src/modules/privacy/myData'

// 个人信息: 下载我的信息 (a ZIP of everything held about the applicant), 查阅记录 (staff views of
// their record, audited), and consent to the 用户账号注册协议 by version, asked again after a change.

let t: TestApp
const bureau = swappable(fakeBureau([]))

beforeAll(async () => {
  t = await appWithAllRoutes({ bureau: { registration: bureau.port } })
  await bureauRows(t, twoAuthorities())
})
afterAll(() => t.close())
beforeEach(() => {
  bureau.use(fakeBureau(twoAuthorities()))
  t.clock.set('2026-09-15T02:00:00Z')
})

async function signedIn(who: { doc_number: string; password: string }): Promise<Agent> {
  const a = agent(t.app)
  await loginAs(a, who)
  return a
}

async function download(a: Agent): Promise<{ zip: JSZip; json: Record<string, unknown>; text: string }> {
  const res = await a
    .get('/account/my-data.zip')
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = []
      r.on('data', (c: Buffer) => chunks.push(c))
      r.on('end', () => done(null, Buffer.concat(chunks)))
    })
  expect(res.status).toBe(200)
  expect(res.headers['content-type']).toBe('application/zip')
  expect(res.headers['content-disposition']).toMatch(/^attachment;/)
  const zip = await JSZip.loadAsync(res.body as Buffer)
  const text = await zip.file(MY_DATA_JSON)!.async('string')
  return { zip, json: JSON.parse(text), text }
}

describe('下载我的信息', () => {
  it('gives the applicant a ZIP with their data in JSON and their files byte for byte, nothing of anyone else', async () => {
    const { applicant: me, registration } = await applicantWithRegistration(t, { name: '林下载' })
    const item = await infoItem(t.db, me.id, 'mandarin')
    const { applicant: other, registration: theirs } = await applicantWithRegistration(t, { name: '郑别人' })
    const theirItem = await infoItem(t.db, other.id, 'mandarin')
    await t.db('registration_messages').insert({
      registration_id: registration.id,
      body: '请补充毕业证书原件',
      created_at: t.clock.now(),
    })

    const a = await signedIn(me)
    const page = await a.get('/account/my-data')
    expect(page.status).toBe(200)
    expect(page.text).toContain('href="/account/my-data.zip"')
    const { zip, json, text } = await download(a)

    const account = json.account as Record<string, unknown>
    expect(account).toMatchObject({
      doc_number: me.doc_number,
      name: '林下载',
      phone: me.phone,
      email: me.email,
    })
    expect(account).not.toHaveProperty('password_hash')
    const info = json.info as { items: { cert_number: string }[] }
    expect(info.items.map((i) => i.cert_number)).toEqual([item.cert_number])
    const apps = json.applications as { registration: Record<string, unknown>[]; certification: unknown[] }
    expect(apps.registration).toHaveLength(1)
    expect(apps.registration[0]).toMatchObject({
      number: registration.number,
      statusHistory: [expect.objectContaining({ to_status: 'pending_confirmation' })],
      messages: [expect.objectContaining({ body: '请补充毕业证书原件' })],
    })
    expect(apps.certification).toEqual([])
    const activity = json.activity as { action: string }[]
    expect(activity.map((e) => e.action)).toContain('applicant.login')

    // every file the applicant owns, with its bytes
    const owned = await t
      .db('files')
      .where({ owner_kind: 'applicant', owner_id: me.id })
      .select('id', 'content')
    expect(owned.length).toBe(2)
    const listed = json.files as { id: string; path: string; sha256: string }[]
    expect(listed.map((f) => f.id).sort()).toEqual(owned.map((f) => f.id).sort())
    for (const f of owned) {
      const entry = listed.find((l) => l.id === f.id)!
      const bytes = await zip.file(entry.path)!.async('nodebuffer')
      expect(bytes.equals(f.content)).toBe(true)
    }

    // nothing of the other applicant, in the JSON or among the files
    const theirFiles = await t.db('files').where({ owner_kind: 'applicant', owner_id: other.id }).pluck('id')
    for (const s of [
      other.doc_number,
      other.phone,
      '郑别人',
      theirs.number,
      theirItem.cert_number,
      ...theirFiles,
    ])
      expect(text).not.toContain(s)
    const paths = Object.keys(zip.files).filter((p) => !zip.files[p].dir)
    expect(paths.sort()).toEqual([MY_DATA_JSON, ...listed.map((f) => f.path)].sort())

    const audit = await t.db('audit_log').where({ action: 'applicant.data_export', target_id: String(me.id) })
    expect(audit).toHaveLength(1)
    expect(audit[0].detail).toMatchObject({ files: 2 })
  })

  it('is only for the signed-in applicant', async () => {
    const res = await agent(t.app).get('/account/my-data.zip')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
  })
})

describe('查阅记录', () => {
  it('shows the applicant each staff opening of their application, file and review: who, role and unit, when, what', async () => {
    const { applicant: me, registration } = await applicantWithRegistration(t, { pointId: 32 })
    const { applicant: other } = await applicantWithRegistration(t, { pointId: 32 })
    const photo = (await t.db('registrations').where({ id: registration.id }).first()).photo_file_id
    const clerk = await createStaff(
      t.db,
      [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: 32 }],
      {
        name: '李确认',
      },
    )
    t.clock.set('2026-09-16T01:29:00Z')
    const s = agent(t.app)
    await staffLoginAs(s, clerk)

    const a = await signedIn(me)
    expect((await a.get('/account/record-views')).text).toContain('暂无工作人员查阅您的信息的记录')
    // the owner opening their own file is no staff view
    expect((await a.get(`/files/${photo}`)).status).toBe(200)

    t.clock.set('2026-09-16T01:30:00Z')
    expect((await s.get(`/staff/registrations/${registration.id}`)).status).toBe(200)
    t.clock.set('2026-09-16T01:31:00Z')
    expect((await s.get(`/files/${photo}`)).status).toBe(200)

    const page = await a.get('/account/record-views')
    expect(page.status).toBe(200)
    const rows = [
      ...page.text.matchAll(
        /<tr>\s*<td class="nowrap">([^<]*)<\/td>\s*<td>([^<]*)<\/td>\s*<td>([^<]*)<\/td>\s*<td>([^<]*)<\/td>/g,
      ),
    ].map((m) => m.slice(1).map((c) => c.trim()))
    expect(rows).toEqual([
      ['2026-09-16 09:31', '李确认', '现场确认（台山市新宁小学）', '上传的照片或材料 证件照'],
      ['2026-09-16 09:30', '李确认', '现场确认（台山市新宁小学）', `定期注册申请 ${registration.number}`],
    ])
    expect((await (await signedIn(other)).get('/account/record-views')).text).not.toContain('李确认')
  })

  it('records a staff opening of an information item under review', async () => {
    const { applicant: me } = await applicantWithRegistration(t, { pointId: 31 })
    const item = await infoItem(t.db, me.id, 'degree')
    const clerk = await createStaff(
      t.db,
      [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: 31 }],
      {
        name: '周核验',
      },
    )
    const s = agent(t.app)
    await staffLoginAs(s, clerk)
    expect((await s.get(`/staff/info-reviews/${item.id}`)).status).toBe(200)
    const page = await (await signedIn(me)).get('/account/record-views')
    expect(page.text).toContain('周核验')
    expect(page.text).toContain('个人信息核验')
  })
})

describe('用户账号注册协议', () => {
  async function publish(admin: Agent, body: string) {
    return submitForm(admin, '/staff/admin/agreement', { body })
  }

  it('after the bureau changes the agreement, the next login shows it and goes on only after 同意, storing the version', async () => {
    const me = await createApplicant(t.db)
    expect((await loginAs(agent(t.app), me)).headers.location).toBe('/platform')

    const admin = agent(t.app)
    await staffLoginAs(admin, await createStaff(t.db, [{ role: 'admin' }]))
    const form = await admin.get('/staff/admin/agreement')
    const current = form.text.match(/<textarea[^>]*name="body"[^>]*>([\s\S]*?)<\/textarea>/)![1]
    // the same text again is no new version
    await publish(admin, current)
    expect(await t.db('agreement_versions').count('* as n').first()).toEqual({ n: '1' })
    const revised = `${current}\n六、修订说明\n（1）本协议新增的条款：测试修订${crypto.randomInt(1e6)}。`
    const published = await publish(admin, revised)
    expect(published.headers.location).toBe('/staff/admin/agreement')
    const version = Number((await t.db('agreement_versions').max('version as v').first())!.v)
    expect(version).toBe(2)

    t.clock.set('2026-09-20T03:00:00Z')
    const a = agent(t.app)
    const login = await loginAs(a, me)
    expect(login.headers.location).toBe('/account/agreement')
    // nothing else opens before 同意
    expect((await a.get('/platform')).headers.location).toBe('/account/agreement')
    expect((await a.get('/account/my-data')).headers.location).toBe('/account/agreement')
    const page = await a.get('/account/agreement')
    expect(page.text).toContain('《用户账号注册协议》已修订')
    expect(page.text).toContain('六、修订说明')
    expect(page.text).toContain(`name="version" value="${version}"`)
    const agreed = await a
      .post('/account/agreement')
      .type('form')
      .send({ version: String(version), _csrf: csrfFrom(page.text) })
    expect(agreed.headers.location).toBe('/platform')
    expect((await a.get('/platform')).status).toBe(200)

    const consents = await t.db('agreement_consents').where({ applicant_id: me.id })
    expect(consents).toEqual([
      expect.objectContaining({ version, at: new Date('2026-09-20T03:00:00Z'), ip: expect.any(String) }),
    ])
    expect(await t.db('audit_log').where({ action: 'applicant.consent', actor_id: me.id })).toHaveLength(1)
    // and the login after that goes straight on
    expect((await loginAs(agent(t.app), me)).headers.location).toBe('/platform')
  })

  it('refuses to count 同意 for a version other than the current one', async () => {
    const me = await createApplicant(t.db)
    await t
      .db('agreement_versions')
      .insert({ version: 90, body: '新协议第九十版', published_at: t.clock.now() })
    try {
      const a = agent(t.app)
      await postLogin(a, '/login', { docNumber: me.doc_number, password: me.password })
      const page = await a.get('/account/agreement')
      const res = await a
        .post('/account/agreement')
        .type('form')
        .send({ version: '2', _csrf: csrfFrom(page.text) })
      expect(res.headers.location).toBe('/account/agreement')
      expect(await t.db('agreement_consents').where({ applicant_id: me.id })).toEqual([])
      expect((await a.get('/platform')).headers.location).toBe('/account/agreement')
    } finally {
      await t.ownerDb('agreement_versions').where({ version: 90 }).delete()
    }
  })

  it('asks for the agreement before the first-login completion form, and that form after it', async () => {
    const me = await createApplicant(t.db, { profile_completed_at: null })
    await t.db('agreement_versions').insert({ version: 92, body: '第九十二版', published_at: t.clock.now() })
    try {
      const a = agent(t.app)
      expect((await loginAs(a, me)).headers.location).toBe('/account/agreement')
      expect((await a.get('/account/complete')).headers.location).toBe('/account/agreement')
      const page = await a.get('/account/agreement')
      const agreed = await a
        .post('/account/agreement')
        .type('form')
        .send({ version: '92', _csrf: csrfFrom(page.text) })
      expect(agreed.headers.location).toBe('/account/complete')
      expect((await a.get('/account/complete')).status).toBe(200)
      expect((await a.get('/account/agreement')).headers.location).toBe('/account/complete')
    } finally {
      await t.ownerDb('agreement_consents').where({ version: 92 }).delete()
      await t.ownerDb('agreement_versions').where({ version: 92 }).delete()
    }
  })

  it('shows the registration form’s agreement as the bureau last published it', async () => {
    await t.db('agreement_versions').insert({
      version: 91,
      body: '一、测试\n（1）第九十一版的条款',
      published_at: t.clock.now(),
    })
    try {
      const page = await agent(t.app).get('/register/agreement')
      expect(page.status).toBe(200)
      expect(page.text).toContain('<h2>一、测试</h2>')
      expect(page.text).toContain('<li>（1）第九十一版的条款</li>')
    } finally {
      await t.ownerDb('agreement_versions').where({ version: 91 }).delete()
    }
  })
})
