import sharp from 'sharp'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, type Agent } from '../helpers/http'
import { createApplicant } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { CROP_DEMO_VIEWS, cropDemoRoutes } from '../fixtures/crop/routes'
import { commitmentScan, SCAN } from '../fixtures/crop/scan'
import { prepareImage, storeImage } from '../../src/services/imageStore'

// The no-JavaScript crop (src/web/crop.ts + views/macros/crop.njk) through a page built like the
// 个人承诺书 step: every action posts the whole form back, as a browser does, and the page that
// comes back is read for what the next post sends.

/** What a browser would send from the page's form: hidden, text and checked inputs. */
function formState(html: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const tag of html.match(/<input\b[^>]*>/g) ?? []) {
    const attr = (n: string) => new RegExp(`\\s${n}="([^"]*)"`).exec(tag)?.[1]
    const type = attr('type') ?? 'text'
    const name = attr('name')
    if (!name || ['image', 'file', 'submit'].includes(type)) continue
    if ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(tag)) continue
    out[name] = (attr('value') ?? '').replace(/&amp;/g, '&')
  }
  return out
}

describe('choosing the dashed box of a 个人承诺书 scan without JavaScript', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ routes: cropDemoRoutes, viewDirs: [CROP_DEMO_VIEWS] })
  })
  afterAll(() => t.close())

  async function signedIn() {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, applicant)
    return { a, applicant }
  }

  async function storedScan(applicantId: number): Promise<string> {
    const prepared = await prepareImage('commitment_scan', await commitmentScan())
    if (!prepared.ok) throw new Error(prepared.error)
    expect([prepared.image.width, prepared.image.height]).toEqual([SCAN.width, SCAN.height])
    const owner = { kind: 'applicant', id: applicantId } as const
    return (await storeImage(t.db, prepared.image, owner, { now: t.clock.now(), draft: true })).id
  }

  /** Posts the page's form with `extra` (a click, typed numbers, a button) and returns the page after. */
  async function act(a: Agent, html: string, extra: Record<string, string>): Promise<string> {
    const res = await a
      .post('/crop-demo')
      .type('form')
      .send({ ...formState(html), ...extra })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/crop-demo')
    const page = await a.get('/crop-demo')
    expect(page.status).toBe(200)
    return page.text
  }

  /** An applicant with a previewed scan, on the page showing it as the image button. */
  async function withScan() {
    const { a, applicant } = await signedIn()
    const scanId = await storedScan(applicant.id)
    const first = (await a.get('/crop-demo')).text
    const html = await act(a, first, { _action: 'preview', commitmentFileId: scanId })
    return { a, applicant, scanId, html }
  }

  const click = (x: number, y: number) => ({ 'corner.x': String(x), 'corner.y': String(y) })

  async function cropOf(a: Agent, html: string) {
    const id = formState(html).cropFileId
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    const file = await a.get(`/files/${id}`).buffer(true)
    expect(file.status).toBe(200)
    const meta = await sharp(file.body as Buffer).metadata()
    return { id, width: meta.width, height: meta.height, format: meta.format }
  }

  it('shows the scan as an image button drawn at 600 px, with the four labelled number fields', async () => {
    const { html, scanId } = await withScan()
    expect(html).toMatch(
      new RegExp(
        `<input type="image" id="corner" name="corner" class="crop-image" src="/files/${scanId}" width="600" height="800"`,
      ),
    )
    expect(html).toContain('尚未选择：请点击虚线框的第一个角。')
    for (const [id, label] of [
      ['cropLeft', '左'],
      ['cropTop', '上'],
      ['cropWidth', '宽'],
      ['cropHeight', '高'],
    ])
      expect(html).toContain(`<label for="${id}">${label}</label>`)
    expect(html).toContain('原图宽1200像素、高1600像素')
    expect(html).toMatch(/name="_csrf" value="[^"]+"/)
  })

  it('marks the first click, crops at the second, in the scan’s own pixels', async () => {
    const { a, html } = await withScan()
    // Drawn at half size: the dashed box's corners (100,300) and (1100,1100) are at (50,150), (550,550).
    const one = await act(a, html, click(50, 150))
    expect(one).toContain('已选择第一个角（左100、上300像素')
    expect(one).toMatch(/class="crop-marker" aria-hidden="true" style="left: 50px; top: 150px"/)
    expect(formState(one).cropFirst).toBe('100,300')
    expect(one).not.toContain('id="crop-preview"')

    const two = await act(a, one, click(550, 550))
    expect(two).toContain('id="crop-preview"')
    expect(two).toContain('已选择区域：左100、上300、宽1000、高800像素。')
    expect(two).toMatch(
      /class="crop-rect" aria-hidden="true" style="left: 50px; top: 150px; width: 500px; height: 400px"/,
    )
    const s = formState(two)
    expect([s.cropLeft, s.cropTop, s.cropWidth, s.cropHeight, s.cropFirst]).toEqual([
      '100',
      '300',
      '1000',
      '800',
      '',
    ])
    expect(await cropOf(a, two)).toMatchObject({ width: 1000, height: 800, format: 'jpeg' })
  })

  it('takes the corners in any order', async () => {
    const { a, html } = await withScan()
    const two = await act(a, await act(a, html, click(550, 550)), click(50, 150))
    expect(await cropOf(a, two)).toMatchObject({ width: 1000, height: 800 })
    const s = formState(two)
    expect([s.cropLeft, s.cropTop]).toEqual(['100', '300'])
    // bottom-left then top-right
    const { a: b, html: h } = await withScan()
    const other = await act(b, await act(b, h, click(50, 550)), click(550, 150))
    expect(formState(other).cropLeft).toBe('100')
    expect(await cropOf(b, other)).toMatchObject({ width: 1000, height: 800 })
  })

  it('crops by typed numbers', async () => {
    const { a, html } = await withScan()
    const page = await act(a, html, {
      _action: 'crop',
      cropLeft: '101',
      cropTop: '299',
      cropWidth: '999',
      cropHeight: '801',
    })
    expect(page).toContain('已选择区域：左101、上299、宽999、高801像素。')
    expect(await cropOf(a, page)).toMatchObject({ width: 999, height: 801 })
  })

  it.each([
    [
      { cropLeft: '1200', cropTop: '0', cropWidth: '300', cropHeight: '300' },
      'cropLeft',
      '“左”应小于图片宽度1200像素',
    ],
    [
      { cropLeft: '500', cropTop: '0', cropWidth: '800', cropHeight: '300' },
      'cropWidth',
      '裁剪区域超出图片右边缘：“左”加“宽”不能大于图片宽度1200像素',
    ],
    [
      { cropLeft: '0', cropTop: '1000', cropWidth: '300', cropHeight: '700' },
      'cropHeight',
      '裁剪区域超出图片下边缘：“上”加“高”不能大于图片高度1600像素',
    ],
    [
      { cropLeft: '0', cropTop: '0', cropWidth: '150', cropHeight: '199' },
      'cropWidth',
      '裁剪区域过小（宽150、高199像素），请框选完整的虚线框，较长的一边至少200像素',
    ],
    [{ cropLeft: '', cropTop: '0', cropWidth: '300', cropHeight: '300' }, 'cropLeft', '请填写“左”（像素）'],
    [
      { cropLeft: '0', cropTop: '1.5', cropWidth: '300', cropHeight: '300' },
      'cropTop',
      '“上”应为不小于0的整数（像素），例如120',
    ],
    [
      { cropLeft: '0', cropTop: '0', cropWidth: '-3', cropHeight: '300' },
      'cropWidth',
      '“宽”应为不小于0的整数（像素），例如120',
    ],
    [{ cropLeft: '0', cropTop: '0', cropWidth: '300', cropHeight: '0' }, 'cropHeight', '“高”应大于0'],
  ])('refuses typed numbers %j beside %s, and keeps the scan', async (numbers, field, message) => {
    const { a, html, scanId } = await withScan()
    const page = await act(a, html, { _action: 'crop', ...numbers })
    expect(page).toContain('提交的信息有误，请修改以下内容')
    expect(page).toContain(`<a href="#${field}">${message}</a>`)
    expect(page).toMatch(
      new RegExp(
        `<p class="field-error" id="${field}-error"><span class="visually-hidden">错误：</span>${message.replace(/[()（）]/g, '.')}`,
      ),
    )
    expect(page).toMatch(
      new RegExp(
        `id="${field}" name="${field}" type="text" value="${numbers[field as keyof typeof numbers]}"[^>]* aria-invalid="true"`,
      ),
    )
    expect(page).toContain(`src="/files/${scanId}"`)
    expect(formState(page).commitmentFileId).toBe(scanId)
    expect(formState(page).cropFileId).toBe('')
  })

  it('refuses two clicks too close together, beside the image, and a click off the image', async () => {
    const { a, html, scanId } = await withScan()
    const page = await act(a, await act(a, html, click(100, 100)), click(140, 170))
    const tooSmall = '裁剪区域过小（宽80、高140像素），请框选完整的虚线框，较长的一边至少200像素'
    expect(page).toContain(`<a href="#corner">${tooSmall}</a>`)
    expect(page).toContain('id="corner-error"')
    expect(page).toContain(`src="/files/${scanId}"`)
    expect(formState(page).cropFileId).toBe('')
    const off = await act(a, page, click(601, 10))
    expect(off).toContain('<a href="#corner">请在图片范围内点击</a>')
  })

  it('重新选择 forgets the cut-out and the numbers, never the scan', async () => {
    const { a, html, scanId } = await withScan()
    const cropped = await act(a, await act(a, html, click(50, 150)), click(550, 550))
    expect(cropped).toContain('重新选择</button>')
    const again = await act(a, cropped, { _action: 'redo' })
    expect(again).not.toContain('id="crop-preview"')
    expect(again).toContain('尚未选择：请点击虚线框的第一个角。')
    const s = formState(again)
    expect([s.cropLeft, s.cropWidth, s.cropFileId, s.cropFirst]).toEqual(['', '', '', ''])
    expect(s.commitmentFileId).toBe(scanId)
    // A click after a crop starts a new selection as well.
    const restart = await act(a, cropped, click(60, 160))
    expect(formState(restart).cropFirst).toBe('120,320')
    expect(restart).not.toContain('id="crop-preview"')
  })

  it('forgets a selection made on another scan', async () => {
    const { a, applicant, html } = await withScan()
    const one = await act(a, html, click(50, 150))
    const newScan = await storedScan(applicant.id)
    const page = await act(a, one, { ...click(550, 550), commitmentFileId: newScan })
    // The second click on the new scan is its first corner.
    expect(formState(page).cropFirst).toBe('1100,1100')
    expect(formState(page).cropSourceId).toBe(newScan)
  })

  it('refuses another applicant’s scan: nothing shown, nothing cropped, nothing stored', async () => {
    const owner = await signedIn()
    const theirs = await storedScan(owner.applicant.id)
    const { a, applicant } = await signedIn()
    const first = (await a.get('/crop-demo')).text
    const before = Number((await t.db('files').where({ owner_id: applicant.id }).count())[0].count)
    const attempts: Record<string, string>[] = [
      { commitmentFileId: theirs, ...click(50, 150) },
      { commitmentFileId: theirs, cropSourceId: theirs, cropFirst: '100,300', ...click(550, 550) },
      {
        commitmentFileId: theirs,
        _action: 'crop',
        cropLeft: '0',
        cropTop: '0',
        cropWidth: '500',
        cropHeight: '500',
      },
    ]
    for (const extra of attempts) {
      const page = await act(a, first, extra)
      expect(page).not.toContain(theirs)
      expect(page).not.toContain('type="image"')
      expect(page).toContain('<a href="#corner">请先上传个人承诺书扫描件</a>')
    }
    const after = Number((await t.db('files').where({ owner_id: applicant.id }).count())[0].count)
    expect(after).toBe(before)
    expect(
      await t.db('files').where({ kind: 'commitment_crop', owner_id: owner.applicant.id }).count(),
    ).toEqual([{ count: '0' }])
  })

  it('never shows another applicant’s cut-out posted back as one’s own', async () => {
    const other = await withScan()
    const theirs = await act(other.a, await act(other.a, other.html, click(50, 150)), click(550, 550))
    const theirCrop = formState(theirs).cropFileId
    const { a, html, scanId } = await withScan()
    const res = await a
      .post('/crop-demo')
      .type('form')
      .send({ ...formState(html), cropSourceId: scanId, cropFileId: theirCrop })
    expect(res.status).toBe(303)
    const page = (await a.get('/crop-demo')).text
    expect(page).not.toContain(theirCrop)
    expect(page).toContain(
      '<a href="#corner">请在扫描件上点击虚线框的两个对角，或输入裁剪区域的数值，并生成裁剪预览</a>',
    )
    expect((await a.get(`/files/${theirCrop}`)).status).toBe(404)
  })

  it('saves only with a cut-out, then takes the scan and the cut-out into use', async () => {
    const { a, applicant, html, scanId } = await withScan()
    const cropped = await act(a, await act(a, html, click(50, 150)), click(550, 550))
    const cropId = formState(cropped).cropFileId
    const res = await a.post('/crop-demo').type('form').send(formState(cropped))
    expect(res.status).toBe(303)
    expect((await a.get('/crop-demo')).text).toContain(`已保存：${cropId}`)
    const rows = await t
      .db('files')
      .whereIn('id', [scanId, cropId])
      .select('kind', 'draft', 'owner_id', 'width', 'height')
    expect(rows).toEqual(
      expect.arrayContaining([
        { kind: 'commitment_scan', draft: false, owner_id: applicant.id, width: 1200, height: 1600 },
        { kind: 'commitment_crop', draft: false, owner_id: applicant.id, width: 1000, height: 800 },
      ]),
    )
  })
})
