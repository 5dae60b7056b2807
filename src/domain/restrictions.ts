import { addYears, CERTIFICATION_MESSAGES, nextDay } from './certification'

// The restriction list (限制库) of 教师资格认定: the kinds of entry, how long each bars an applicant
// and the refusal it gives. Pure: no I/O.

// ---- restriction list (限制库) ---------------------------------------------------------------------

/** Kinds of entry (REFERENCE.md "Periodic registration rules", last line), with their labels. */
export const RESTRICTION_KINDS = {
  lost: '丧失',
  revoked: '撤销',
  exam_cheating: '考试作弊',
} as const

export type RestrictionKind = keyof typeof RESTRICTION_KINDS

/** Years an entry bars the applicant from its `listedOn` date; null = for life. */
export const RESTRICTION_YEARS: Record<RestrictionKind, number | null> = {
  lost: null,
  revoked: 5,
  exam_cheating: 3,
}

export interface RestrictionEntry {
  kind: RestrictionKind
  /** 'YYYY-MM-DD', the date on the list */
  listedOn: string
}

/**
 * The first day an entry no longer bars the applicant, or null for life. The period is counted as
 * 民法典 arts. 201–202 count one: the listing day itself is not counted, the last barred day is the
 * corresponding day N years later (撤销 on 2021-03-15 bars up to 2026-03-15; 2026-03-16 is free).
 */
export function restrictionEndsOn(e: RestrictionEntry): string | null {
  const years = RESTRICTION_YEARS[e.kind]
  return years === null ? null : nextDay(addYears(e.listedOn, years))
}

/** Whether the entry bars an application on `today`. */
export function isRestricted(e: RestrictionEntry, today: string): boolean {
  if (e.listedOn > today) return false
  const ends = restrictionEndsOn(e)
  return ends === null || today < ends
}

/**
 * The message for the applicant's entries on the list (matched on document type and number by the
 * caller) that bar an application on `today`, or null. The longest bar is named.
 */
export function restrictionRefusal(entries: readonly RestrictionEntry[], today: string): string | null {
  const barring = entries.filter((e) => isRestricted(e, today))
  if (!barring.length) return null
  const life = barring.find((e) => restrictionEndsOn(e) === null)
  if (life) return CERTIFICATION_MESSAGES.restrictedForLife(life.listedOn)
  const longest = barring.reduce((a, b) => (restrictionEndsOn(b)! > restrictionEndsOn(a)! ? b : a))
  const allowedFrom = restrictionEndsOn(longest)!
  return longest.kind === 'revoked'
    ? CERTIFICATION_MESSAGES.restrictedRevoked(longest.listedOn, allowedFrom)
    : CERTIFICATION_MESSAGES.restrictedCheating(longest.listedOn, allowedFrom)
}
