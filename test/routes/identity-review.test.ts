import sharp from 'sharp'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { createApplicant, createStaff } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { loginStaff } from './staffSupport'
import { noisyPng, pngClaiming, smallPng, textFile } from '../fixtures/images'
import { failedCheck, insertReview, photo, postMultipart } from '../fixtures/identity'

describe('人工审核 /identity/review', () => {
  let t: TestApp
  let png: Buffer
  beforeAll(async () => {
    t = await appWithAllRoutes()
    png = await smallPng(640, 480)
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z')) // Tuesday 10:00 in Shanghai

  /** An applicant whose verification failed, signed in. */
  async function afterFailedCheck(overrides: Record<string, unknown> = {}) {
    const applicant = await createApplicant(t.db, { identity_status: 'unverified', ...overrides })
    await failedCheck(t.db, applicant.id, new Date('2026-09-01T02:00:00Z'))
    const a = agent(t.app)
    await loginAs(a, applicant)
    return { a, applicant }
  }

  const submit = (a: Agent, fields: Record<string, string>, files = [photo(png)]) =>
    postMultipart(a, '/identity/review', '/identity/review', { action: 'submit', ...fields }, files)
  const reviewsOf = (id: number) => t.db('identity_reviews').where({ applicant_id: id }).orderBy('id')
  const fileCount = async () => Number((await t.db('files').count({ n: '*' }).first())!.n)

  it('shows the manual notes and refuses a request before any failed verification', async () => {
    const applicant = await createApplicant(t.db, { identity_status: 'unverified' })
    const a = agent(t.app)
    await loginAs(a, applicant)
    const page = await a.get('/identity/review')
    expect(page.status).toBe(200)
    expect(page.text).toContain('每个周期您最多只可以申请三次人工审核，故请谨慎提交。')
    expect(page.text).toContain('请先进行实名核验；实名核验未通过时，方可申请人工审核。')
    expect(page.text).not.toContain('enctype="multipart/form-data"')
    const res = await postMultipart(
      a,
      '/identity/review',
      '/identity/review',
      { name: '张三', details: '说明' },
      [photo(png)],
    )
    // A crafted POST (the layout's logout form still carries a token) is refused as well.
    expect(res.status).toBe(303)
    expect(await reviewsOf(applicant.id)).toHaveLength(0)
  })

  it('takes a PNG with details, stores a JPEG under 190 KB, and shows the 7-working-day deadline', async () => {
    const { a, applicant } = await afterFailedCheck()
    const form = await a.get('/identity/review')
    expect(form.text).toContain('请提供清晰的照片（图片大小小于190KB，格式为JPG）')
    expect(form.text).toMatch(/<label for="photo">照片/)
    expect(form.text).toMatch(/<label for="details">情况说明/)
    expect(form.text).toContain('本周期（2026-09-01至2026-12-31）已申请人工审核0次，剩余3次。')

    const res = await submit(a, { name: '张三', details: '本人近期换领了身份证。' }, [
      photo(await noisyPng(1800, 1200)),
    ])
    expect(res.status).toBe(303)
    const [review] = await reviewsOf(applicant.id)
    expect(review).toMatchObject({
      status: 'pending',
      name: '张三',
      details: '本人近期换领了身份证。',
      cycle: '2026-H2',
    })
    const file = await t.db('files').where({ id: review.photo_file_id }).first()
    expect(file).toMatchObject({
      mime: 'image/jpeg',
      owner_kind: 'applicant',
      kind: 'identity_review_photo',
      draft: false,
    })
    expect(Number(file.owner_id)).toBe(Number(applicant.id))
    expect(file.size).toBeLessThan(190_000)
    expect((await sharp(file.content).metadata()).format).toBe('jpeg')
    expect((await t.db('applicants').where({ id: applicant.id }).first()).identity_status).toBe(
      'manual_pending',
    )

    const page = await a.get('/identity/review')
    expect(page.text).toContain('人工审核申请已提交，请等待审核结果。')
    // Tuesday 15 Sep + 7 working days: 16, 17, 18, 21, 22, 23, 24.
    expect(page.text).toContain('预计审核完成时间：2026-09-24（7个工作日内）')
    expect(page.text).toContain('实名状态：<strong>人工审核中</strong>')
    expect(page.text).toContain('<dt>审核状态</dt><dd>审核中</dd>')
    expect(page.text).not.toContain('enctype="multipart/form-data"')
    const audit = await t
      .db('audit_log')
      .where({ action: 'identity.review_submit', actor_id: applicant.id })
      .first()
    expect(audit.target_id).toBe(String(review.id))
  })

  it('counts the deadline over weekends and the holiday table', async () => {
    t.clock.set('2026-09-18T02:00:00Z') // Friday
    await t
      .db('holidays')
      .insert({ day: '2026-09-22', kind: 'holiday', name: '测试假日' })
      .onConflict('day')
      .merge()
    try {
      const { a, applicant } = await afterFailedCheck()
      await submit(a, { name: '张三', details: '说明' })
      const [review] = await t
        .db('identity_reviews')
        .where({ applicant_id: applicant.id })
        .select(t.db.raw(`to_char(deadline, 'YYYY-MM-DD') AS d`))
      // 21, (22 holiday), 23, 24, 25, 28, 29, 30.
      expect(review.d).toBe('2026-09-30')
    } finally {
      await t.db('holidays').where({ day: '2026-09-22' }).delete()
    }
  })

  it('refuses a text file named .jpg beside the field and stores nothing', async () => {
    const { a, applicant } = await afterFailedCheck()
    const before = await fileCount()
    const res = await submit(a, { name: '张三', details: '说明' }, [
      photo(textFile(), 'photo.jpg', 'image/jpeg'),
    ])
    expect(res.headers.location).toBe('/identity/review')
    const page = await a.get('/identity/review')
    expect(page.text).toContain('<a href="#photo">请上传JPG或PNG格式的图片</a>')
    expect(page.text).toContain('id="photo-error"')
    expect(page.text).toContain('>说明</textarea>')
    expect(await fileCount()).toBe(before)
    expect(await reviewsOf(applicant.id)).toHaveLength(0)
  })

  it('refuses a decompression bomb', async () => {
    const { a, applicant } = await afterFailedCheck()
    await submit(a, { name: '张三', details: '说明' }, [photo(await pngClaiming(30_000, 30_000))])
    expect((await a.get('/identity/review')).text).toContain('图片尺寸过大，请上传清晰的证件照片')
    expect(await reviewsOf(applicant.id)).toHaveLength(0)
  })

  it('stores no file when a multipart POST carries a bad CSRF token', async () => {
    const { a, applicant } = await afterFailedCheck()
    const before = await fileCount()
    const res = await postMultipart(
      a,
      '/identity/review',
      '/identity/review',
      { name: '张三', details: '说明', action: 'preview' },
      [photo(png)],
      'not-the-token',
    )
    expect(res.status).toBe(403)
    expect(await fileCount()).toBe(before)
    expect(await reviewsOf(applicant.id)).toHaveLength(0)
  })

  it('previews the normalised photo with its size, then submits it without choosing it again', async () => {
    const { a, applicant } = await afterFailedCheck()
    await postMultipart(
      a,
      '/identity/review',
      '/identity/review',
      { name: '张三', details: '', action: 'preview' },
      [photo(png)],
    )
    const page = await a.get('/identity/review')
    expect(page.text).toContain('照片已上传，请确认照片清晰后提交人工审核。')
    const draftId = page.text.match(/<img src="\/files\/([0-9a-f-]{36})" alt="已上传照片的预览"/)![1]
    expect(page.text).toMatch(/已上传照片：\d+KB，640×480像素/)
    expect(page.text).toContain(`name="photoFileId" value="${draftId}"`)
    const img = await a.get(`/files/${draftId}`)
    expect(img.status).toBe(200)
    expect(img.headers['content-type']).toBe('image/jpeg')

    await a
      .post('/identity/review')
      .type('form')
      .send({
        name: '张三',
        details: '说明',
        photoFileId: draftId,
        action: 'submit',
        _csrf: csrfFrom(page.text),
      })
    const [review] = await reviewsOf(applicant.id)
    expect(review.photo_file_id).toBe(draftId)
    expect((await t.db('files').where({ id: draftId }).first()).draft).toBe(false)
  })

  it('keeps a good photo while other fields are corrected, and refuses another applicant’s draft', async () => {
    const { a, applicant } = await afterFailedCheck()
    await submit(a, { name: '张三', details: '' })
    const page = await a.get('/identity/review')
    expect(page.text).toContain('<a href="#details">请填写情况说明</a>')
    expect(page.text).toContain('已上传的照片已保留，修改其他内容后即可提交。')
    const draftId = page.text.match(/name="photoFileId" value="([0-9a-f-]{36})"/)![1]

    const other = await afterFailedCheck()
    await other.a
      .post('/identity/review')
      .type('form')
      .send({
        name: '张三',
        details: '说明',
        photoFileId: draftId,
        action: 'submit',
        _csrf: csrfFrom((await other.a.get('/identity/review')).text),
      })
    expect(await reviewsOf(other.applicant.id)).toHaveLength(0)
    expect((await other.a.get('/identity/review')).text).toContain('<a href="#photo">请选择要上传的图片</a>')

    await a
      .post('/identity/review')
      .type('form')
      .send({
        name: '张三',
        details: '说明',
        photoFileId: draftId,
        action: 'submit',
        _csrf: csrfFrom(page.text),
      })
    expect(await reviewsOf(applicant.id)).toMatchObject([{ status: 'pending', photo_file_id: draftId }])
  })

  it('refuses a second request while one is pending, even a crafted POST', async () => {
    const { a, applicant } = await afterFailedCheck()
    await submit(a, { name: '张三', details: '说明' })
    const page = await a.get('/identity/review')
    await a
      .post('/identity/review')
      .type('form')
      .send({ name: '张三', details: '再次', action: 'submit', _csrf: csrfFrom(page.text) })
    expect((await a.get('/identity/review')).text).toContain(
      '您已有正在审核中的人工审核申请，请等待审核结果。',
    )
    expect(await reviewsOf(applicant.id)).toHaveLength(1)
  })

  it('allows 3 requests per cycle; the 4th waits for 1 Sep 00:00 Shanghai (31 Aug 23:59 is still the old cycle)', async () => {
    const { a, applicant } = await afterFailedCheck()
    await insertReview(t.db, applicant, { status: 'rejected', submittedAt: new Date('2026-03-02T02:00:00Z') })
    await insertReview(t.db, applicant, { status: 'rejected', submittedAt: new Date('2026-06-02T02:00:00Z') })
    await t.db('applicants').where({ id: applicant.id }).update({ identity_status: 'manual_rejected' })

    t.clock.set('2026-08-31T15:59:00Z') // 31 Aug 23:59 in Shanghai
    expect((await a.get('/identity/review')).text).toContain(
      '本周期（2026-01-01至2026-08-31）已申请人工审核2次，剩余1次。',
    )
    await submit(a, { name: '张三', details: '第三次' })
    expect(await reviewsOf(applicant.id)).toHaveLength(3)
    await t
      .db('identity_reviews')
      .where({ applicant_id: applicant.id, status: 'pending' })
      .update({ status: 'rejected', reason: '照片不清晰' })
    await t.db('applicants').where({ id: applicant.id }).update({ identity_status: 'manual_rejected' })

    const page = await a.get('/identity/review')
    expect(page.text).toContain('本周期您已申请三次人工审核，不能再次申请。')
    expect(page.text).not.toContain('enctype="multipart/form-data"')
    await a
      .post('/identity/review')
      .type('form')
      .send({ name: '张三', details: '第四次', action: 'submit', _csrf: csrfFrom(page.text) })
    expect(await reviewsOf(applicant.id)).toHaveLength(3)

    t.clock.set('2026-08-31T16:00:00Z') // 1 Sep 00:00 in Shanghai: a new cycle
    expect((await a.get('/identity/review')).text).toContain(
      '本周期（2026-09-01至2026-12-31）已申请人工审核0次，剩余3次。',
    )
    await submit(a, { name: '张三', details: '新周期' })
    const all = await reviewsOf(applicant.id)
    expect(all).toHaveLength(4)
    expect(all[3]).toMatchObject({ cycle: '2026-H2', status: 'pending' })
  })

  describe('who may see a review photo', () => {
    it('serves it to its owner inline with safe headers, and as missing to everyone else', async () => {
      const { a, applicant } = await afterFailedCheck()
      await submit(a, { name: '张三', details: '说明' })
      const [review] = await reviewsOf(applicant.id)
      const url = `/files/${review.photo_file_id}`

      const own = await a.get(url)
      expect(own.status).toBe(200)
      expect(own.headers['content-type']).toBe('image/jpeg')
      expect(own.headers['content-disposition']).toBe('inline; filename="photo.jpg"')
      expect(own.headers['x-content-type-options']).toBe('nosniff')
      expect(own.headers['cache-control']).toBe('no-store')

      const b = await afterFailedCheck()
      const stranger = await b.a.get(url)
      expect(stranger.status).toBe(404)
      expect(stranger.headers['content-type']).toMatch(/text\/html/)
      // B's own review page knows nothing of A's review.
      const bPage = await b.a.get('/identity/review')
      expect(bPage.text).not.toContain(review.photo_file_id)
      expect(bPage.text).not.toContain('人工审核记录')

      expect((await agent(t.app).get(url)).status).toBe(404)

      const approver = await createStaff(t.db, [
        { role: 'registration_approver', scope_type: 'authority', scope_id: 1 },
      ])
      const s = await loginStaff(t, approver.username, approver.password)
      expect((await s.get(url)).status).toBe(404)
      expect((await s.get('/staff/identity-reviews')).status).toBe(403)
      expect((await s.get(`/staff/identity-reviews/${review.id}`)).status).toBe(403)

      const reviewer = await createStaff(t.db, [{ role: 'identity_reviewer' }])
      const r = await loginStaff(t, reviewer.username, reviewer.password)
      expect((await r.get(url)).status).toBe(200)
    })
  })
})

describe('实名人工审核 queue /staff/identity-reviews', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  async function pendingApplicant(name: string, submittedAt = t.clock.now()) {
    const applicant = await createApplicant(t.db, { identity_status: 'unverified', name })
    await failedCheck(t.db, applicant.id, submittedAt, name)
    const reviewId = await insertReview(t.db, applicant, { status: 'pending', submittedAt })
    return { applicant, reviewId }
  }

  async function reviewer() {
    const staff = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    return { staff, a: await loginStaff(t, staff.username, staff.password) }
  }

  const decide = async (a: Agent, id: number, fields: Record<string, string>) => {
    const page = await a.get(`/staff/identity-reviews/${id}`)
    const version = page.text.match(/name="version" value="(\d+)"/)?.[1] ?? '1'
    return a
      .post(`/staff/identity-reviews/${id}`)
      .type('form')
      .send({ version, ...fields, _csrf: csrfFrom(page.text) })
  }

  it('lists pending requests with their deadline, highlights overdue ones, and filters', async () => {
    const old = await pendingApplicant('赵逾期', new Date('2026-08-03T02:00:00Z'))
    const fresh = await pendingApplicant('钱新近')
    const { a } = await reviewer()
    const page = await a.get('/staff/identity-reviews')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<th scope="col">办结期限</th>')
    const oldRow = page.text.match(new RegExp(`<tr class="row-overdue">[\\s\\S]*?赵逾期[\\s\\S]*?</tr>`))
    expect(oldRow?.[0]).toContain('已逾期')
    expect(page.text).toContain(fresh.applicant.doc_number)
    expect(page.text.indexOf('赵逾期')).toBeLessThan(page.text.indexOf('钱新近'))

    const byName = await a.get('/staff/identity-reviews?q=钱新')
    expect(byName.text).toContain('钱新近')
    expect(byName.text).not.toContain('赵逾期')
    const byNumber = await a.get(`/staff/identity-reviews?q=${old.applicant.doc_number.slice(-8)}`)
    expect(byNumber.text).toContain('赵逾期')
    expect(byNumber.text).not.toContain('钱新近')
    const byDate = await a.get('/staff/identity-reviews?from=2026-08-01&to=2026-08-03')
    expect(byDate.text).toContain('赵逾期')
    expect(byDate.text).not.toContain('钱新近')
    const approved = await a.get('/staff/identity-reviews?status=approved')
    expect(approved.text).not.toContain('赵逾期')
    const bad = await a.get('/staff/identity-reviews?from=2026-02-30')
    expect(bad.status).toBe(200)
    expect(bad.text).toContain('提交日期（起）不是有效的日期')
  })

  it('shows the photo and the details on the detail page', async () => {
    const { reviewId } = await pendingApplicant('孙照片')
    const { a } = await reviewer()
    const page = await a.get(`/staff/identity-reviews/${reviewId}`)
    expect(page.status).toBe(200)
    const fileId = (await t.db('identity_reviews').where({ id: reviewId }).first()).photo_file_id
    expect(page.text).toContain(`<img class="review-photo" src="/files/${fileId}"`)
    expect(page.text).toContain('<legend>审核结论')
    expect((await a.get('/staff/identity-reviews/999999')).status).toBe(404)
  })

  it('requires a reason to reject; the applicant sees it and may correct and resubmit', async () => {
    const { applicant, reviewId } = await pendingApplicant('周驳回')
    const { a } = await reviewer()
    await decide(a, reviewId, { decision: 'reject', reason: '' })
    expect((await a.get(`/staff/identity-reviews/${reviewId}`)).text).toContain(
      '<a href="#reason">请填写不通过原因</a>',
    )
    expect((await t.db('identity_reviews').where({ id: reviewId }).first()).status).toBe('pending')

    const res = await decide(a, reviewId, { decision: 'reject', reason: '照片不清晰，请重新拍摄' })
    expect(res.headers.location).toBe('/staff/identity-reviews')
    expect(await t.db('identity_reviews').where({ id: reviewId }).first()).toMatchObject({
      status: 'rejected',
      reason: '照片不清晰，请重新拍摄',
      version: 2,
    })
    expect((await t.db('applicants').where({ id: applicant.id }).first()).identity_status).toBe(
      'manual_rejected',
    )
    const audit = await t
      .db('audit_log')
      .where({ action: 'identity.review_decide', target_id: String(reviewId) })
      .first()
    expect(audit.detail).toMatchObject({ decision: 'reject' })
    expect(await t.db('outbox').where({ recipient: applicant.email }).first()).toMatchObject({
      channel: 'email',
    })

    const app = agent(t.app)
    await loginAs(app, applicant)
    const page = await app.get('/identity/review')
    expect(page.text).toContain('<dt>不通过原因</dt><dd>照片不清晰，请重新拍摄</dd>')
    expect(page.text).toContain('重新提交人工审核')
    expect(page.text).toContain('enctype="multipart/form-data"')
    await postMultipart(
      app,
      '/identity/review',
      '/identity/review',
      { name: '周驳回', details: '已重新拍摄', action: 'submit' },
      [photo(await smallPng())],
    )
    expect(
      await t.db('identity_reviews').where({ applicant_id: applicant.id, status: 'pending' }),
    ).toHaveLength(1)
  })

  it('approves: the applicant becomes 人工审核通过 with the name given in the request', async () => {
    const { applicant, reviewId } = await pendingApplicant('吴通过')
    await t.db('identity_reviews').where({ id: reviewId }).update({ name: '吴通过改' })
    const { a } = await reviewer()
    await decide(a, reviewId, { decision: 'approve', reason: '' })
    expect(await t.db('applicants').where({ id: applicant.id }).first()).toMatchObject({
      identity_status: 'manual_approved',
      name: '吴通过改',
    })
  })

  it('tells the second of two reviewers that someone else decided first', async () => {
    const { reviewId } = await pendingApplicant('郑并发')
    const first = await reviewer()
    const second = await reviewer()
    const page1 = await first.a.get(`/staff/identity-reviews/${reviewId}`)
    const page2 = await second.a.get(`/staff/identity-reviews/${reviewId}`)
    await first.a
      .post(`/staff/identity-reviews/${reviewId}`)
      .type('form')
      .send({ version: '1', decision: 'approve', reason: '', _csrf: csrfFrom(page1.text) })
    const res = await second.a
      .post(`/staff/identity-reviews/${reviewId}`)
      .type('form')
      .send({ version: '1', decision: 'reject', reason: '不清晰', _csrf: csrfFrom(page2.text) })
    expect(res.headers.location).toBe(`/staff/identity-reviews/${reviewId}`)
    expect((await second.a.get(res.headers.location)).text).toContain('该申请已被其他工作人员处理')
    expect((await t.db('identity_reviews').where({ id: reviewId }).first()).status).toBe('approved')
  })

  it('never lowers an applicant who passed verification meanwhile', async () => {
    const { applicant, reviewId } = await pendingApplicant('冯已核验')
    await t.db('applicants').where({ id: applicant.id }).update({ identity_status: 'verified' })
    const { a } = await reviewer()
    await decide(a, reviewId, { decision: 'reject', reason: '不清晰' })
    expect((await t.db('applicants').where({ id: applicant.id }).first()).identity_status).toBe('verified')
  })
})
