import type { RegistryDef, Refs } from './definitions'
import type { SourceRow } from './source'
import { MESSAGES, SHOWN_ERRORS } from './messages'

// The one import engine every registry shares. checkRows() checks every row of a file and collects
// errors as "第N行 列名：问题" (all of them counted, the first SHOWN_ERRORS kept), handing good rows
// on while it goes to a RowSink: loadRepository.ts's openLoad() takes them into the database.

export class ProblemList {
  readonly shown: string[] = []
  count = 0
  add(line: number, header: string | null, message: string): void {
    this.count++
    if (this.shown.length < SHOWN_ERRORS)
      this.shown.push(header ? `第${line}行 ${header}：${message}` : `第${line}行：${message}`)
  }
}

export interface CheckedRows {
  /** How many rows passed (all of them when the file has no errors). */
  good: number
  /** Rows after the header. */
  total: number
  problems: ProblemList
}

/** Where good rows go while the rest of the file is still being checked. */
export interface RowSink {
  push(values: string[], line: number): void
  /** Called every few thousand rows, so the sink can write out what it holds (and wait for room). */
  flush(): Promise<void>
  /** The file has an error: nothing of it will be kept. */
  abort(): void
}

/** A sink that keeps the rows in memory (tests, small callers). */
export function collectRows(): RowSink & { values: string[][]; lines: number[] } {
  const values: string[][] = []
  const lines: number[] = []
  return {
    values,
    lines,
    push: (v, line) => {
      values.push(v)
      lines.push(line)
    },
    flush: async () => undefined,
    abort: () => {
      values.length = 0
      lines.length = 0
    },
  }
}

const PROGRESS_EVERY = 10_000
const FLUSH_EVERY = 2_000

/**
 * Checks every row after the header against the definition and hands each good row to `sink` for as
 * long as the file has no error (the first error aborts the sink; checking goes on, counting).
 * `rows` may be lazy (source.ts parses CSV while this checks): one pass, no row kept after its turn.
 * `onProgress` is awaited every PROGRESS_EVERY rows (the status page reads it).
 */
export async function checkRows(
  def: RegistryDef,
  rows: Iterable<SourceRow>,
  refs: Refs,
  sink: RowSink,
  onProgress: (checked: number) => Promise<void> = async () => undefined,
): Promise<CheckedRows> {
  const problems = new ProblemList()
  const headers = def.columns.map((c) => c.header)
  const columns = def.columns
  const checks = columns.map((c) => c.check)
  const keyIndexes = def.keyFields.map((f) => columns.findIndex((c) => c.field === f))
  const keyHeaders = keyIndexes.map((i) => headers[i])
  const duplicateHeader = keyHeaders[keyHeaders.length - 1]
  const duplicateNote = keyHeaders.length > 1 ? `（${keyHeaders.join('和')}相同）` : ''
  const singleKey = keyIndexes.length === 1 ? keyIndexes[0] : -1
  const seen = new Map<string, number>()
  const n = columns.length
  const rowChecks = def.rowChecks ?? []
  let good = 0
  let header: SourceRow | undefined
  let r = 0

  for (const source of rows) {
    if (!header) {
      header = source
      const given = trimTrailing(source.cells, n)
      if (given.join(',') !== headers.join(','))
        addProblem(problems, sink, source.line, null, MESSAGES.header(headers))
      continue
    }
    r++
    if (r % FLUSH_EVERY === 0 && problems.count === 0) await sink.flush()
    if (r % PROGRESS_EVERY === 0) await onProgress(r - 1)
    const { line, lossy } = source
    const cells = trimTrailing(source.cells, n)
    if (cells.length !== n) {
      addProblem(problems, sink, line, null, MESSAGES.columns(headers, cells.length))
      continue
    }
    const before = problems.count
    const row = new Array<string>(n)
    for (let c = 0; c < n; c++) {
      let raw = cells[c]
      // Our own exports neutralise a leading formula character with an apostrophe (see csvField).
      if (raw.charCodeAt(0) === 39 && /^'[=+\-@]/.test(raw)) raw = raw.slice(1)
      if (lossy?.includes(c)) addProblem(problems, sink, line, columns[c].header, MESSAGES.lossyNumber)
      else if (!raw) addProblem(problems, sink, line, columns[c].header, MESSAGES.required(columns[c].header))
      else {
        const checked = checks[c](raw, refs)
        if ('error' in checked) addProblem(problems, sink, line, columns[c].header, checked.error)
        else row[c] = checked.value
      }
    }
    if (problems.count === before && rowChecks.length) {
      const named: Record<string, string> = {}
      for (let c = 0; c < n; c++) named[columns[c].field] = row[c]
      for (const rule of rowChecks) {
        const p = rule(named, refs)
        if (p) addProblem(problems, sink, line, p.header, p.error)
      }
    }
    if (problems.count !== before) continue
    const key = singleKey >= 0 ? row[singleKey] : keyIndexes.map((i) => row[i]).join('\u0001')
    const first = seen.get(key)
    if (first !== undefined) {
      addProblem(problems, sink, line, duplicateHeader, MESSAGES.duplicate(first) + duplicateNote)
      continue
    }
    seen.set(key, line)
    good++
    if (problems.count === 0) sink.push(row, line)
  }
  if (!header) problems.add(1, null, MESSAGES.emptyFile)
  else if (r === 0) problems.add(header.line, null, MESSAGES.noRows)
  if (problems.count) sink.abort()
  await onProgress(r)
  return { good, total: r, problems }
}

function addProblem(
  problems: ProblemList,
  sink: RowSink,
  line: number,
  header: string | null,
  message: string,
) {
  if (problems.count === 0) sink.abort()
  problems.add(line, header, message)
}

/** Excel often leaves empty cells after the last column; they are not columns. */
function trimTrailing(cells: string[], expected: number): string[] {
  let end = cells.length
  while (end > expected && !cells[end - 1]) end--
  return end === cells.length ? cells : cells.slice(0, end)
}
