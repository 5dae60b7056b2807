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
// a 修改 (prepare renders it then, as a background job of the PDF pool: in a lull, after every
// print someone waits for, claiming the row only then) and an unchanged form is never rendered
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
  /**
   * Renders and stores this version of the form ahead of its print, as a background job of the
   * PDF pool (in a lull, after every print someone waits for): nothing when it is stored already
   * or being rendered, here or by another process. A print of the form while the job still waits
   * starts it at once and takes its result.
   */
  prepare(form: StoredFormRequest): Promise<void>
}

/**
 * A render of one version of a form under way in this process; a background one (prepare) has
 * `urgent`, which starts it at once if it still waits for a lull.
 */
interface Running {
  result: Promise<Buffer | undefined>
  urgent?: () => void
}

export function createStoredForms(
  services: Pick<Services, 'db' | 'clock' | 'metrics' | 'pdf'>,
  o: { pollMs?: number; prepare?: boolean } = {},
): StoredForms {
  const { db, clock, metrics, pdf: printer } = services
  const pollMs = o.pollMs ?? POLL_MS
  /** by business:id:fingerprint */
  const running = new Map<string, Running>()
  const idOf = (form: StoredFormRequest) => `${form.business}:${form.applicationId}:${form.fingerprint}`

  /**
   * The stored PDF of this version, else rendered now and stored. A print waits while another
   * process renders this version and tries again when it loses the claim; a render ahead
   * (`ahead`) gives up then instead, with undefined: someone else is rendering it.
   */
  async function fetchOrRender(form: StoredFormRequest, ahead: boolean): Promise<Buffer | undefined> {
    const key = { business: form.business, applicationId: form.applicationId }
    for (;;) {
      const row = await storedForm(db, key)
      const now = clock.now()
      const staleBefore = new Date(now.getTime() - CLAIM_MS)
      if (row?.fingerprint === form.fingerprint) {
        if (row.pdf) {
          if (!ahead) metrics.pdf('stored')
          return row.pdf
        }
        if (row.claimed_at >= staleBefore) {
          // another process is rendering this very version
          if (ahead) return undefined
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
      ) {
        if (ahead) return undefined
        continue
      }
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

  function track(id: string, job: Running): Running {
    running.set(id, job)
    job.result.then(
      () => running.delete(id),
      () => running.delete(id),
    )
    return job
  }

  function pdf(form: StoredFormRequest): Promise<Buffer> {
    const id = idOf(form)
    const job = running.get(id)
    if (job?.urgent) {
      job.urgent()
      // what the job had nothing to do for (stored meanwhile, or another process renders it), or failed at, is printed here
      return job.result.catch(() => undefined).then((done) => done ?? pdf(form))
    }
    // a print never gives up (ahead false): its result is a PDF
    return (job ?? track(id, { result: fetchOrRender(form, false) })).result as Promise<Buffer>
  }

  return {
    preparing: o.prepare ?? true,
    pdf,
    async prepare(form) {
      const id = idOf(form)
      if (running.has(id)) return
      await track(
        id,
        printer.inBackground(() => fetchOrRender(form, true)),
      ).result
    },
  }
}
