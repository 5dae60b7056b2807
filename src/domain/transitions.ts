// The status machine shape both businesses share: a table of named transitions, each from some
// statuses to one, made by some kinds of actor, some needing a reason. The table is the business's
// (src/domain/registration.ts, src/domain/certification.ts); the look-ups are here, once.

export type TransitionActor = 'applicant' | 'point' | 'authority'

export interface TransitionRule<S extends string, N extends string> {
  name: N
  label: string
  from: readonly S[]
  to: S
  by: readonly TransitionActor[]
  /** A reason (or, for 确认未通过, the missing materials) must be given. */
  reasonRequired: boolean
}

export interface TransitionTable<S extends string, N extends string> {
  transitionNamed(name: string): TransitionRule<S, N> | undefined
  /** The transitions `actor` may make from `status`. */
  transitionsFrom(status: S, actor: TransitionActor): TransitionRule<S, N>[]
  /** Whether `actor` may make transition `name` from `status`; the target status if so. */
  canTransition(status: S, name: N, actor: TransitionActor): S | null
}

export function transitionTable<S extends string, N extends string>(
  rules: readonly TransitionRule<S, N>[],
): TransitionTable<S, N> {
  const transitionNamed = (name: string) => rules.find((t) => t.name === name)
  return {
    transitionNamed,
    transitionsFrom: (status, actor) => rules.filter((t) => t.from.includes(status) && t.by.includes(actor)),
    canTransition(status, name, actor) {
      const t = transitionNamed(name)
      return t && t.from.includes(status) && t.by.includes(actor) ? t.to : null
    },
  }
}
