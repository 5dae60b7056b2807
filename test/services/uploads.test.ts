import fc from 'fast-check'
import sharp from 'sharp'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { jpeg, noisyPng, pngClaiming, portrait, smallPng, textFile } from '../fixtures/images'
import {
  adoptDraft,
  cropStoredImage,
  findDraft,
  prepareImage,
  storeImage,
  takeFiles,
  type PreparedImage,
} from '../../src/services/imageStore'
import { fileForViewer } from '../../src/modules/files/service'
import { DEFAULT_RETENTION, purgeDrafts } from '../../src/modules/privacy/retention'
import { checkDimensions, fitSize, IMAGE_MESSAGES, IMAGE_RULES } from '../../src/domain/imageRules'

const KIND = 'identity_review_photo'
const rule = IMAGE_RULES[KIND]

async function prepared(input: Buffer, normalise = true): Promise<PreparedImage> {
  const r = await prepareImage(KIND, input, { normalise })
  if (!r.ok) throw new Error(`expected the image to be accepted, got: ${r.error}`)
  return r.image
}

describe('image rules (pure)', () => {
  it('scales into the box without enlarging and keeps the aspect ratio', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), (w, h) => {
        const out = fitSize(rule, w, h)
        const scale = Math.min(1, rule.target.width / w, rule.target.height / h)
        // One scale for both sides (so the aspect ratio is kept up to rounding), never above 1.
        expect(Math.abs(out.width - Math.max(1, w * scale))).toBeLessThanOrEqual(0.5)
        expect(Math.abs(out.height - Math.max(1, h * scale))).toBeLessThanOrEqual(0.5)
        expect(out.width).toBeLessThanOrEqual(rule.target.width)
        expect(out.height).toBeLessThanOrEqual(rule.target.height)
        if (scale < 1) expect(out.width === rule.target.width || out.height === rule.target.height).toBe(true)
      }),
    )
  })

  it('refuses more pixels than the rule allows, before decoding', () => {
    expect(checkDimensions(rule, 8000, 5000)).toBeNull()
    expect(checkDimensions(rule, 8000, 5001)).toBe(IMAGE_MESSAGES.pixels)
    expect(checkDimensions(rule, 30000, 30000)).toBe('图片尺寸过大，请上传清晰的证件照片')
    expect(checkDimensions(rule, 0, 10)).toBe(IMAGE_MESSAGES.damaged)
  })
})

