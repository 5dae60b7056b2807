import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import {
  certificationApplicant,
  certifyingAuthority,
  goodInformation,
} from '../helpers/certificationFactories'
import { submit, walk } from '../helpers/certificationWizard'
import { pdfText } from '../services/pdfSupport'
import { applicantWithApplication, certifyingBureau, postFrom, signedIn } from './certificationRecordsSupport'
import { binary } from './registriesSupport'
import { createStoredForms } from '../../src/modules/applications/storedForms'
import { createPdfService } from '../../src/services/pdf'
import { launchChromium } from '../../src/services/browser'

// Stored 申请表 (printed_forms, modules/applications/storedForms.ts), through the real stack: the
// first print renders and stores the form, an unchanged application prints from the stored copy (its
// 生成时间 that of the first print), and anything the form prints changing — a 修改, the bureau
// renaming the confirmation point — prints anew. A submit renders the form in the background, so the
// applicant's print is the stored one; two processes asking for the same form render it once.

const RECORDS = '/certification/records'

const getPdf = async (a: Agent, url: string) => {
  const res = await a.get(url).buffer(true).parse(binary)
  expect(res.status).toBe(200)
  return res.body as Buffer
}

const stored = (t: TestApp, id: number) =>
  t.db('printed_forms').where({ business: 'certification', application_id: id }).first()

let t: TestApp
beforeAll(async () => {
  t = await appWithAllRoutes({ prepareForms: true })
}, 60_000)
afterAll(async () => {
  await t?.close()
})
beforeEach(() => {
  t.clock.set('2026-09-15T02:00:00Z')
})

