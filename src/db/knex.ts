import fs from 'node:fs'
import path from 'node:path'
import knexFactory, { type Knex } from 'knex'
import { codeRoot } from '../paths'

export type Db = Knex

/** Where knex's own warnings go (the app passes its pino logger; without one, the console). */
export interface DbLog {
  warn(msg: string): void
  error(msg: string): void
}

export function createDb(connectionString: string, poolMax = 10, log?: DbLog): Db {
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: 'jszg' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    ...(log
      ? {
          log: {
            warn: (m: unknown) => log.warn(String(m)),
            error: (m: unknown) => log.error(String(m)),
            deprecate: (m: unknown) => log.warn(String(m)),
            debug: () => undefined,
          },
        }
      : {}),
  })
}

function listModules(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
}

// Migrations are required directly so the same list works under tsx, ts-jest and the compiled build.
export class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(private dir: string) {}
  async getMigrations(): Promise<string[]> {
    return listModules(this.dir)
  }
  getMigrationName(file: string): string {
    return file.replace(/\.(ts|js)$/, '')
  }
  async getMigration(file: string): Promise<Knex.Migration> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(this.dir, file))
  }
}

export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest({
    migrationSource: new DirectoryMigrationSource(path.join(codeRoot, 'migrations')),
  })
}

/** Migrates up one at a time until `last` has run (a restore first rebuilds its backup's schema). */
export async function migrateUpTo(db: Db, last: string): Promise<void> {
  const config = { migrationSource: new DirectoryMigrationSource(path.join(codeRoot, 'migrations')) }
  for (;;) {
    const [done, pending] = (await db.migrate.list(config)) as [{ name: string }[], { file: string }[]]
    if (done.some((m) => m.name === last)) return
    if (!pending.length) throw new Error(`migration ${last} is not among this version's migrations`)
    await db.migrate.up(config)
  }
}

/** The names of the migrations this version of the code has, in order. */
export async function migrationNames(): Promise<string[]> {
  const source = new DirectoryMigrationSource(path.join(codeRoot, 'migrations'))
  return (await source.getMigrations()).map((file) => source.getMigrationName(file))
}

export async function migrateRollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback(
    { migrationSource: new DirectoryMigrationSource(path.join(codeRoot, 'migrations')) },
    true,
  )
}

/** A seed file; `startupNotes` is what the server prints at start about what it loaded (the demo logins). */
type SeedModule = { seed: (db: Db) => Promise<void>; startupNotes?: () => string[] }

/** Runs the seeds in order (the demo seed only with `demo`); returns their start-up notes. */
export async function runSeeds(db: Db, opts: { demo: boolean }): Promise<string[]> {
  const dir = path.join(codeRoot, 'seeds')
  const notes: string[] = []
  for (const file of listModules(dir).filter((f) => /^\d\d_/.test(f))) {
    if (!opts.demo && file.startsWith('02_demo')) continue
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod: SeedModule = require(path.join(dir, file))
    await mod.seed(db)
    notes.push(...(mod.startupNotes?.() ?? []))
  }
  return notes
}
