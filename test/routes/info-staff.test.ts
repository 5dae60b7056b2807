import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant, createStaff } from '../helpers/factories'
import { agent, submitForm, type Agent } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'
import { infoItem, registrationAtPoint } from '../helpers/infoFactories'

// 信息核验: confirmation-point staff decide on hand-entered items of the applicants who applied at
// their point (administrators: everyone's); the first decision wins.

const POINT = 31

describe('信息核验 (staff)', () => {
  let t: TestApp
  let clerk: Agent
  let clerk2: Agent
  let clerkId: number
  beforeAll(async () => {
    t = await appWithAllRoutes()
    const s1 = await createStaff(
      t.db,
      [{ role: 'confirmation_clerk', scope_type: 'point', scope_id: POINT }],
      {
        name: '确认点甲',
      },
    )
    const s2 = await createStaff(t.db, [{ role: 'admin' }])
    clerkId = s1.id
    clerk = agent(t.app)
    clerk2 = agent(t.app)
    await staffLoginAs(clerk, s1)
    await staffLoginAs(clerk2, s2)
  })
  afterAll(() => t.close())

  /** An applicant who applied at the clerk's point. */
  async function applicantAtPoint(overrides: Record<string, unknown> = {}) {
    const a = await createApplicant(t.db, overrides)
    await registrationAtPoint(t.db, a.id, POINT)
    return a
  }

  it('lists pending items with kind, applicant name, full ID (the clerk’s own point) and time, filtered by kind', async () => {
    const a = await applicantAtPoint({ name: '赵敏' })
    const m = await infoItem(t.db, a.id, 'mandarin')
    const d = await infoItem(t.db, a.id, 'degree')
    const page = await clerk.get('/staff/info-reviews')
    expect(page.status).toBe(200)
    expect(page.text).toContain('赵敏')
    expect(page.text).toContain(m.cert_number)
    expect(page.text).toContain(d.cert_number)
    // The verifier compares the scan (which carries the number) with the applicant in their scope.
    expect(page.text).toContain(`<td class="nowrap">${a.doc_number}</td>`)
    const degrees = await clerk.get('/staff/info-reviews?kind=degree')
    expect(degrees.text).toContain(d.cert_number)
    expect(degrees.text).not.toContain(m.cert_number)
  })

  it('shows the scan on the detail page, and the staff member may open it', async () => {
    const a = await applicantAtPoint()
    const m = await infoItem(t.db, a.id, 'mandarin')
    const page = await clerk.get(`/staff/info-reviews/${m.id}`)
    expect(page.text).toContain(`/files/${m.scan_file_id}`)
    const file = await clerk.get(`/files/${m.scan_file_id}`)
    expect(file.status).toBe(200)
    expect(file.headers['content-type']).toBe('image/jpeg')
  })

  it('核验通过 marks the item, audits it, and the applicant sees 核验通过', async () => {
    const a = await applicantAtPoint()
    const m = await infoItem(t.db, a.id, 'mandarin')
    const res = await submitForm(clerk, `/staff/info-reviews/${m.id}`, {
      decision: 'pass',
      reason: '',
      version: '1',
    })
    expect(res.headers.location).toBe('/staff/info-reviews')
    const row = await t.db('info_items').where({ id: m.id }).first()
    expect(row).toMatchObject({ status: 'verified', decided_by: String(clerkId) })
    const audit = await t.db('audit_log').where({ action: 'info.item.verify', target_id: String(m.id) })
    expect(audit).toHaveLength(1)
    const applicant = agent(t.app)
    await loginAs(applicant, a)
    expect((await applicant.get('/info/mandarin')).text).toContain('核验通过')
  })

  it('核验不通过 needs a reason, which the applicant then sees', async () => {
    const a = await applicantAtPoint()
    const e = await infoItem(t.db, a.id, 'education')
    await submitForm(clerk, `/staff/info-reviews/${e.id}`, { decision: 'fail', reason: '', version: '1' })
    expect((await clerk.get(`/staff/info-reviews/${e.id}`)).text).toContain('核验不通过时请填写原因')
    expect((await t.db('info_items').where({ id: e.id }).first()).status).toBe('pending')
    await submitForm(clerk, `/staff/info-reviews/${e.id}`, {
      decision: 'fail',
      reason: '扫描件与原件不符',
      version: '1',
    })
    expect(await t.db('info_items').where({ id: e.id }).first()).toMatchObject({
      status: 'rejected',
      reason: '扫描件与原件不符',
    })
    expect(
      await t.db('audit_log').where({ action: 'info.item.reject', target_id: String(e.id) }),
    ).toHaveLength(1)
    const applicant = agent(t.app)
    await loginAs(applicant, a)
    const list = await applicant.get('/info/education')
    expect(list.text).toContain('核验不通过')
    expect(list.text).toContain('扫描件与原件不符')
  })

  it('refuses the second decision with 该信息已被他人处理', async () => {
    const a = await applicantAtPoint()
    const d = await infoItem(t.db, a.id, 'degree')
    const page1 = await clerk.get(`/staff/info-reviews/${d.id}`)
    const page2 = await clerk2.get(`/staff/info-reviews/${d.id}`)
    expect(page1.status).toBe(200)
    expect(page2.status).toBe(200)
    await submitForm(clerk, `/staff/info-reviews/${d.id}`, { decision: 'pass', reason: '', version: '1' })
    const second = await submitForm(clerk2, `/staff/info-reviews/${d.id}`, {
      decision: 'fail',
      reason: '不符',
      version: '1',
    })
    expect(second.headers.location).toBe(`/staff/info-reviews/${d.id}`)
    expect((await clerk2.get(second.headers.location)).text).toContain('该信息已被他人处理')
    expect((await t.db('info_items').where({ id: d.id }).first()).status).toBe('verified')
    expect(await t.db('audit_log').where({ target_type: 'info_item', target_id: String(d.id) })).toHaveLength(
      1,
    )
  })

  it('refuses a decision on an item the applicant changed after the page was opened', async () => {
    const a = await applicantAtPoint()
    const d = await infoItem(t.db, a.id, 'degree')
    await t.db('info_items').where({ id: d.id }).update({ version: 2 })
    await submitForm(clerk, `/staff/info-reviews/${d.id}`, { decision: 'pass', reason: '', version: '1' })
    expect((await t.db('info_items').where({ id: d.id }).first()).status).toBe('pending')
  })

  it('is closed to staff without info.verify, and the console links it for those with it', async () => {
    const reviewer = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const r = agent(t.app)
    await staffLoginAs(r, reviewer)
    expect((await r.get('/staff/info-reviews')).status).toBe(403)
    expect((await r.get('/staff')).text).not.toContain('/staff/info-reviews')
    expect((await clerk.get('/staff')).text).toContain('href="/staff/info-reviews"')
  })

  it("keeps another point's applicants out of a clerk's queue and detail, and refuses a decision on them", async () => {
    const elsewhere = await createApplicant(t.db, { name: '钱多多' })
    await registrationAtPoint(t.db, elsewhere.id, 99)
    const notApplied = await createApplicant(t.db, { name: '孙未报' })
    const theirs = await infoItem(t.db, elsewhere.id, 'mandarin')
    const unapplied = await infoItem(t.db, notApplied.id, 'degree')
    const queue = await clerk.get('/staff/info-reviews?status=all')
    for (const hidden of ['钱多多', '孙未报', theirs.cert_number, unapplied.cert_number])
      expect(queue.text).not.toContain(hidden)
    expect((await clerk.get(`/staff/info-reviews/${theirs.id}`)).status).toBe(404)
    const token = (await clerk.get('/staff/info-reviews')).text.match(/name="_csrf" value="([^"]+)"/)![1]
    const post = await clerk
      .post(`/staff/info-reviews/${theirs.id}`)
      .type('form')
      .send({ _csrf: token, decision: 'pass', reason: '', version: '1' })
    expect(post.status).toBe(404)
    expect((await t.db('info_items').where({ id: theirs.id }).first()).status).toBe('pending')
    // the administrator (instance-wide) sees them all
    const all = await clerk2.get('/staff/info-reviews?status=all')
    expect(all.text).toContain(theirs.cert_number)
    expect(all.text).toContain(unapplied.cert_number)
  })

  it('is closed to applicants', async () => {
    const a = await createApplicant(t.db)
    const ag = agent(t.app)
    await loginAs(ag, a)
    const res = await ag.get('/staff/info-reviews')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/staff/login')
  })
})
