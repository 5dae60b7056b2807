// Loose values as text, written once: request fields and stored JSON reach handlers as `unknown`.

/** A value as text: a string as it is, nothing as '', anything else (a number, a list) String()ed. */
export const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v)

/** One form field or query parameter: its string, or '' when it is absent or was sent as a list. */
export const param = (v: unknown): string => (typeof v === 'string' ? v : '')

/** A form field or query parameter as typed into a search box or filter: param() without the blanks around it. */
export const trimmed = (v: unknown): string => param(v).trim()

/** An id in a path or form: digits only, at most 15 of them (a safe integer), or null. */
export const idOf = (v: unknown): number | null => (/^\d{1,15}$/.test(String(v)) ? Number(v) : null)
