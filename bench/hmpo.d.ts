// hmpo-form-wizard (bench/peer.ts only) ships no types.
declare module 'hmpo-form-wizard' {
  import type { Router } from 'express'
  const wizard: (
    steps: Record<string, Record<string, unknown>>,
    fields: Record<string, Record<string, unknown>>,
    options?: Record<string, unknown>,
  ) => Router
  export default wizard
  /** The step controller; a step's `controller` option may name a subclass. */
  export class Controller {
    router: Router
    _bindFunctions(fns: IArguments | unknown[]): ((...args: unknown[]) => unknown)[]
    useWithMethod(method: string, ...fns: unknown[]): void
  }
}
