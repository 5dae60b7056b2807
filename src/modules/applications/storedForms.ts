import type { Services } from '../../services'
import {
  claimStoredForm,
  releaseClaim,
  storeForm,
  storedForm,
  type StoredFormKey,
} from './printedFormRepository'

// Stored 申请表 (printed_forms): an application's form rendered once and served again while nothing
// it prints has changed, so a form is ready the moment the applicant asks for it after the submit or
// a 修改 (prepareForm renders it then, in the background) and an unchanged form is never rendered
// twice, by this process or another one.
//
// A print names the form's version by its fingerprint (services/pdf.ts: a digest of the data with
// its images, the template and the font). The stored row of that version answers at once; a row of
// another version is replaced by a new render. While a process renders a version its row holds the
// claim (pdf NULL): a print of the same version in this process joins the render under way, in
// another process it waits for the row to fill (polling) rather than rendering the same form again;
// a claim older than CLAIM_MS is taken over (its renderer died).

const CLAIM_MS = 45_000
const POLL_MS = 150

export interface StoredFormRequest extends StoredFormKey {
  applicantId: number
  fingerprint: string
  render: () => Promise<Buffer>
}

export interface StoredForms {
  /** Whether forms are rendered right after a submit or a 修改 (printedForms.ts `prepare`). */
  readonly preparing: boolean
  /** The stored PDF of this version of the form, else rendered now (once) and stored. */
  pdf(form: StoredFormRequest): Promise<Buffer>
}

export function createStoredForms(
  services: Pick<Services, 'db' | 'clock' | 'metrics'>,
  o: { pollMs?: number; prepare?: boolean } = {},
): StoredForms {
  const { db, clock, metrics } = services
  const pollMs = o.pollMs ?? POLL_MS
  /** renders under way in this process, by business:id:fingerprint */
  const running = new Map<string, Promise<Buffer>>()

  async function fetchOrRender(form: StoredFormRequest): Promise<Buffer> {
    const key = { business: form.business, applicationId: form.applicationId }
    for (;;) {
      const row = await storedForm(db, key)
      const now = clock.now()
      const staleBefore = new Date(now.getTime() - CLAIM_MS)
      if (row?.fingerprint === form.fingerprint) {
        if (row.pdf) {
          metrics.pdf('stored')
          return row.pdf
        }
        if (row.claimed_at >= staleBefore) {
          // another process is rendering this very version
          await new Promise((r) => setTimeout(r, pollMs))
          continue
        }
      }
      if (
        !(await claimStoredForm(db, {
          ...key,
          applicantId: form.applicantId,
          fingerprint: form.fingerprint,
          now,
          staleBefore,
        }))
      )
        continue
      let pdf: Buffer
      try {
        pdf = await form.render()
      } catch (err) {
        await releaseClaim(db, { ...key, fingerprint: form.fingerprint }).catch(() => undefined)
        throw err
      }
      await storeForm(db, { ...key, fingerprint: form.fingerprint, pdf, now: clock.now() })
      return pdf
    }
  }

  return {
    preparing: o.prepare ?? true,
    pdf(form) {
      const id = `${form.business}:${form.applicationId}:${form.fingerprint}`
      let p = running.get(id)
      if (!p) {
        p = fetchOrRender(form).finally(() => running.delete(id))
        running.set(id, p)
      }
      return p
    },
  }
}
