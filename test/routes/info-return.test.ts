import { appPerFile, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow, submitForm, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { certificationApplicant, certifyingAuthority } from '../helpers/certificationFactories'
import { infoItem, registryEducationRow, registryMandarinRow } from '../helpers/infoFactories'
import { createApplicant } from '../helpers/factories'

// 添加普通话证书 / 添加学历 / 添加学位 from the certification wizard's 身份与条件 step: the page's
// answers are kept, the information centre's add page carries a whitelisted return key through its
// error redisplays, and saving there comes back to the step with the new item chosen.

const CONDITIONS = '/certification/apply/conditions'
let t: TestApp

appPerFile(async (app) => {
  t = app
  t.clock.set('2026-09-15T02:00:00Z')
  await certifyingAuthority(t.db)
})

/** An applicant at step 2 of the certification wizard (the agreement given). */
async function atConditions() {
  const who = await certificationApplicant(t.db)
  const a = agent(t.app)
  await loginAs(a, who.applicant)
  await a.get('/certification/start')
  const agreed = await submitForm(a, '/certification/apply/agreement', { agree: 'yes' })
  expect(agreed.headers.location).toBe(CONDITIONS)
  return { a, ...who }
}

/** Whether the radio `name` with `value` is checked on the page. */
const checked = (html: string, name: string, value: string | number) =>
  new RegExp(`name="${name}" value="${value}" checked`).test(html)

/** A successful add: it leads back to `to` naming the applicant's newest item; that item and the page. */
async function cameBack(
  a: Agent,
  done: { status: number; headers: Record<string, string> },
  applicantId: number,
  kind: string,
  to = CONDITIONS,
) {
  const newest = await t.db('info_items').where({ applicant_id: applicantId, kind }).max('id as id').first()
  const id = Number(newest!.id)
  expect(done.headers.location).toBe(`${to}${to.includes('?') ? '&' : '?'}added=${kind}-${id}`)
  return { id, back: await follow(a, done) }
}

describe('添加 from the certification wizard', () => {
  it('keeps the chosen answers, verifies a 普通话 certificate by number and comes back with it chosen', async () => {
    const w = await atConditions()
    const { a } = w
    // Some answers chosen, none for 普通话; then 添加普通话证书.
    const draft = {
      examRoute: 'national_exam',
      examPass: w.pass.cert_number,
      freshGraduate: 'no',
      education: String(w.education.id),
      degree: String(w.degree.id),
    }
    const page = await a.get(CONDITIONS)
    expect(page.text).toContain('name="_action" value="addMandarin">添加普通话证书</button>')
    expect(page.text).not.toContain('href="/info/mandarin"')
    const leave = await submitForm(a, CONDITIONS, { ...draft, _action: 'addMandarin' })
    expect(leave.status).toBe(303)
    expect(leave.headers.location).toBe('/info/mandarin/verify?return=certification')
    // Not validated, not saved as an answer: the next step is still closed.
    expect((await a.get('/certification/apply/authority')).headers.location).toBe(CONDITIONS)

    const verify = await a.get(leave.headers.location)
    expect(verify.status).toBe(200)
    expect(verify.text).toContain('action="/info/mandarin/verify?return=certification"')
    expect(verify.text).toContain(`href="${CONDITIONS}">返回</a>`)
    expect(verify.text).toContain('href="/info/mandarin/new?return=certification"')
    expect(verify.text).toContain('将自动回到“教师资格认定报名”')

    // A number the registry does not know: the error is shown and the return is still there.
    const refused = await submitForm(
      a,
      leave.headers.location,
      { certNumber: '0000000000000' },
      leave.headers.location,
    )
    expect(refused.headers.location).toBe('/info/mandarin/verify?return=certification')
    const again = await follow(a, refused)
    expect(again.text).toContain('核验不到信息')
    expect(again.text).toContain('action="/info/mandarin/verify?return=certification"')

    const row = await registryMandarinRow(t.db, w.applicant)
    const done = await submitForm(a, leave.headers.location, { certNumber: row.cert_number })
    const { id, back } = await cameBack(a, done, w.applicant.id, 'mandarin')
    expect(id).not.toBe(w.mandarin.id)
    expect(back.status).toBe(200)
    expect(back.text).toContain('核验成功，已添加到普通话证书信息')
    expect(back.text).toContain('刚添加的信息已为您选中')
    expect(back.text).toContain(row.cert_number)
    expect(checked(back.text, 'mandarin', id)).toBe(true)
    expect(checked(back.text, 'mandarin', w.mandarin.id)).toBe(false)
    // What was chosen before leaving is still chosen.
    expect(checked(back.text, 'examRoute', 'national_exam')).toBe(true)
    expect(checked(back.text, 'examPass', w.pass.cert_number)).toBe(true)
    expect(checked(back.text, 'freshGraduate', 'no')).toBe(true)
    expect(checked(back.text, 'education', w.education.id)).toBe(true)
    expect(checked(back.text, 'degree', w.degree.id)).toBe(true)
    expect(back.text).not.toContain('在个人信息中心添加后，点击')
    for (const [action, text] of [
      ['addEducation', '添加学历'],
      ['addDegree', '添加学位'],
    ])
      expect(back.text).toContain(`name="_action" value="${action}">${text}</button>`)

    // The new certificate can be chosen, and the step is saved with it.
    const saved = await submitForm(
      a,
      `${CONDITIONS}?added=mandarin-${id}`,
      { ...draft, mandarin: String(id) },
      CONDITIONS,
    )
    expect(saved.headers.location).toBe('/certification/apply/authority')
    const progress = await t
      .db('wizard_progress')
      .where({ applicant_id: w.applicant.id, wizard_key: 'certification' })
      .first()
    expect(progress.data.values.conditions.mandarin).toBe(String(id))
    expect(progress.data.drafts.conditions).toBeUndefined()
    // Opened again without the marker: the saved answer, not the old draft.
    expect(checked((await a.get(CONDITIONS)).text, 'mandarin', id)).toBe(true)
  })

  it('adds a 学位 through the form, keeping the return through a refused save', async () => {
    const w = await atConditions()
    const { a } = w
    const leave = await submitForm(a, CONDITIONS, {
      examRoute: 'non_national',
      freshGraduate: 'no',
      mandarin: String(w.mandarin.id),
      _action: 'addDegree',
    })
    expect(leave.headers.location).toBe('/info/degrees/new?return=certification')
    const form = await a.get(leave.headers.location)
    expect(form.text).toContain('action="/info/degrees/new?return=certification"')
    expect(form.text).toContain(`href="${CONDITIONS}">返回</a>`)

    const refused = await submitForm(a, leave.headers.location, { degreeName: '' })
    expect(refused.headers.location).toBe('/info/degrees/new?return=certification')
    const again = await follow(a, refused)
    expect(again.text).toContain('field-error')
    expect(again.text).toContain('action="/info/degrees/new?return=certification"')

    const done = await submitForm(a, leave.headers.location, {
      degreeName: '硕士',
      certNumber: '1060212020000123',
      school: '广西师范大学',
      major: '课程与教学论',
      awardedOn: '2021-06-30',
    })
    const { id, back } = await cameBack(a, done, w.applicant.id, 'degree')
    expect(back.text).toContain('已保存，核验状态为“待核验”')
    expect(checked(back.text, 'degree', id)).toBe(true)
    expect(checked(back.text, 'examRoute', 'non_national')).toBe(true)
    expect(checked(back.text, 'mandarin', w.mandarin.id)).toBe(true)
  })

  it('adds a 学历: the 录入 page reached from 核验 keeps the return through a refused multipart save', async () => {
    const w = await atConditions()
    const { a } = w
    const leave = await submitForm(a, CONDITIONS, { freshGraduate: 'no', _action: 'addEducation' })
    expect(leave.headers.location).toBe('/info/education/verify?return=certification')
    const verify = await a.get(leave.headers.location)
    for (const category of ['unverifiable', 'hmt', 'foreign'])
      expect(verify.text).toContain(
        `href="/info/education/new?category=${category}&amp;return=certification"`,
      )

    const entry = '/info/education/new?category=unverifiable&return=certification'
    const page = await a.get(entry)
    expect(page.text).toContain('action="/info/education/new?category=unverifiable&amp;return=certification"')
    // No scan and no school: refused, back on the same page with the return.
    const refused = await a
      .post(entry)
      .field('_csrf', csrfFrom(page.text))
      .field('category', 'unverifiable')
      .field('certNumber', 'ZS2001001')
    expect(refused.headers.location).toBe(entry)
    const again = await follow(a, refused)
    expect(again.text).toContain('field-error')
    expect(again.text).toContain(`href="${CONDITIONS}">返回</a>`)

    // Found by number after all.
    const row = await registryEducationRow(t.db, w.applicant, { school: '广西民族大学' })
    const done = await submitForm(a, leave.headers.location, { certNumber: row.cert_number })
    const { id, back } = await cameBack(a, done, w.applicant.id, 'education')
    expect(back.text).toContain('广西民族大学')
    expect(checked(back.text, 'education', id)).toBe(true)
    expect(checked(back.text, 'freshGraduate', 'no')).toBe(true)
  })

  it('returns to the step opened with 修改 from the review page', async () => {
    const w = await atConditions()
    const leave = await submitForm(w.a, `${CONDITIONS}?edit=review`, { _action: 'addMandarin' })
    expect(leave.headers.location).toBe('/info/mandarin/verify?return=certification-review')
    const row = await registryMandarinRow(t.db, w.applicant)
    const done = await submitForm(w.a, leave.headers.location, { certNumber: row.cert_number })
    const { back } = await cameBack(w.a, done, w.applicant.id, 'mandarin', `${CONDITIONS}?edit=review`)
    expect(back.text).toContain('action="/certification/apply/conditions?edit=review"')
  })

  it('ignores a return key that is not on the list, and an added item that is not the applicant’s', async () => {
    const w = await atConditions()
    const { a } = w
    const evil = encodeURIComponent('https://evil.example/')
    const verify = await a.get(`/info/mandarin/verify?return=${evil}`)
    expect(verify.status).toBe(200)
    expect(verify.text).not.toContain('evil.example')
    expect(verify.text).toContain('action="/info/mandarin/verify"')
    expect(verify.text).toContain('href="/info/mandarin">返回</a>')
    const row = await registryMandarinRow(t.db, w.applicant)
    const done = await submitForm(a, `/info/mandarin/verify?return=${evil}`, { certNumber: row.cert_number })
    expect(done.headers.location).toBe('/info/mandarin')

    const form = await a.get('/info/degrees/new?return=//evil.example')
    expect(form.text).toContain('action="/info/degrees/new"')
    expect(form.text).not.toContain('evil.example')

    const stranger = await createApplicant(t.db, { name: '别人' })
    const theirs = await infoItem(t.db, stranger.id, 'mandarin')
    const shown = await a.get(`${CONDITIONS}?added=mandarin-${theirs.id}`)
    expect(shown.status).toBe(200)
    expect(shown.text).not.toContain(`value="${theirs.id}"`)
  })
})
