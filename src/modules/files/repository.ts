import type { Db } from '../../db/knex'

export interface FileRow {
  id: string
  kind: string
  mime: string
  filename: string
  size: number
  content: Buffer
  owner_kind: string
  owner_id: string
  draft: boolean
}

export async function findFile(db: Db, id: string): Promise<FileRow | undefined> {
  return db('files')
    .where({ id })
    .first('id', 'kind', 'mime', 'filename', 'size', 'content', 'owner_kind', 'owner_id', 'draft')
}

/** A stored file's bytes (the printed forms embed photos and scans). */
export async function fileContent(db: Db, id: string): Promise<Buffer | undefined> {
  const row = await db('files').where({ id }).first('content')
  return row?.content as Buffer | undefined
}

/** A file of this kind held by this owner: its size and pixel dimensions. */
export function ownedFileInfo(
  db: Db,
  id: string,
  owner: { kind: string; id: string | number },
  kind: string,
): Promise<
  { id: string; kind: string; size: number; width: number; height: number; draft: boolean } | undefined
> {
  return db('files')
    .where({ id, owner_kind: owner.kind, owner_id: owner.id, kind })
    .first('id', 'kind', 'size', 'width', 'height', 'draft')
}
