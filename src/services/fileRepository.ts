import type { Db } from '../db/knex'
import { prepared } from '../db/prepared'
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

/** How many of `files` are now the owner's files in use: drafts adopted here, or already in use. */
export async function takeFiles(
  trx: Db,
  owner: FileOwner,
  files: readonly (readonly [id: string, kind: ImageKind])[],
): Promise<number> {
  const { rows } = await prepared(
    trx.raw(
      `WITH wanted AS (SELECT * FROM unnest(?::uuid[], ?::text[]) AS w(id, kind)),
     adopted AS (
       UPDATE files f SET draft = false FROM wanted w
       WHERE f.id = w.id AND f.kind = w.kind AND f.owner_kind = ? AND f.owner_id = ? AND f.draft
       RETURNING f.id)
     SELECT count(*)::int AS n FROM wanted w
     WHERE w.id IN (SELECT id FROM adopted)
        OR EXISTS (SELECT 1 FROM files f WHERE f.id = w.id AND f.kind = w.kind
                   AND f.owner_kind = ? AND f.owner_id = ? AND NOT f.draft)`,
      [files.map(([id]) => id), files.map(([, kind]) => kind), owner.kind, owner.id, owner.kind, owner.id],
    ),
  )
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
