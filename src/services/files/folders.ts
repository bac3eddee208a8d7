import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { fileFolders } from "../../db/schema/index.ts";
import { type Database, isUniqueViolation } from "../../lib/db.ts";
import { conflict, notFound, unprocessable } from "../../lib/errors.ts";
import { isForeignKeyViolation } from "../db-errors.ts";

export type FolderRow = {
  id: number;
  userId: number;
  parentId: number | null;
  name: string;
  createdAt: Date;
  updatedAt: Date;
};

export const folderNotFound = () => notFound("Folder not found");
const duplicate = (name: string) => conflict(`A folder named "${name}" already exists there`, "folder-exists");

const columns = {
  id: fileFolders.id,
  userId: fileFolders.userId,
  parentId: fileFolders.parentId,
  name: fileFolders.name,
  createdAt: fileFolders.createdAt,
  updatedAt: fileFolders.updatedAt,
};

const ownedParent = (userId: number, parentId: number | null) =>
  parentId === null
    ? sql`true`
    : sql`exists (select 1 from ${fileFolders} p where p.id = ${parentId} and p.user_id = ${userId})`;

export function listFolders(db: Database, userId: number, parentId: number | null): Promise<FolderRow[]> {
  return db
    .select(columns)
    .from(fileFolders)
    .where(
      and(
        eq(fileFolders.userId, userId),
        parentId === null ? isNull(fileFolders.parentId) : eq(fileFolders.parentId, parentId),
      ),
    )
    .orderBy(asc(sql`lower(${fileFolders.name})`));
}

export function listAllFolders(db: Database, userId: number): Promise<FolderRow[]> {
  return db.select(columns).from(fileFolders).where(eq(fileFolders.userId, userId)).orderBy(asc(fileFolders.id));
}

export async function getFolder(db: Database, userId: number, id: number): Promise<FolderRow> {
  const [row] = await db
    .select(columns)
    .from(fileFolders)
    .where(and(eq(fileFolders.id, id), eq(fileFolders.userId, userId)));
  if (!row) throw folderNotFound();
  return row;
}

export async function createFolder(
  db: Database,
  userId: number,
  name: string,
  parentId: number | null,
): Promise<FolderRow> {
  try {
    const r = await db.execute(sql`
      insert into ${fileFolders} (user_id, parent_id, name) select ${userId}, ${parentId}, ${name}
      where ${ownedParent(userId, parentId)} returning id`);
    const id = (r.rows[0] as { id: number } | undefined)?.id;
    if (id === undefined) throw notFound("Parent folder not found");
    return getFolder(db, userId, Number(id));
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(name);
    if (isForeignKeyViolation(err)) throw notFound("Parent folder not found");
    throw err;
  }
}

/**
 * Renames and/or moves my folder. A move under itself or one of its own descendants would cut the
 * subtree off the tree: refused (422), checked in the same statement as the write.
 */
export async function updateFolder(
  db: Database,
  userId: number,
  id: number,
  patch: { name?: string; parentId?: number | null },
): Promise<FolderRow> {
  await getFolder(db, userId, id);
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.parentId !== undefined) {
    if (patch.parentId !== null) {
      const r = await db.execute(sql`
        with recursive up(id, parent_id) as (
          select id, parent_id from ${fileFolders} where id = ${patch.parentId} and user_id = ${userId}
          union all select f.id, f.parent_id from ${fileFolders} f join up on f.id = up.parent_id
        ) select (select count(*) from up)::int as found, exists (select 1 from up where id = ${id}) as cycle`);
      const { found, cycle } = r.rows[0] as { found: number; cycle: boolean };
      if (Number(found) === 0) throw notFound("Parent folder not found");
      if (cycle)
        throw unprocessable("A folder cannot be moved into itself or one of its subfolders", [
          { path: "parent_id", message: "is this folder or inside it" },
        ]);
    }
    set.parentId = patch.parentId;
  }
  try {
    const [row] = await db
      .update(fileFolders)
      .set(set)
      .where(and(eq(fileFolders.id, id), eq(fileFolders.userId, userId)))
      .returning(columns);
    if (!row) throw folderNotFound();
    return row;
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(patch.name ?? "that name");
    if (isForeignKeyViolation(err)) throw notFound("Parent folder not found");
    throw err;
  }
}

/**
 * Deletes my folder. Not empty and not `recursive` → 409, nothing deleted. Recursive: the rows of
 * the whole subtree go in one statement (cascades), returning their objects' keys; then the objects.
 */
export async function deleteFolder(
  db: Database,
  bucket: R2Bucket,
  userId: number,
  id: number,
  recursive: boolean,
): Promise<{ files: number }> {
  const subtree = sql`with recursive tree(id) as (
      select id from ${fileFolders} where id = ${id} and user_id = ${userId}
      union all select f.id from ${fileFolders} f join tree on f.parent_id = tree.id)`;
  const r = await db.execute(sql`
    ${subtree},
    doomed as (select storage_key from files where folder_id in (select id from tree)),
    gone as (
      delete from ${fileFolders} where id = ${id} and user_id = ${userId}
        and (${recursive} or (not exists (select 1 from ${fileFolders} c where c.parent_id = ${id})
                               and not exists (select 1 from files where folder_id = ${id})))
      returning id)
    select (select count(*) from tree)::int as found, (select count(*) from gone)::int as deleted,
      coalesce((select array_agg(storage_key) from doomed where exists (select 1 from gone)), '{}') as keys`);
  const row = r.rows[0] as { found: number; deleted: number; keys: string[] };
  if (Number(row.found) === 0) throw folderNotFound();
  if (Number(row.deleted) === 0)
    throw conflict(
      "The folder is not empty; delete it with ?recursive=true to remove everything in it",
      "folder-not-empty",
    );
  for (let i = 0; i < row.keys.length; i += 1000) await bucket.delete(row.keys.slice(i, i + 1000));
  return { files: row.keys.length };
}
