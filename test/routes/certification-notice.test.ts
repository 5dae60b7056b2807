import path from 'node:path'
import type { Response } from 'superagent'
import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, type Agent } from '../helpers/http'
import { createApplicant } from '../helpers/factories'
import { loginAs } from '../helpers/login'
import { pdfPagePng, pdfPages, pdfText, SCREENSHOTS } from '../services/pdfSupport'

const squash = (s: string) => s.replace(/\s+/g, '')

/** Collects a binary body (PDF) instead of superagent's text parsing. */
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = []
  res.on('data', (c: Buffer) => chunks.push(c))
  res.on('end', () => done(null, Buffer.concat(chunks)))
}
const getPdf = (a: Agent, url: string) => a.get(url).buffer(true).parse(binary)

describe('GET /certification/notice (认定须知)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(() => t.close())

  it('shows the manual’s 须知 to anyone, with the 个人承诺书 download', async () => {
    const page = await agent(t.app).get('/certification/notice')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<h1>教师资格认定申请人必读</h1>')
    for (const sentence of [
      '注意：请下载《个人承诺书》并按照个人承诺书中的说明进行操作，待报名时使用。',
      '请注意，所有环节均完成，生成报名号之后方为报名成功!',
      '将个人承诺书图片中虚线框中的内容完整选择（包含文字部分及签名和日期）',
      '当前时间不在该机构的网报时间段内',
      '该机构未设置确认点，请联系所选的教育局。',
    ])
      expect(page.text).toContain(sentence)
    expect(page.text).toContain('href="/certification/commitment-template.pdf"')
    expect(page.text).toContain('href="/certification/schedule"')
  })

  it('is linked from the certification card of the 业务平台', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, applicant)
    const platform = await a.get('/platform')
    expect(platform.text).toMatch(/href="\/certification\/notice">须知/)
  })
})

describe('GET /certification/commitment-template.pdf', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({ config: { rateLimits: { pdfPerUserPerMinute: 2 } } })
  })
  afterAll(() => t.close())

  it('downloads the blank 个人承诺书 with its dashed box, cacheable by anyone', async () => {
    const res = await getPdf(agent(t.app), '/certification/commitment-template.pdf')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.headers['cache-control']).toBe('public, max-age=3600')
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="commitment.pdf"; filename\*=UTF-8''/,
    )
    const pdf = res.body as Buffer
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdfPages(pdf)).toBe(1)
    const text = squash(pdfText(pdf))
    expect(text).toContain('个人承诺书')
    expect(text).toContain('承诺人（签名）')
    expect(text).toContain('虚线框')
    pdfPagePng(pdf, 1, 110, path.join(SCREENSHOTS, 'certification-commitment-template.png'))
  })

  it('limits downloads per IP when nobody is signed in, with a page saying so', async () => {
    const a = agent(t.app)
    // The first test used one of the two; this is the second, and the third is refused.
    expect((await getPdf(a, '/certification/commitment-template.pdf')).status).toBe(200)
    const refused = await a.get('/certification/commitment-template.pdf')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.text).toContain('下载过于频繁，请稍后再试。')
  })

  it('counts a signed-in applicant on their own account, not on the shared IP', async () => {
    const applicant = await createApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, applicant)
    expect((await getPdf(a, '/certification/commitment-template.pdf')).status).toBe(200)
  })
})
