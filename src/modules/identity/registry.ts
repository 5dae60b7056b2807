import { parse } from 'csv-parse/sync'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import type { Db } from '../../db/knex'
import {
  checkDocNumber,
  DOC_TYPE_LABELS,
  DOC_TYPES,
  normaliseDocNumber,
  type DocType,
} from '../../domain/idNumber'
import { checkName, normaliseName } from '../../domain/password'

// The identity registry the default verifier reads. Administrators replace or extend it from a CSV
// file; every row is checked first and a file with any bad row imports nothing.

export const REGISTRY_HEADER = ['证件类型', '证件号码', '姓名'] as const

export interface RegistryRow {
  docType: DocType
  docNumber: string
  name: string
}

export interface RegistryProblem {
  line: number
  message: string
}

const TYPE_BY_LABEL = new Map<string, DocType>([
  ...DOC_TYPES.map((t) => [DOC_TYPE_LABELS[t], t] as [string, DocType]),
  ...DOC_TYPES.map((t) => [t, t] as [string, DocType]),
  ['居民身份证', 'id_card'],
])

const TYPE_LIST = DOC_TYPES.map((t) => DOC_TYPE_LABELS[t]).join('、')

const problem = (line: number, column: string | null, message: string): RegistryProblem => ({
  line,
  message: column ? `第${line}行 ${column}：${message}` : `第${line}行：${message}`,
})

/** Bytes to text: UTF-8 only (Excel's "CSV UTF-8" writes a BOM, which is dropped). */
export function decodeCsv(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return null
  }
}

/**
 * Reads and checks a whole registry file. Line numbers are the file's (the header is line 1) so an
 * administrator can find each one in a spreadsheet.
 */
export function parseRegistryCsv(
  text: string,
  today: Date,
): { rows: RegistryRow[]; problems: RegistryProblem[] } {
  let records: { record: string[]; info: { lines: number }; raw: string }[]
  try {
    records = parse(text, {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
    }) as unknown as typeof records
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1
    return { rows: [], problems: [problem(line, null, '格式不正确（引号不配对），无法读取，请检查该行')] }
  }
  if (records.length === 0) return { rows: [], problems: [problem(1, null, '文件是空的，请使用导入模板')] }

  const startLine = (r: { info: { lines: number }; raw: string }) =>
    r.info.lines - (r.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0)

  const [header, ...body] = records
  const problems: RegistryProblem[] = []
  if (header.record.join(',') !== REGISTRY_HEADER.join(','))
    problems.push(problem(startLine(header), null, `表头应为“${REGISTRY_HEADER.join(',')}”，请使用导入模板`))
  if (body.length === 0) problems.push(problem(startLine(header), null, '文件中没有数据行'))

  const rows: RegistryRow[] = []
  const seen = new Map<string, number>()
  for (const r of body) {
    const line = startLine(r)
    if (r.record.length !== REGISTRY_HEADER.length) {
      problems.push(problem(line, null, `应有3列（证件类型,证件号码,姓名），实际为${r.record.length}列`))
      continue
    }
    const [typeText, numberText, nameText] = r.record
    const rowProblems: RegistryProblem[] = []
    const docType = TYPE_BY_LABEL.get(typeText)
    if (!typeText) rowProblems.push(problem(line, '证件类型', '请填写证件类型'))
    else if (!docType)
      rowProblems.push(problem(line, '证件类型', `无法识别“${typeText}”，应为${TYPE_LIST}之一`))
    const docNumber = docType ? normaliseDocNumber(docType, numberText) : numberText
    if (!numberText) rowProblems.push(problem(line, '证件号码', '请填写证件号码'))
    else if (docType) {
      const checked = checkDocNumber(docType, docNumber, today)
      if (!checked.ok) rowProblems.push(problem(line, '证件号码', checked.error))
    }
    const nameError = checkName(nameText)
    if (nameError) rowProblems.push(problem(line, '姓名', nameError))
    if (docType && docNumber) {
      const key = `${docType}:${docNumber}`
      const first = seen.get(key)
      if (first) rowProblems.push(problem(line, '证件号码', `与第${first}行重复`))
      else seen.set(key, line)
    }
    if (rowProblems.length) problems.push(...rowProblems)
    else rows.push({ docType: docType!, docNumber, name: normaliseName(nameText) })
  }
  return { rows, problems }
}

const CHUNK = 5000

/** Writes a checked file in one transaction: new rows are added, known documents get the new name. */
export async function importRegistry(
  services: Services,
  rows: RegistryRow[],
  actor: Actor,
  fileName: string,
): Promise<{ inserted: number; updated: number }> {
  const now = services.clock.now()
  return services.db.transaction(async (trx) => {
    let inserted = 0
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK)
      const result = await trx.raw(
        `INSERT INTO identity_registry (doc_type, doc_number, name, imported_at)
         SELECT t.doc_type, t.doc_number, t.name, ? FROM unnest(?::text[], ?::text[], ?::text[])
           AS t(doc_type, doc_number, name)
         ON CONFLICT (doc_type, doc_number) DO UPDATE SET name = EXCLUDED.name, imported_at = EXCLUDED.imported_at
         RETURNING (xmax = 0) AS inserted`,
        [now, chunk.map((r) => r.docType), chunk.map((r) => r.docNumber), chunk.map((r) => r.name)],
      )
      inserted += (result.rows as { inserted: boolean }[]).filter((r) => r.inserted).length
    }
    const updated = rows.length - inserted
    await services.audit.record(trx, actor, {
      action: 'identity.registry_import',
      targetType: 'identity_registry',
      detail: { rows: rows.length, inserted, updated, file: fileName.slice(0, 100) },
    })
    return { inserted, updated }
  })
}

export async function registryStats(db: Db): Promise<{ total: number; lastImportedAt: Date | null }> {
  const row = await db('identity_registry').count({ n: '*' }).max({ last: 'imported_at' }).first()
  return { total: Number(row?.n ?? 0), lastImportedAt: (row?.last as Date | null) ?? null }
}

/** One CSV field; a leading formula character is neutralised so a spreadsheet shows it as text. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export const csvLine = (fields: readonly string[]) => `${fields.map(csvField).join(',')}\r\n`

/** UTF-8 with a BOM so Excel opens the Chinese text correctly. */
export const REGISTRY_TEMPLATE = `\uFEFF${csvLine(REGISTRY_HEADER)}`

export async function exportRegistry(
  services: Services,
  actor: Actor,
): Promise<{ csv: string; rows: number }> {
  const rows: { doc_type: DocType; doc_number: string; name: string }[] = await services
    .db('identity_registry')
    .orderBy(['doc_type', 'doc_number'])
    .select('doc_type', 'doc_number', 'name')
  const csv =
    REGISTRY_TEMPLATE +
    rows.map((r) => csvLine([DOC_TYPE_LABELS[r.doc_type] ?? r.doc_type, r.doc_number, r.name])).join('')
  await services.audit.record(services.db, actor, {
    action: 'identity.registry_export',
    targetType: 'identity_registry',
    detail: { rows: rows.length },
  })
  return { csv, rows: rows.length }
}
