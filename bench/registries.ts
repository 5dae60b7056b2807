// The registry import against a bare COPY, in one run on one database (called by bench/run.ts; alone
// with BENCH_ONLY=registries npm run bench).
//
//   app:  100,000 考试合格证明 rows as an administrator uploads them (UTF-8 CSV): stored, read, every
//         row checked (ID checksum, codes, dates, duplicates), then 全部替换 in one transaction (COPY)
//   bare: the same file's bytes through `COPY ... (FORMAT csv, HEADER)` into an equivalent table
//         (same columns, primary key and index), nothing checked
//
// Settings (env): BENCH_IMPORT_ROWS (100000), BENCH_IMPORT_ROUNDS (3).
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { from as copyFrom } from 'pg-copy-streams'
import { makeIdNumber } from '../src/domain/idNumber'
import type { Services } from '../src/services'
import { registryByKey } from '../src/modules/registries/definitions'
import { findImport } from '../src/modules/registries/repository'
import { runImport, startImport } from '../src/modules/registries/service'

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000)
const ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 3)
const GOAL = 0.5

const SURNAMES = ['李', '王', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '欧阳']
const GIVEN = ['明', '芳', '伟', '静', '磊', '洋', '悦', '娜', '强', '军', '丽华', '志强']
const TYPES = ['幼儿园教师资格', '小学教师资格', '初级中学教师资格', '高级中学教师资格', '5', '6', '7']
const SUBJECTS = ['语文', '数学', '英语', '物理', '化学', '生物', '历史', '地理', '音乐', '美术']

/** A file of `rows` distinct, valid exam pass records (GB 11643 check characters included). */
export function examPassesCsv(rows: number): string {
  const lines = ['\uFEFF考试合格证明编号,姓名,证件号码,资格种类,任教学科,有效期至']
  const day0 = Date.UTC(1970, 0, 1)
  for (let i = 0; i < rows; i++) {
    const birth = new Date(day0 + (i % 10_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')
    const id = makeIdNumber('450103', birth, String(Math.floor(i / 10_000) % 1000).padStart(3, '0'))
    const name = SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length]
    lines.push(
      `KS${String(i).padStart(12, '0')},${name},${id},${TYPES[i % TYPES.length]},${SUBJECTS[i % SUBJECTS.length]},2028-12-31`,
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

export interface RegistryBench {
  appSeconds: number
  bareSeconds: number
  upsertSeconds: number
  ratio: number
  lines: string[]
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

export async function benchRegistries(
  services: Services,
  log: (line?: string) => void,
): Promise<RegistryBench> {
  const { db } = services
  const def = registryByKey('exam-passes')!
  const file = Buffer.from(examPassesCsv(ROWS), 'utf8')
  const actor = { kind: 'system' as const, label: 'bench' }
  await db.raw(`DROP TABLE IF EXISTS bench_bare_exam_passes`)
  await db.raw(`CREATE TABLE bench_bare_exam_passes (LIKE registry_exam_passes INCLUDING ALL)`)
  await db.raw(`ALTER TABLE bench_bare_exam_passes ALTER imported_at SET DEFAULT now()`)

  const importOnce = async (mode: 'replace' | 'upsert') => {
    const start = process.hrtime.bigint()
    const id = await startImport(services, {
      def,
      mode,
      fileName: 'bench.csv',
      content: file,
      actor,
      staffId: null,
    })
    await runImport(services, id)
    const took = seconds(start)
    const row = await findImport(db, id)
    if (row?.status !== 'succeeded' || (row.inserted ?? 0) + (row.updated ?? 0) !== ROWS)
      throw new Error(
        `the bench import did not succeed: ${row?.status} ${row?.errors.slice(0, 3).join(' / ')}`,
      )
    return took
  }
  const bareOnce = async () => {
    const client = await db.client.acquireConnection()
    try {
      const start = process.hrtime.bigint()
      await pipeline(
        Readable.from([file]),
        client.query(
          copyFrom(
            `COPY bench_bare_exam_passes (cert_number, name, doc_number, qualification_type, subject, valid_until)
             FROM STDIN (FORMAT csv, HEADER true)`,
          ),
        ),
      )
      return seconds(start)
    } finally {
      db.client.releaseConnection(client)
    }
  }
  const empty = async () => {
    await db.raw(`TRUNCATE registry_exam_passes, bench_bare_exam_passes`)
    await db.raw(`VACUUM ANALYZE registry_exam_passes`)
    await db.raw(`VACUUM ANALYZE bench_bare_exam_passes`)
  }

  // Warm-up (JIT, caches), then interleaved rounds: A B, B A, ...
  await empty()
  await importOnce('replace')
  await empty()
  await bareOnce()
  let app = 0
  let bare = 0
  for (let round = 0; round < ROUNDS; round++) {
    await empty()
    if (round % 2 === 0) {
      app += await importOnce('replace')
      bare += await bareOnce()
    } else {
      bare += await bareOnce()
      app += await importOnce('replace')
    }
  }
  // For information: the same file as 追加/更新 into the full table (every row an update).
  const upsert = await importOnce('upsert')
  await db.raw(`DROP TABLE bench_bare_exam_passes`)
  await db.raw(`TRUNCATE registry_exam_passes`)

  const appSeconds = app / ROUNDS
  const bareSeconds = bare / ROUNDS
  const rate = (s: number) => `${Math.round(ROWS / s)}`.padStart(9)
  const lines = [
    `registry import, ${ROWS} 考试合格证明 rows (${(file.length / 1024 / 1024).toFixed(1)} MB UTF-8 CSV), ${ROUNDS} interleaved rounds:`,
    `  app import 全部替换 (store, check, COPY)   ${rate(appSeconds)} rows/s   ${appSeconds.toFixed(2)} s per file (goal < 10 s)`,
    `  bare COPY (FORMAT csv) same file          ${rate(bareSeconds)} rows/s   ${bareSeconds.toFixed(2)} s per file`,
    `  app import 追加/更新 into the full table   ${rate(upsert)} rows/s   ${upsert.toFixed(2)} s per file`,
  ]
  for (const l of lines) log(l)
  return { appSeconds, bareSeconds, upsertSeconds: upsert, ratio: bareSeconds / appSeconds, lines }
}

export const registryRatioLine = (b: RegistryBench) =>
  `ratio registry-import-vs-copy: ${b.ratio.toFixed(2)} (goal ${GOAL.toFixed(2)})`
