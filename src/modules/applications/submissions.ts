import type { Knex } from 'knex'
import type { Services } from '../../services'
import type { Actor, AuditEntry } from '../../services/audit'
import type { FieldErrors } from '../../web/formValidation'
import type { Values } from '../../web/wizard/types'
import { insertSubmission, type SubmissionInput, type SubmissionTables } from './repository'

// 提交, the part every business shares: the applicant's answers come in (inside the wizard engine's
// transaction, which holds the run's lock), the business checks them, and the application is
// written 网报待确认 with its 报名号, its first status-history row, its audit entry and whatever else
// the business writes for it (the information centre's locks) by one statement
// (applications/repository.ts), counted as submitted once the transaction commits.

/** What a business's submit is given. */
export interface SubmitInput<Applicant> {
  applicant: Applicant
  actor: Actor
  /** All wizard answers, merged. */
  values: Values
}

/** The services a business's submit reads. */
export type SubmitServices = Pick<Services, 'clock' | 'audit' | 'bureau' | 'metrics'>

/** A business's submit: the new application, or why not (shown on the form). */
export type Submit<Applicant, Done> = (
  trx: Knex.Transaction,
  services: SubmitServices,
  input: SubmitInput<Applicant>,
) => Promise<Done | { errors: FieldErrors }>

/**
 * Writes the submitted application (`row`, 网报待确认) as the applicant's, numbered in the
 * authority's series of the year, with its history row, the audit entry `audit` and the `also`
 * parts; not `written` when the table's unique rules refuse it (the caller rolls back).
 */
export function writeSubmission(
  trx: Knex.Transaction,
  services: Pick<Services, 'audit' | 'metrics'>,
  t: SubmissionTables,
  input: {
    applicantId: number
    actor: Actor
    at: Date
    numbering: { authorityId: number; year: number; prefix: string }
    row: Record<string, unknown>
    audit: AuditEntry
    /** more writes of the same statement (insertSubmission's `also`) */
    also?: SubmissionInput['also']
  },
): ReturnType<typeof insertSubmission> {
  return insertSubmission(
    trx,
    t,
    {
      row: input.row,
      numbering: input.numbering,
      history: {
        to_status: 'pending_confirmation',
        actor_kind: 'applicant',
        actor_id: input.applicantId,
        at: input.at,
      },
      audit: services.audit.row(input.actor, input.audit),
      also: input.also,
    },
    () => services.metrics.submitted(t.business),
  )
}
