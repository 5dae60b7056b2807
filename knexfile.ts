import path from 'node:path'
import type { Knex } from 'knex'
import { DirectoryMigrationSource } from './src/db/knex'

// For the knex command line (`npm run knex -- migrate:latest`, see README): the same migrations the
// app runs at start, against DATABASE_URL's server as its owner. The migration source is the app's
// own, so knex_migrations keeps the names the app wrote (without the file extension).
const connection = process.env.DATABASE_OWNER_URL ?? process.env.DATABASE_URL
if (!connection) throw new Error('knexfile: set DATABASE_URL (and DATABASE_OWNER_URL for the owner)')

const config: Knex.Config = {
  client: 'pg',
  connection: { connectionString: connection, application_name: 'jszg-knex' },
  pool: { min: 0, max: 2 },
  migrations: { migrationSource: new DirectoryMigrationSource(path.join(__dirname, 'migrations')) },
  seeds: { directory: path.join(__dirname, 'seeds'), loadExtensions: ['.ts', '.js'] },
}

export default config