describe('prepareImage: the upload corpus', () => {
  it('refuses a text file whatever its name says', async () => {
    expect(await prepareImage(KIND, textFile())).toEqual({ ok: false, error: '请上传JPG或PNG格式的图片' })
  })

  it('refuses formats outside the rule even when they are images (GIF, WebP)', async () => {
    const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .gif()
      .toBuffer()
    const webp = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .webp()
      .toBuffer()
    expect(await prepareImage(KIND, gif)).toEqual({ ok: false, error: IMAGE_MESSAGES.format })
    expect(await prepareImage(KIND, webp)).toEqual({ ok: false, error: IMAGE_MESSAGES.format })
  })

  it('says so when nothing was chosen', async () => {
    expect(await prepareImage(KIND, Buffer.alloc(0))).toEqual({ ok: false, error: IMAGE_MESSAGES.missing })
    expect(await prepareImage(KIND, undefined)).toEqual({ ok: false, error: IMAGE_MESSAGES.missing })
  })

  it('refuses input over 10 MB before looking at it', async () => {
    const big = Buffer.concat([await smallPng(), Buffer.alloc(10 * 1024 * 1024)])
    expect(await prepareImage(KIND, big)).toEqual({ ok: false, error: '文件过大，请上传不超过10MB的图片' })
  })

  it('refuses a truncated image as damaged', async () => {
    const whole = await jpeg({ width: 800, height: 600 })
    const r = await prepareImage(KIND, whole.subarray(0, Math.floor(whole.length / 2)))
    expect(r).toEqual({ ok: false, error: IMAGE_MESSAGES.damaged })
  })

  it('refuses a decompression bomb (a tiny PNG claiming 30000×30000) from its header', async () => {
    const bomb = await pngClaiming(30_000, 30_000)
    expect(bomb.length).toBeLessThan(200)
    const started = Date.now()
    expect(await prepareImage(KIND, bomb)).toEqual({ ok: false, error: '图片尺寸过大，请上传清晰的证件照片' })
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('accepts a large photo-like PNG and stores a JPEG under 190 KB inside 1600×1600', async () => {
    const png = await noisyPng(2000, 1500)
    expect(png.length).toBeGreaterThan(1_000_000)
    const image = await prepared(png)
    expect(image.mime).toBe('image/jpeg')
    expect(image.size).toBe(image.content.length)
    expect(image.size).toBeLessThan(190_000)
    const meta = await sharp(image.content).metadata()
    expect(meta.format).toBe('jpeg')
    expect([meta.width, meta.height]).toEqual([image.width, image.height])
    expect(image.width).toBeLessThanOrEqual(1600)
    expect(image.width / image.height).toBeCloseTo(2000 / 1500, 1)
  })

  it('keeps a small image at its size and flattens transparency onto white', async () => {
    const image = await prepared(await smallPng(300, 200))
    expect([image.width, image.height]).toEqual([300, 200])
    const { data } = await sharp(image.content).raw().toBuffer({ resolveWithObject: true })
    // 50% blue over white: well above black, blue dominant.
    expect(data[2]).toBeGreaterThan(data[0])
    expect(data[0]).toBeGreaterThan(100)
  })

  it('drops EXIF and honours the orientation it carried', async () => {
    const input = await jpeg({ width: 400, height: 200, exif: { Copyright: 'secret' }, orientation: 6 })
    expect(input.includes(Buffer.from('secret'))).toBe(true)
    const image = await prepared(input)
    expect(image.content.includes(Buffer.from('secret'))).toBe(false)
    const meta = await sharp(image.content).metadata()
    expect(meta.exif).toBeUndefined()
    expect(meta.orientation).toBeUndefined()
    expect([meta.width, meta.height]).toEqual([200, 400])
  })

  it('without normalising, takes a compliant JPEG as it is (metadata still dropped) and refuses a PNG', async () => {
    const input = await jpeg({ width: 640, height: 480, exif: { Copyright: 'secret' } })
    const image = await prepared(input, false)
    expect([image.width, image.height]).toEqual([640, 480])
    expect(image.content.includes(Buffer.from('secret'))).toBe(false)
    const r = await prepareImage(KIND, await smallPng(), { normalise: false })
    expect(r.ok).toBe(false)
  })
})

describe('stored files', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(() => t.close())

  it('stores content, size, dimensions and sha256, and serves them only to the owner', async () => {
    const a = await createApplicant(t.db)
    const b = await createApplicant(t.db)
    const image = await prepared(await smallPng())
    const stored = await storeImage(t.db, image, { kind: 'applicant', id: a.id }, { now: t.clock.now() })
    const row = await t.db('files').where({ id: stored.id }).first()
    expect(row).toMatchObject({
      owner_kind: 'applicant',
      kind: KIND,
      mime: 'image/jpeg',
      size: image.size,
      width: 300,
      height: 200,
      sha256: image.sha256,
      draft: false,
    })
    expect(Buffer.compare(row.content, image.content)).toBe(0)
    expect(await fileForViewer(t.db, stored.id, { applicant: { id: a.id } })).toBeDefined()
    expect(await fileForViewer(t.db, stored.id, { applicant: { id: b.id } })).toBeUndefined()
    expect(await fileForViewer(t.db, stored.id, {})).toBeUndefined()
    expect(await fileForViewer(t.db, 'not-a-uuid', { applicant: { id: a.id } })).toBeUndefined()
    // Staff open a 人工审核 photo only once a request holds it (test/routes/files.test.ts has every kind).
    const reviewer = { roles: [{ role: 'identity_reviewer', scope_type: 'instance', scope_id: null }] }
    const other = { roles: [{ role: 'registration_approver', scope_type: 'authority', scope_id: 1 }] }
    expect(await fileForViewer(t.db, stored.id, { staff: reviewer })).toBeUndefined()
    await t.db('identity_reviews').insert({
      applicant_id: a.id,
      cycle: '2026-H2',
      status: 'pending',
      name: a.name,
      doc_type: 'id_card',
      doc_number: a.doc_number,
      details: '测试',
      photo_file_id: stored.id,
      submitted_at: t.clock.now(),
      deadline: '2026-12-31',
    })
    expect(await fileForViewer(t.db, stored.id, { staff: reviewer })).toBeDefined()
    expect(await fileForViewer(t.db, stored.id, { staff: other })).toBeUndefined()
  })

  it('adopts a draft only for its owner, once, and the retention purge removes drafts nobody submitted', async () => {
    const a = await createApplicant(t.db)
    const b = await createApplicant(t.db)
    const image = await prepared(await smallPng())
    const now = t.clock.now()
    const draft = await storeImage(t.db, image, { kind: 'applicant', id: a.id }, { now, draft: true })
    const reviewer = { roles: [{ role: 'identity_reviewer', scope_type: 'instance', scope_id: null }] }
    expect(await fileForViewer(t.db, draft.id, { staff: reviewer })).toBeUndefined()
    expect(await findDraft(t.db, draft.id, { kind: 'applicant', id: b.id }, KIND)).toBeUndefined()
    expect(await adoptDraft(t.db, draft.id, { kind: 'applicant', id: b.id }, KIND)).toBe(false)
    expect(await adoptDraft(t.db, draft.id, { kind: 'applicant', id: a.id }, KIND)).toBe(true)
    expect(await adoptDraft(t.db, draft.id, { kind: 'applicant', id: a.id }, KIND)).toBe(false)

    const stale = await storeImage(t.db, image, { kind: 'applicant', id: a.id }, { now, draft: true })
    t.clock.advance((DEFAULT_RETENTION.draftDays + 1) * 24 * 3600_000)
    expect((await purgeDrafts(t.services)).uploads).toBeGreaterThanOrEqual(1)
    expect(await t.db('files').where({ id: stale.id }).first('id')).toBeUndefined()
    expect(await t.db('files').where({ id: draft.id }).first('id')).toBeDefined()
  })

  it('takes a submit’s files in one go: drafts adopted, files already in use kept, anything else refused', async () => {
    const a = await createApplicant(t.db)
    const b = await createApplicant(t.db)
    const image = await prepared(await smallPng())
    const now = t.clock.now()
    const mine = { kind: 'applicant' as const, id: a.id }
    const draft = await storeImage(t.db, image, mine, { now, draft: true })
    const inUse = await storeImage(t.db, image, mine, { now })
    const theirs = await storeImage(t.db, image, { kind: 'applicant', id: b.id }, { now, draft: true })
    const draftAgain = await storeImage(t.db, image, mine, { now, draft: true })
    const draftOf = async (id: string) => (await t.db('files').where({ id }).first('draft')).draft

    // One file not theirs: nothing is taken (the caller's transaction rolls the rest back).
    await expect(
      t.db.transaction(async (trx) => {
        if (
          !(await takeFiles(trx, mine, [
            [draftAgain.id, KIND],
            [theirs.id, KIND],
          ]))
        )
          throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    expect(await draftOf(draftAgain.id)).toBe(true)
    expect(await takeFiles(t.db, mine, [[draft.id, 'id_photo']])).toBe(false) // wrong kind
    expect(
      await takeFiles(t.db, mine, [
        [draft.id, KIND],
        ['not-a-uuid', KIND],
      ]),
    ).toBe(false)
    expect(await draftOf(draft.id)).toBe(true)

    expect(
      await takeFiles(t.db, mine, [
        [draft.id, KIND],
        [inUse.id, KIND],
      ]),
    ).toBe(true)
    expect(await draftOf(draft.id)).toBe(false)
    // A second submit of the same files (an earlier one abandoned) finds them in use.
    expect(await takeFiles(t.db, mine, [[draft.id, KIND]])).toBe(true)
    expect(await takeFiles(t.db, { kind: 'applicant', id: b.id }, [[draft.id, KIND]])).toBe(false)
  })

  it('crops an owner’s stored scan into a commitment_crop draft, and nobody else’s', async () => {
    const a = await createApplicant(t.db)
    const b = await createApplicant(t.db)
    const scan = await prepareImage('commitment_scan', await portrait({ width: 1200, height: 1600 }))
    if (!scan.ok) throw new Error(scan.error)
    const now = t.clock.now()
    const source = await storeImage(t.db, scan.image, { kind: 'applicant', id: a.id }, { now })
    const rect = { left: 100, top: 200, width: 800, height: 500 }
    const input = {
      sourceId: source.id,
      sourceKind: 'commitment_scan',
      rect,
      kind: 'commitment_crop',
      now,
    } as const

    const made = await cropStoredImage(t.db, { ...input, owner: { kind: 'applicant', id: a.id } })
    expect(made).toMatchObject({
      ok: true,
      file: { kind: 'commitment_crop', width: 800, height: 500, draft: true },
    })
    expect(await cropStoredImage(t.db, { ...input, owner: { kind: 'applicant', id: b.id } })).toEqual({
      ok: false,
      error: IMAGE_MESSAGES.missing,
    })
    expect(
      await cropStoredImage(t.db, {
        ...input,
        sourceKind: 'mandarin_scan',
        owner: { kind: 'applicant', id: a.id },
      }),
    ).toEqual({ ok: false, error: IMAGE_MESSAGES.missing })
    expect(
      await cropStoredImage(t.db, {
        ...input,
        rect: { ...rect, width: 5000 },
        owner: { kind: 'applicant', id: a.id },
      }),
    ).toEqual({ ok: false, error: IMAGE_MESSAGES.badCrop })
  })
})
