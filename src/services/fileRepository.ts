import type { Db } from '../db/knex'
import { prepared } from '../db/prepared'
import type { StatementPart } from '../db/statementPart'
import type { ImageKind } from '../domain/imageRules'
import type { FileOwner, StoredFileInfo } from './imageStore'

// The files table as the upload service uses it: storing an image, a draft and taking drafts into
// use. Typed rows in, typed rows out.

const INFO = ['id', 'kind', 'size', 'width', 'height', 'draft'] as const

export async function insertFile(db: Db, row: Record<string, unknown>): Promise<StoredFileInfo> {
  const [stored] = await db('files')
    .insert(row)
    .returning([...INFO])
  return stored as StoredFileInfo
}

export async function draftOf(
  db: Db,
  id: string,
  owner: FileOwner,
  kind: ImageKind,
): Promise<StoredFileInfo | undefined> {
  return db('files')
    .where({ id, owner_kind: owner.kind, owner_id: owner.id, kind, draft: true })
    .first(...INFO)
}

export async function adoptDraft(trx: Db, id: string, owner: FileOwner, kind: ImageKind): Promise<boolean> {
  const n = await trx('files')
    .where({ id, owner_kind: owner.kind, owner_id: owner.id, kind, draft: true })
    .update({ draft: false })
  return n === 1
}

/**
 * Takes `files` into use (drafts adopted; files already in use stay so), as a part of a statement
 * (db/statementPart); its result is how many of them are now the owner's files in use, of their
 * kinds, and the statement's own row needs them all (it names them: a file gone would break its
 * foreign key).
 */
export function takeFilesPart(
  owner: FileOwner,
  files: readonly (readonly [id: string, kind: ImageKind])[],
): StatementPart {
  return {
    ctes: `files_wanted AS (SELECT * FROM unnest(?::uuid[], ?::text[]) AS w(id, kind)),
     files_adopted AS (
       UPDATE files f SET draft = false FROM files_wanted w
       WHERE f.id = w.id AND f.kind = w.kind AND f.owner_kind = ? AND f.owner_id = ? AND f.draft
       RETURNING f.id),
     files_taken AS (
       SELECT count(*)::int AS n FROM files_wanted w
       WHERE w.id IN (SELECT id FROM files_adopted)
          OR EXISTS (SELECT 1 FROM files f WHERE f.id = w.id AND f.kind = w.kind
                     AND f.owner_kind = ? AND f.owner_id = ? AND NOT f.draft))`,
    bindings: [
      files.map(([id]) => id),
      files.map(([, kind]) => kind),
      owner.kind,
      owner.id,
      owner.kind,
      owner.id,
    ],
    result: '(SELECT n FROM files_taken)',
    guard: `(SELECT n FROM files_taken) = ${Number(files.length)}`,
  }
}

/** How many of `files` are now the owner's files in use: drafts adopted here, or already in use. */
export async function takeFiles(
  trx: Db,
  owner: FileOwner,
  files: readonly (readonly [id: string, kind: ImageKind])[],
): Promise<number> {
  const part = takeFilesPart(owner, files)
  const { rows } = await prepared(trx.raw(`WITH ${part.ctes} SELECT ${part.result} AS n`, part.bindings))
  return rows[0].n
}

export async function filesOfOwner(
  db: Db,
  ids: string[],
  owner: FileOwner,
): Promise<{ id: string; kind: string }[]> {
  return db('files')
    .whereIn('id', ids)
    .andWhere({ owner_kind: owner.kind, owner_id: owner.id })
    .select('id', 'kind')
}

export async function fileContent(
  db: Db,
  id: string,
  owner: FileOwner,
  kind: ImageKind,
): Promise<{ content: Buffer } | undefined> {
  return db('files').where({ id, owner_kind: owner.kind, owner_id: owner.id, kind }).first('content')
}