describe('the stored 申请表', () => {
  it('prints an unchanged application from its stored copy, and anew after 修改 or a renamed point', async () => {
    const bureau = await certifyingBureau(t)
    const { applicant, application } = await applicantWithApplication(t, bureau)
    const a = await signedIn(t, applicant)
    const form = `${RECORDS}/${application.id}/form`

    const first = await getPdf(a, form)
    expect(pdfText(first)).toContain('2026-09-15 10:00')
    const row = await stored(t, application.id)
    expect(Buffer.compare(row.pdf, first)).toBe(0)
    const renders = t.services.pdf.stats().renders

    // ten minutes later, nothing changed: the same file, printed at 10:00, no render
    t.clock.set('2026-09-15T02:10:00Z')
    const again = await getPdf(a, form)
    expect(Buffer.compare(again, first)).toBe(0)
    expect(t.services.pdf.stats().renders).toBe(renders)

    // 修改: the next print shows the change (whether the background render or the print made it)
    const edit = `${RECORDS}/${application.id}/edit`
    const saved = await postFrom(a, edit, edit, {
      ...goodInformation(),
      employer: '南宁市青秀区民主路小学',
      version: '1',
    })
    expect(saved.headers.location).toBe(`${RECORDS}/${application.id}`)
    const changed = pdfText(await getPdf(a, form))
    expect(changed).toContain('南宁市青秀区民主路小学')
    expect(changed).toContain('2026-09-15 10:10')
    const afterEdit = await stored(t, application.id)
    expect(afterEdit.fingerprint).not.toBe(row.fingerprint)

    // the bureau renames the point: not the application's row, but the form prints it
    await t.db('confirmation_points').where({ id: bureau.pointId }).update({ name: '青秀区新确认点' })
    expect(pdfText(await getPdf(a, form))).toContain('青秀区新确认点')
    expect((await stored(t, application.id)).fingerprint).not.toBe(afterEdit.fingerprint)
  })

  it('renders the form right after the submit, so the applicant’s print is the stored one', async () => {
    const county = await certifyingAuthority(t.db)
    const who = await certificationApplicant(t.db)
    const a = agent(t.app)
    await loginAs(a, who.applicant)
    await walk({ a, ...who }, county)
    const submitted = await submit(a)
    expect(submitted.status).toBe(303)
    const id = Number(/\/certification\/records\/(\d+)\/reminder$/.exec(submitted.headers.location)![1])
    // the background render, no request asking for it
    let row = await stored(t, id)
    for (let i = 0; i < 300 && !row?.pdf; i++) {
      await new Promise((r) => setTimeout(r, 100))
      row = await stored(t, id)
    }
    expect(row.pdf).toBeInstanceOf(Buffer)
    const renders = t.services.pdf.stats().renders
    const pdf = await getPdf(a, `${RECORDS}/${id}/form?download=1`)
    expect(Buffer.compare(pdf, row.pdf)).toBe(0)
    expect(t.services.pdf.stats().renders).toBe(renders)
  })

  it('renders a form once when two processes ask for it at the same time', async () => {
    const bureau = await certifyingBureau(t)
    const { applicant, application } = await applicantWithApplication(t, bureau)
    // two app processes on one database: each its own stored forms, no memory shared
    const one = createStoredForms(t.services, { pollMs: 20 })
    const two = createStoredForms(t.services, { pollMs: 20 })
    let renders = 0
    const render = async () => {
      renders++
      await new Promise((r) => setTimeout(r, 300))
      return Buffer.from(`%PDF-the form ${renders}`)
    }
    const form = {
      business: 'certification' as const,
      applicationId: application.id,
      applicantId: Number(applicant.id),
      fingerprint: 'v1',
      render,
    }
    const got = await Promise.all([one.pdf(form), two.pdf(form), one.pdf(form), two.pdf(form)])
    expect(renders).toBe(1)
    for (const pdf of got) expect(pdf.toString()).toBe('%PDF-the form 1')
    // another version of the form is rendered again, and replaces the stored one
    expect((await two.pdf({ ...form, fingerprint: 'v2' })).toString()).toBe('%PDF-the form 2')
    expect((await stored(t, application.id)).fingerprint).toBe('v2')
    // a render that fails leaves nothing claimed: the next print renders at once
    const failing = { ...form, fingerprint: 'v3', render: () => Promise.reject(new Error('browser gone')) }
    await expect(one.pdf(failing)).rejects.toThrow('browser gone')
    expect(await stored(t, application.id)).toBeUndefined()
    expect((await two.pdf({ ...form, fingerprint: 'v3' })).toString()).toBe('%PDF-the form 3')
  })

  it('prepares a form in a lull of the printing; printing it starts the job at once, and it renders once', async () => {
    const bureau = await certifyingBureau(t)
    const { applicant, application } = await applicantWithApplication(t, bureau)
    // a pool of one page, busy with a print until `open` lets its browser start
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    const pool = createPdfService({
      pages: 1,
      publicUrl: t.services.config.publicUrl,
      clock: t.clock,
      launch: () => gate.then(() => launchChromium()),
    })
    try {
      const forms = createStoredForms({ ...t.services, pdf: pool }, { pollMs: 20 })
      const busy = pool.render('commitment-template', {})
      for (let i = 0; i < 250 && pool.stats().busy < 1; i++) await new Promise((r) => setTimeout(r, 20))
      let renders = 0
      const form = {
        business: 'certification' as const,
        applicationId: application.id,
        applicantId: Number(applicant.id),
        fingerprint: 'v1',
        render: async () => {
          renders++
          return Buffer.from('%PDF-the form')
        },
      }
      const prepared = forms.prepare(form)
      await new Promise((r) => setTimeout(r, 50))
      // waiting for a lull, the job has claimed nothing: another process would print it at once
      expect(await stored(t, application.id)).toBeUndefined()
      expect(renders).toBe(0)
      // the applicant prints it: the job starts now, and the print takes its result
      expect((await forms.pdf(form)).toString()).toBe('%PDF-the form')
      await prepared
      expect(renders).toBe(1)
      expect((await stored(t, application.id)).pdf.toString()).toBe('%PDF-the form')
      open()
      expect((await busy).subarray(0, 4).toString()).toBe('%PDF')
      // prepared again while unchanged (a page free now): stored already, nothing rendered
      await forms.prepare(form)
      expect(renders).toBe(1)
    } finally {
      await pool.close()
    }
  })
})
