import type { Request } from 'express'
import type { Applicant } from '../service'

/** The signed-in applicant as the certification service takes them. */
export const applicantOf = (req: Request): Applicant => {
  const a = req.applicant!
  return { id: Number(a.id), name: a.name, doc_type: a.doc_type, doc_number: a.doc_number }
}
