import type { Request } from 'express'
import type { Knex } from 'knex'
import type { FieldErrors } from '../formValidation'
import type { Persistence } from './persistence'
import { inTransaction } from './progressRepository'
import type { CompleteContext, Progress, Values, WizardDefinition } from './types'

/** An onComplete that answered with errors: thrown to roll the submit's transaction back. */
class Refused extends Error {
  constructor(readonly errors: FieldErrors) {
    super('submit refused')
  }
}

/** How a submit ended: where the applicant goes, or the errors that keep them on the last step. */
export type Completed = { location: string } | { errors: FieldErrors }

/**
 * The last step's POST: the definition's onComplete once per run, in the transaction that ends the
 * run (for an owner, holding the lock on the run's row, so a double click submits once; the losers
 * land where the winner did). Errors it returns roll everything back.
 */
export function createCompletion(def: WizardDefinition, db: Knex, persistence: Persistence) {
  return async function complete(req: Request, progress: Progress, values: Values): Promise<Completed> {
    const run = async (trx: Knex.Transaction) => {
      const ctx: CompleteContext = { trx, byStep: progress.values, runId: progress.runId }
      const result = await def.onComplete(req, values, ctx)
      if (result && typeof result === 'object') throw new Refused(result.errors)
      return result
    }
    const owner = persistence.ownerOf(req)
    let location: string | undefined
    try {
      const outcome =
        owner === undefined
          ? { ran: true as const, result: await inTransaction(db, run) }
          : await persistence.store.complete(owner, def.key, progress, run)
      if (outcome.ran && typeof outcome.result === 'string') location = outcome.result
    } catch (err) {
      if (!(err instanceof Refused)) throw err
      return { errors: err.errors }
    }
    location ??= await def.doneRedirect(req)
    persistence.finish(req, progress.runId, location)
    return { location }
  }
}
