import { escapeIdentifier as ident, escapeLiteral as literal } from 'pg'
import type { Db } from './knex'

// Two database roles: the owner (owns the database and its tables, runs migrations and seeds) and
// the app's own login role, which may read and write the rows it works with but may not change the
// schema, switch triggers off, or rewrite the audit log (SELECT and INSERT only; entries past the
// retention period go through retire_audit_log, which runs as the owner, touches nothing younger and
// moves what it takes into audit_log_archive, which the app may only read).

/** The embedded server's two roles; a bureau's own server names its own. */
export const EMBEDDED_ROLES = { owner: 'jszg_owner', app: 'jszg_app' } as const
/** The embedded server's database of the app. */
export const EMBEDDED_DATABASE = 'jszg'

/** `url` with another login and/or database. */
export function withLogin(
  url: string,
  login: { user?: string; password?: string; database?: string },
): string {
  const u = new URL(url)
  if (login.user !== undefined) u.username = encodeURIComponent(login.user)
  if (login.password !== undefined) u.password = encodeURIComponent(login.password)
  if (login.database !== undefined) u.pathname = `/${encodeURIComponent(login.database)}`
  return u.toString()
}

/**
 * As a superuser: a login role without any special attribute, with this password. Roles belong to
 * the whole server, so one already there is kept (only its password set) and none is ever dropped.
 */
export async function ensureLoginRole(admin: Db, name: string, password: string): Promise<void> {
  const exists = await admin('pg_roles').where({ rolname: name }).first('rolname')
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(password)}`
  if (!exists) {
    try {
      await admin.raw(`CREATE ROLE ${ident(name)} ${attributes}`)
      return
    } catch (err) {
      // another run on the same server created it a moment ago
      if ((err as { code?: string }).code !== '42710') throw err
    }
  }
  await admin.raw(`ALTER ROLE ${ident(name)} ${attributes}`)
}

/**
 * As a superuser: `database` exists, and `owner` owns it and everything the app put in it. A
 * database from before the two roles (the superuser owned it all) is handed over object by object
 * (PostgreSQL refuses REASSIGN OWNED for the bootstrap superuser's objects); an interrupted hand-over
 * is finished at the next start.
 */
export async function ensureDatabase(admin: Db, adminOfDatabase: () => Db, database: string, owner: string) {
  const exists = await admin('pg_database').where({ datname: database }).first('datname')
  if (!exists) {
    await admin.raw(`CREATE DATABASE ${ident(database)} OWNER ${ident(owner)}`)
    return
  }
  await admin.raw(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(owner)}`)
  const db = adminOfDatabase()
  try {
    await db.raw(handOver(owner))
  } finally {
    await db.destroy()
  }
}

// Tables, views and free-standing sequences, functions, types and the pgboss schema in the app's
// schemas, except what belongs to an extension; a column's sequence and a table's indexes follow
// their table.
const handOver = (owner: string) => `
DO $$
DECLARE
  owner text := ${literal(owner)};
  r record;
BEGIN
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname = 'pgboss' AND nspowner <> owner::regrole LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, owner);
  END LOOP;
  FOR r IN
    SELECT c.oid::regclass AS name,
      CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('public', 'pgboss') AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> owner::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND (d.deptype = 'e' OR c.relkind = 'S' AND d.deptype IN ('a', 'i')))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', r.kind, r.name, owner);
  END LOOP;
  FOR r IN
    SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname IN ('public', 'pgboss') AND p.proowner <> owner::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
        AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.name, owner);
  END LOOP;
  FOR r IN
    SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname IN ('public', 'pgboss') AND t.typtype IN ('e', 'd') AND t.typowner <> owner::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
        AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO %I', r.name, owner);
  END LOOP;
END
$$`

/** The role a connection string logs in as (a URL without a user name uses PGUSER or the OS user). */
export async function currentRole(db: Db): Promise<string> {
  const { rows } = await db.raw(`SELECT current_user AS role`)
  return rows[0].role
}

/**
 * As the owner, after every migration: what the app's role may do. Ordinary tables: read and write
 * rows; the audit log: read and append; its archive: read; the migration bookkeeping: nothing. Tables
 * the owner creates later get the same by default privileges. Run again at every start, so it always
 * matches the schema.
 */
export async function grantRuntimeRights(owner: Db, appRole: string): Promise<void> {
  const app = ident(appRole)
  await owner.raw(`
    GRANT CONNECT, TEMPORARY ON DATABASE ${ident(await currentDatabase(owner))} TO ${app};
    GRANT USAGE ON SCHEMA public, pgboss TO ${app};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, pgboss TO ${app};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public, pgboss TO ${app};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public, pgboss GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public, pgboss GRANT USAGE, SELECT ON SEQUENCES TO ${app};
    REVOKE ALL ON audit_log, audit_log_archive, knex_migrations, knex_migrations_lock FROM ${app};
    GRANT SELECT, INSERT ON audit_log TO ${app};
    GRANT SELECT ON audit_log_archive TO ${app};
    GRANT EXECUTE ON FUNCTION retire_audit_log(timestamptz, integer, integer) TO ${app};
  `)
}

async function currentDatabase(db: Db): Promise<string> {
  const { rows } = await db.raw(`SELECT current_database() AS name`)
  return rows[0].name
}

/**
 * Whether the app's connection could remove audit entries: a superuser, a member of the table's
 * owner (who may switch its triggers off), or any right beyond SELECT and INSERT on it.
 */
export async function auditLogUnprotected(app: Db): Promise<boolean> {
  const { rows } = await app.raw(`
    SELECT r.rolsuper
        OR pg_has_role(current_user, c.relowner, 'USAGE')
        OR has_table_privilege(current_user, c.oid, 'UPDATE, DELETE, TRUNCATE, TRIGGER') AS unprotected
    FROM pg_roles r, pg_class c
    WHERE r.rolname = current_user AND c.oid = 'audit_log'::regclass`)
  return rows[0].unprotected
}
