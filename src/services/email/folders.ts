import { and, asc, eq, sql } from "drizzle-orm";
import { emailFolders, emailMailbox } from "../../db/schema/index.ts";
import type { EmailFolderType } from "../../lib/constants.ts";
import { type Database, isUniqueViolation } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";

/** The five folders every mailbox has (the original's defaults: names, types and icons). */
export const SYSTEM_FOLDERS: ReadonlyArray<{
  name: string;
  folderType: Exclude<EmailFolderType, "custom">;
  icon: string;
}> = [
  { name: "Inbox", folderType: "inbox", icon: "📥" },
  { name: "Sent", folderType: "sent", icon: "📤" },
  { name: "Drafts", folderType: "drafts", icon: "📝" },
  { name: "Spam", folderType: "spam", icon: "🚫" },
  { name: "Trash", folderType: "trash", icon: "🗑️" },
];

export type FolderRow = {
  id: number;
  name: string;
  icon: string | null;
  folderType: EmailFolderType;
  totalCount: number;
  unreadCount: number;
};

/**
 * Creates any missing system folders of these users: idempotent (the partial unique index on
 * (user_id, folder_type) turns a second insert into a no-op), so it can run in every batch that
 * needs the folders to exist, concurrently, without a read first.
 */
export function ensureSystemFolders(db: Database, userIds: readonly number[]) {
  const rows = [...new Set(userIds)].flatMap((userId) => SYSTEM_FOLDERS.map((f) => ({ userId, ...f })));
  return db.insert(emailFolders).values(rows).onConflictDoNothing();
}

/** System folders first in their usual order, then custom folders by name. */
const folderOrder = sql`case ${emailFolders.folderType} when 'inbox' then 0 when 'sent' then 1 when 'drafts' then 2 when 'spam' then 3 when 'trash' then 4 else 5 end`;

export async function listFolders(db: Database, userId: number): Promise<FolderRow[]> {
  const [, rows] = await db.batch([
    ensureSystemFolders(db, [userId]),
    db
      .select({
        id: emailFolders.id,
        name: emailFolders.name,
        icon: emailFolders.icon,
        folderType: emailFolders.folderType,
        totalCount: sql<number>`count(${emailMailbox.id})::int`,
        unreadCount: sql<number>`(count(${emailMailbox.id}) filter (where not ${emailMailbox.isRead}))::int`,
      })
      .from(emailFolders)
      .leftJoin(emailMailbox, eq(emailMailbox.folderId, emailFolders.id))
      .where(eq(emailFolders.userId, userId))
      .groupBy(emailFolders.id)
      .orderBy(folderOrder, asc(sql`lower(${emailFolders.name})`)),
  ]);
  return rows;
}

export async function createFolder(
  db: Database,
  userId: number,
  input: { name: string; icon?: string | null },
): Promise<FolderRow> {
  try {
    const [, [row]] = await db.batch([
      // System folders first, so a custom "inbox" collides with the real one (409), not later.
      ensureSystemFolders(db, [userId]),
      db
        .insert(emailFolders)
        .values({ userId, name: input.name, icon: input.icon ?? "📁", folderType: "custom" })
        .returning({
          id: emailFolders.id,
          name: emailFolders.name,
          icon: emailFolders.icon,
          folderType: emailFolders.folderType,
        }),
    ]);
    return { ...row!, totalCount: 0, unreadCount: 0 };
  } catch (err) {
    if (isUniqueViolation(err, "email_folders_user_name_key"))
      throw conflict(`A folder named "${input.name}" already exists`);
    throw err;
  }
}

/** A folder of this user, or a 404 (someone else's folder does not exist for them). */
export async function findFolder(db: Database, userId: number, folderId: number) {
  const [row] = await db
    .select({ id: emailFolders.id, folderType: emailFolders.folderType, name: emailFolders.name })
    .from(emailFolders)
    .where(and(eq(emailFolders.id, folderId), eq(emailFolders.userId, userId)));
  if (!row) throw notFound("Folder not found");
  return row;
}

/**
 * Deletes a custom folder; its messages go back where they came from (my sent copies to Sent,
 * everything else to Inbox), in the same transaction, so nothing is lost or left dangling.
 */
export async function deleteFolder(db: Database, userId: number, folderId: number): Promise<void> {
  const folder = await findFolder(db, userId, folderId);
  if (folder.folderType !== "custom") throw conflict("System folders cannot be deleted", "system-folder");
  const home = sql`(select f.id from ${emailFolders} f where f.user_id = ${userId}
    and f.folder_type = case when email_mailbox.role = 'sender' then 'sent' else 'inbox' end)`;
  // The folder row is locked first: a message being moved into it (whose foreign-key check takes a
  // share lock on that row) either commits before our UPDATE runs, which then moves it out too, or
  // waits and then finds the folder gone (the move answers 404). Without the lock such a message
  // could land between our UPDATE and DELETE, and the DELETE would fail on the foreign key.
  await db.batch([
    db.select({ id: emailFolders.id }).from(emailFolders).where(eq(emailFolders.id, folderId)).for("update"),
    ensureSystemFolders(db, [userId]),
    db
      .update(emailMailbox)
      .set({ folderId: sql`${home}` })
      .where(and(eq(emailMailbox.userId, userId), eq(emailMailbox.folderId, folderId))),
    db.delete(emailFolders).where(and(eq(emailFolders.id, folderId), eq(emailFolders.userId, userId))),
  ]);
}
