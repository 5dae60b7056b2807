import sharp from 'sharp'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, type Agent } from '../helpers/http'
import { createApplicant, createStaff } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { loginStaff } from './staffSupport'
import { portrait, textFile } from '../fixtures/images'
import { postMultipart, type Upload } from '../fixtures/identity'
import { UPLOAD_DEMO_VIEWS, uploadDemoRoutes } from '../fixtures/upload/routes'
import { prepareImage, storeImage } from '../../src/services/imageStore'
import { contentDisposition } from '../../src/modules/files/routes'
import type { ImageKind } from '../../src/domain/imageRules'

describe('GET /files/:id and the generic upload-and-preview field', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ routes: uploadDemoRoutes, viewDirs: [UPLOAD_DEMO_VIEWS] })
  })
  afterAll(() => t.close())

  async function signedIn() {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, applicant)
    return { a, applicant }
  }

  async function stored(kind: ImageKind, applicantId: number, draft = false): Promise<string> {
    const prepared = await prepareImage(kind, await portrait({ width: 600, height: 800 }))
    if (!prepared.ok) throw new Error(prepared.error)
    const owner = { kind: 'applicant', id: applicantId } as const
    return (await storeImage(t.db, prepared.image, owner, { now: t.clock.now(), draft })).id
  }

  async function staffAgent(
    role: string,
    scope: 'instance' | 'authority' | 'point' = 'instance',
  ): Promise<Agent> {
    const s = await createStaff(t.db, [
      { role, scope_type: scope, scope_id: scope === 'instance' ? null : 1 },
    ])
    return loginStaff(t, s.username, s.password)
  }

  describe('Content-Disposition', () => {
    it.each([
      ['photo.jpg', 'inline; filename="photo.jpg"'],
      ['证件照.jpg', `inline; filename="id_photo.jpg"; filename*=UTF-8''%E8%AF%81%E4%BB%B6%E7%85%A7.jpg`],
      ["a'(b).jpg", `inline; filename="id_photo.jpg"; filename*=UTF-8''a%27%28b%29.jpg`],
    ])('%s → %s', (name, header) => {
      expect(contentDisposition(name, 'id_photo.jpg')).toBe(header)
    })
  })

  it('serves an ID photo to its owner inline, under its Chinese name, never sniffed or cached', async () => {
    const { a, applicant } = await signedIn()
    const id = await stored('id_photo', applicant.id)
    const res = await a.get(`/files/${id}`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('image/jpeg')
    expect(res.headers['content-disposition']).toBe(
      `inline; filename="id_photo.jpg"; filename*=UTF-8''${encodeURIComponent('证件照.jpg')}`,
    )
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(Number(res.headers['content-length'])).toBe(res.body.length)
    expect((await sharp(res.body as Buffer).metadata()).width).toBe(295)
  })

  it('answers 404 to another applicant, to nobody signed in, and for ids that do not exist', async () => {
    const { applicant } = await signedIn()
    const id = await stored('id_photo', applicant.id)
    const other = await signedIn()
    const res = await other.a.get(`/files/${id}`)
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toMatch(/text\/html/)
    expect((await agent(t.app).get(`/files/${id}`)).status).toBe(404)
    expect((await other.a.get('/files/00000000-0000-0000-0000-000000000000')).status).toBe(404)
    expect((await other.a.get('/files/not-a-uuid')).status).toBe(404)
  })

  // A file no record holds opens for no staff member, whatever the role (files-scope.test.ts has
  // every kind inside and outside its record's scope).
  it.each([
    ['id_photo', 'confirmation_clerk', 'point', false],
    ['id_photo', 'registration_approver', 'authority', false],
    ['id_photo', 'certification_approver', 'authority', false],
    ['id_photo', 'identity_reviewer', 'instance', false],
    ['commitment_crop', 'certification_approver', 'authority', false],
    ['commitment_scan', 'identity_reviewer', 'instance', false],
    ['certificate_photo', 'registration_approver', 'authority', false],
    ['mandarin_scan', 'confirmation_clerk', 'point', false],
    ['mandarin_scan', 'registration_approver', 'authority', false],
    ['identity_review_photo', 'confirmation_clerk', 'point', false],
  ] as const)('%s to %s (%s scope): served %s', async (kind, role, scope, served) => {
    const { applicant } = await signedIn()
    const id = await stored(kind, applicant.id)
    const s = await staffAgent(role, scope)
    expect((await s.get(`/files/${id}`)).status).toBe(served ? 200 : 404)
  })

  it('never serves a draft to staff, even with the permission', async () => {
    const { a, applicant } = await signedIn()
    const id = await stored('id_photo', applicant.id, true)
    expect((await a.get(`/files/${id}`)).status).toBe(200)
    const clerk = await staffAgent('confirmation_clerk', 'point')
    expect((await clerk.get(`/files/${id}`)).status).toBe(404)
  })

  describe('the upload field', () => {
    const photoUpload = (content: Buffer, filename = 'photo.jpg', contentType = 'image/jpeg'): Upload => ({
      field: 'photo',
      content,
      filename,
      contentType,
    })
    const post = (a: Agent, fields: Record<string, string>, files: Upload[] = []) =>
      postMultipart(a, '/upload-demo', '/upload-demo', fields, files)

    it('previews the normalised photo with its pixels and bytes, then saves it without choosing it again', async () => {
      const { a, applicant } = await signedIn()
      // A PNG under a .jpg name and an image/jpeg header: taken by its content.
      const png = await portrait({ width: 1200, height: 1600, format: 'png' })
      await post(a, { action: 'preview' }, [photoUpload(png)])
      const page = await a.get('/upload-demo')
      const id = page.text.match(/<img src="\/files\/([0-9a-f-]{36})" alt="已上传证件照的预览"/)![1]
      expect(page.text).toMatch(/已上传证件照：\d+KB，295×413像素/)
      expect(page.text).toContain(`name="photoFileId" value="${id}"`)
      expect(page.text).toContain('重新选择证件照')
      expect(page.text).toContain('要求：JPG格式，小于190KB，宽200–300像素、高408–418像素，白色背景。')
      const draft = await t.db('files').where({ id }).first()
      expect(draft).toMatchObject({
        draft: true,
        kind: 'id_photo',
        width: 295,
        height: 413,
        owner_id: String(applicant.id),
      })

      await post(a, { action: 'save', photoFileId: id })
      expect((await a.get('/upload-demo')).text).toContain(`已保存：${id}`)
      expect((await t.db('files').where({ id }).first()).draft).toBe(false)
    })

    it('uses a compliant file as it is when asked, and refuses one outside the box with the sizes', async () => {
      const { a } = await signedIn()
      const exact = await portrait({ width: 250, height: 410 })
      await post(a, { action: 'preview', photoNormalise: 'no' }, [photoUpload(exact)])
      const page = await a.get('/upload-demo')
      expect(page.text).toMatch(/已上传证件照：\d+KB，250×410像素/)
      expect(page.text).toMatch(
        /<input type="radio" id="photoNormalise-2" name="photoNormalise" value="no" checked>/,
      )

      const id = page.text.match(/name="photoFileId" value="([0-9a-f-]{36})"/)![1]
      const big = await portrait({ width: 600, height: 800 })
      await post(a, { action: 'preview', photoNormalise: 'no', photoFileId: id }, [photoUpload(big)])
      const refused = await a.get('/upload-demo')
      expect(refused.text).toContain('图片尺寸不符合要求（600×800像素）')
      // The photo previewed before is still there.
      expect(refused.text).toMatch(/已上传证件照：\d+KB，250×410像素/)
    })

    it('refuses a text file, a blue background, and a save with nothing chosen, beside the field', async () => {
      const { a } = await signedIn()
      const before = Number((await t.db('files').count({ n: '*' }).first())!.n)
      await post(a, { action: 'preview' }, [photoUpload(textFile())])
      expect((await a.get('/upload-demo')).text).toContain('<a href="#photo">请上传JPG或PNG格式的图片</a>')
      await post(a, { action: 'preview' }, [
        photoUpload(await portrait({ width: 600, height: 800, background: '#438edb' })),
      ])
      expect((await a.get('/upload-demo')).text).toContain('照片背景应为白色，请更换白色背景的照片')
      await post(a, { action: 'save' })
      expect((await a.get('/upload-demo')).text).toContain('<a href="#photo">请选择要上传的图片</a>')
      expect(Number((await t.db('files').count({ n: '*' }).first())!.n)).toBe(before)
    })

    it('does not let one applicant preview or save another’s draft', async () => {
      const { applicant } = await signedIn()
      const theirs = await stored('id_photo', applicant.id, true)
      const { a } = await signedIn()
      await post(a, { action: 'save', photoFileId: theirs })
      const page = await a.get('/upload-demo')
      expect(page.text).not.toContain(theirs)
      expect(page.text).toContain('请选择要上传的图片')
      expect((await t.db('files').where({ id: theirs }).first()).draft).toBe(true)
    })
  })
})
