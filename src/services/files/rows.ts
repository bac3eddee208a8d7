import { and, asc, desc, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { fileFolders, files, users } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import type { NameCursor } from "../../lib/name-cursor.ts";
import type { Pagination } from "../../lib/pagination.ts";
import { isForeignKeyViolation } from "../db-errors.ts";

export type FileRow = {
  id: number;
  userId: number;
  folderId: number | null;
  name: string;
  contentType: string;
  size: number;
  storageKey: string;
  etag: string;
  version: number;
  isPublic: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export const fileNotFound = () => notFound("File not found");

/** A row from raw SQL (`returning *`, snake_case) in the shape drizzle gives. */
export function fileRowFrom(r: Record<string, unknown>): FileRow {
  return {
    id: Number(r.id),
    userId: Number(r.user_id),
    folderId: r.folder_id === null ? null : Number(r.folder_id),
    name: String(r.name),
    contentType: String(r.content_type),
    size: Number(r.size),
    storageKey: String(r.storage_key),
    etag: String(r.etag),
    version: Number(r.version),
    isPublic: r.is_public === true || r.is_public === "t",
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

const columns = {
  id: files.id,
  userId: files.userId,
  folderId: files.folderId,
  name: files.name,
  contentType: files.contentType,
  size: files.size,
  storageKey: files.storageKey,
  etag: files.etag,
  version: files.version,
  isPublic: files.isPublic,
  createdAt: files.createdAt,
  updatedAt: files.updatedAt,
};

/** My file, or 404 (someone else's file does not exist for me). */
export async function getOwnFile(db: Database, userId: number, id: number): Promise<FileRow> {
  const [row] = await db
    .select(columns)
    .from(files)
    .where(and(eq(files.id, id), eq(files.userId, userId)));
  if (!row) throw fileNotFound();
  return row;
}

/** My file or a public one; anyone else's private file is a 404. */
export async function getReadableFile(db: Database, viewerId: number | null, id: number): Promise<FileRow> {
  const visible =
    viewerId === null ? eq(files.isPublic, true) : or(eq(files.isPublic, true), eq(files.userId, viewerId))!;
  const [row] = await db
    .select(columns)
    .from(files)
    .where(and(eq(files.id, id), visible));
  if (!row) throw fileNotFound();
  return row;
}

/**
 * My files in one folder (root when folderId is null), by name (then id), each with the name key the
 * database sorted by. `after` is the keyset cursor (the last row's name key and id), on
 * files_user_folder_name_idx: files added or removed meanwhile neither repeat nor hide a file.
 */
export function listFiles(
  db: Database,
  userId: number,
  folderId: number | null,
  page: Pagination & { after?: NameCursor },
): Promise<(FileRow & { nameKey: string })[]> {
  const inFolder: SQL = folderId === null ? isNull(files.folderId) : eq(files.folderId, folderId);
  const nameKey = sql<string>`lower(${files.name})`;
  const after = page.after && sql`(${nameKey}, ${files.id}) > (${page.after.name}::text, ${page.after.id}::int)`;
  return db
    .select({ ...columns, nameKey })
    .from(files)
    .where(and(eq(files.userId, userId), inFolder, after))
    .orderBy(asc(nameKey), asc(files.id))
    .limit(page.limit)
    .offset(page.offset);
}

/** Every file of mine (for the tree), capped. */
export function listAllFiles(db: Database, userId: number, cap: number): Promise<FileRow[]> {
  return db.select(columns).from(files).where(eq(files.userId, userId)).orderBy(asc(files.id)).limit(cap);
}

/** Everyone's public files, newest first, with the owner's name; keyset by id. */
export function listPublicFiles(db: Database, page: { limit: number; before?: number }) {
  return db
    .select({ ...columns, owner: users.username })
    .from(files)
    .innerJoin(users, eq(users.id, files.userId))
    .where(and(eq(files.isPublic, true), page.before === undefined ? undefined : lt(files.id, page.before)))
    .orderBy(desc(files.id))
    .limit(page.limit);
}

/** Rename, move (folderId, null = root) or publish/unpublish my file. */
export async function updateFile(
  db: Database,
  userId: number,
  id: number,
  patch: { name?: string; folderId?: number | null; isPublic?: boolean },
): Promise<FileRow> {
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.isPublic !== undefined) set.isPublic = patch.isPublic;
  let folderOk: SQL = sql`true`;
  if (patch.folderId !== undefined) {
    set.folderId = patch.folderId;
    if (patch.folderId !== null)
      folderOk = sql`exists (select 1 from ${fileFolders} f where f.id = ${patch.folderId} and f.user_id = ${userId})`;
  }
  try {
    const [row] = await db
      .update(files)
      .set(set)
      .where(and(eq(files.id, id), eq(files.userId, userId), folderOk))
      .returning(columns);
    if (row) return row;
  } catch (err) {
    if (isForeignKeyViolation(err)) throw notFound("Folder not found");
    throw err;
  }
  await getOwnFile(db, userId, id); // 404 for the file, else the folder was the problem
  throw notFound("Folder not found");
}

/** Deletes my file's row, then its object. */
export async function deleteFile(db: Database, bucket: R2Bucket, userId: number, id: number): Promise<void> {
  const [row] = await db
    .delete(files)
    .where(and(eq(files.id, id), eq(files.userId, userId)))
    .returning({ key: files.storageKey });
  if (!row) throw fileNotFound();
  await bucket.delete(row.key);
}
