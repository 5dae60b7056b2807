import { csrfFrom, type Agent } from './http'
import {
  commitmentScan,
  goodInformation,
  idPhoto,
  NANNING,
  type CertifyingAuthority,
} from './certificationFactories'

// The certification wizard walked as an applicant does (certification-wizard.test.ts, and tests
// that need applications made through the app, e.g. backup-restore.test.ts).

const BASE = '/certification/apply'

/** A signed-in applicant with what step 2 asks for (certificationApplicant's rows). */
export interface Walker {
  a: Agent
  pass: { cert_number: string }
  mandarin: { id: number | string }
  education: { id: number | string }
  degree: { id: number | string }
}

export async function page(a: Agent, step: string) {
  const res = await a.get(`${BASE}/${step}`)
  expect(res.status).toBe(200)
  return res
}

export async function post(a: Agent, step: string, fields: Record<string, string | string[]>) {
  const res = await page(a, step)
  return a
    .post(`${BASE}/${step}`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(res.text) })
}

export async function upload(
  a: Agent,
  step: string,
  field: string,
  file: Buffer,
  fields: Record<string, string> = {},
) {
  const res = await page(a, step)
  let req = a.post(`${BASE}/${step}`).field('_csrf', csrfFrom(res.text))
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v)
  return req.attach(field, file, { filename: 'scan.jpg', contentType: 'image/jpeg' })
}

export const conditions = (w: Walker): Record<string, string> => ({
  examRoute: 'national_exam',
  examPass: w.pass.cert_number,
  mandarin: String(w.mandarin.id),
  freshGraduate: 'no',
  education: String(w.education.id),
  degree: String(w.degree.id),
})

export const authority = (c: CertifyingAuthority) => ({
  provinceCode: NANNING.province,
  cityCode: NANNING.city,
  authorityId: String(c.authorityId),
  pointId: String(c.pointId),
})

export const resume = {
  rowStart: ['2014-09', '2018-07'],
  rowEnd: ['2018-06', '2026-08'],
  rowUnit: ['广西师范大学', '南宁市青秀区滨湖路小学'],
  rowPost: ['学生', '教师'],
  rowReferee: ['李老师', '王校长'],
}

/** The value of the page's input named `name` (hidden or not). */
export const hidden = (html: string, name: string) => {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0] ?? ''
  return /value="([^"]*)"/.exec(input)?.[1] ?? ''
}

/** Step 5: upload and preview the scan, choose the dashed box (by numbers, or two corner clicks), save. */
export async function commitmentStep(a: Agent, how: 'numbers' | 'clicks' = 'numbers') {
  const form = await page(a, 'commitment-scan')
  const uploaded = await a
    .post(`${BASE}/commitment-scan`)
    .field('_csrf', csrfFrom(form.text))
    .field('_action', 'preview')
    .attach('commitment', await commitmentScan(), { filename: 'scan.jpg', contentType: 'image/jpeg' })
  let shown = (await a.get(uploaded.headers.location)).text
  const scan = hidden(shown, 'commitmentFileId')
  expect(scan).toMatch(/^[0-9a-f-]{36}$/)
  const send = (fields: Record<string, string>) =>
    a
      .post(`${BASE}/commitment-scan`)
      .type('form')
      .send({
        commitmentFileId: scan,
        cropSourceId: hidden(shown, 'cropSourceId'),
        ...fields,
        _csrf: csrfFrom(shown),
      })
  if (how === 'numbers') {
    const cut = await send({
      _action: 'crop',
      cropLeft: '100',
      cropTop: '80',
      cropWidth: '900',
      cropHeight: '700',
    })
    shown = (await a.get(cut.headers.location)).text
  } else {
    // The scan (1200 px) is drawn 600 px wide: clicks at (50, 40) and (500, 390) → 100,80 and 1000,780.
    const first = await send({ 'corner.x': '50', 'corner.y': '40' })
    shown = (await a.get(first.headers.location)).text
    expect(shown).toContain('已选择第一个角')
    const second = await send({ cropFirst: hidden(shown, 'cropFirst'), 'corner.x': '500', 'corner.y': '390' })
    shown = (await a.get(second.headers.location)).text
  }
  expect(shown).toContain('裁剪后的个人承诺书预览')
  return send({
    cropFileId: hidden(shown, 'cropFileId'),
    cropLeft: hidden(shown, 'cropLeft'),
    cropTop: hidden(shown, 'cropTop'),
    cropWidth: hidden(shown, 'cropWidth'),
    cropHeight: hidden(shown, 'cropHeight'),
  })
}

/** Steps 1–3, choosing the authority `to`. */
export async function toInformation(w: Walker, to: CertifyingAuthority) {
  const { a } = w
  expect((await a.get('/certification/start')).headers.location).toBe(BASE)
  expect((await post(a, 'agreement', { agree: 'yes' })).headers.location).toBe(`${BASE}/conditions`)
  expect((await post(a, 'conditions', conditions(w))).headers.location).toBe(`${BASE}/authority`)
  expect((await post(a, 'authority', authority(to))).headers.location).toBe(`${BASE}/information`)
}

/** Steps 1–9: to the 个人承诺 page. */
export async function walk(w: Walker, to: CertifyingAuthority) {
  const { a } = w
  await toInformation(w, to)
  expect((await upload(a, 'information', 'photo', await idPhoto(), goodInformation())).headers.location).toBe(
    `${BASE}/commitment-scan`,
  )
  expect((await commitmentStep(a)).headers.location).toBe(`${BASE}/collection`)
  expect((await post(a, 'collection', { collection: 'on_site' })).headers.location).toBe(`${BASE}/resume`)
  expect((await post(a, 'resume', resume)).headers.location).toBe(`${BASE}/review`)
  expect((await post(a, 'review', {})).headers.location).toBe(`${BASE}/notices`)
  expect((await post(a, 'notices', {})).headers.location).toBe(`${BASE}/commitment`)
}

export const submit = (a: Agent) => post(a, 'commitment', { consent: 'agree' })
