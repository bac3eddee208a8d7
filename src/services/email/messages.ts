import { and, desc, eq, lt, ne, type SQL, sql } from "drizzle-orm";
import { emailFolders, emailMailbox, emails } from "../../db/schema/index.ts";
import type { EmailFolderType, MailboxRole } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import type { KeysetPage } from "../../lib/pagination.ts";
import { isForeignKeyViolation } from "../db-errors.ts";
import { findFolder } from "./folders.ts";

/** One user's copy of a message, as the API shows it. `id` is the copy's id (per mailbox). */
export type MailRow = {
  id: number;
  messageId: number;
  threadId: number;
  inReplyTo: number | null;
  folderId: number;
  folderType: EmailFolderType;
  role: MailboxRole;
  senderId: number | null;
  senderEmail: string;
  senderName: string | null;
  to: string[];
  cc: string[];
  /** Only on the sender's own copy; null on every recipient's copy (bcc stays hidden). */
  bcc: string[] | null;
  subject: string;
  body: string;
  isRead: boolean;
  isStarred: boolean;
  isDraft: boolean;
  readAt: Date | null;
  createdAt: Date;
  sentAt: Date | null;
};

export const mailNotFound = () => notFound("Email not found");

function selectMail(db: Database) {
  return db
    .select({
      id: emailMailbox.id,
      messageId: emails.id,
      threadId: sql<number>`coalesce(${emails.threadId}, ${emails.id})`.mapWith(Number),
      inReplyTo: emails.inReplyTo,
      folderId: emailMailbox.folderId,
      folderType: emailFolders.folderType,
      role: emailMailbox.role,
      senderId: emails.senderId,
      senderEmail: emails.senderEmail,
      senderName: emails.senderName,
      to: emails.toAddresses,
      cc: emails.ccAddresses,
      bcc: emails.bccAddresses,
      subject: emails.subject,
      body: emails.body,
      isRead: emailMailbox.isRead,
      isStarred: emailMailbox.isStarred,
      isDraft: emails.isDraft,
      readAt: emailMailbox.readAt,
      createdAt: emails.createdAt,
      sentAt: emails.sentAt,
    })
    .from(emailMailbox)
    .innerJoin(emails, eq(emails.id, emailMailbox.emailId))
    .innerJoin(emailFolders, eq(emailFolders.id, emailMailbox.folderId));
}

type RawMail = Awaited<ReturnType<ReturnType<typeof selectMail>["execute"]>>[number];

/** Hides bcc from everyone but the sender. */
export function toMailRow(raw: RawMail): MailRow {
  return { ...raw, bcc: raw.role === "sender" ? raw.bcc : null };
}

export type MailboxFilter = { folderType: Exclude<EmailFolderType, "custom"> } | { folderId: number };
export type MailPage = { rows: MailRow[]; total: number; unread: number };

/** A page of one folder of my mailbox, newest first, with the folder's total and unread counts. */
export async function listMailbox(
  db: Database,
  userId: number,
  filter: MailboxFilter,
  page: KeysetPage,
): Promise<MailPage> {
  if ("folderId" in filter) await findFolder(db, userId, filter.folderId);
  const where = and(
    eq(emailMailbox.userId, userId),
    // A system folder by its id (one row of email_folders_system_key), so the page is a backward
    // range of email_mailbox_user_folder_idx: no sort of the user's whole mailbox.
    eq(
      emailMailbox.folderId,
      "folderId" in filter
        ? sql`${filter.folderId}`
        : sql`(select ${emailFolders.id} from ${emailFolders} where ${emailFolders.userId} = ${userId} and ${emailFolders.folderType} = ${filter.folderType})`,
    ),
  );
  const [rows, [counts]] = await db.batch([
    selectMail(db)
      .where(page.before === undefined ? where : and(where, lt(emailMailbox.id, page.before)))
      .orderBy(desc(emailMailbox.id))
      .limit(page.limit)
      .offset(page.offset),
    db
      .select({
        total: sql<number>`count(*)::int`,
        unread: sql<number>`(count(*) filter (where not ${emailMailbox.isRead}))::int`,
      })
      .from(emailMailbox)
      .innerJoin(emailFolders, eq(emailFolders.id, emailMailbox.folderId))
      .where(where),
  ]);
  return { rows: rows.map(toMailRow), total: counts?.total ?? 0, unread: counts?.unread ?? 0 };
}

/** One copy of mine (no side effects), or undefined. */
export async function findMail(db: Database, userId: number, id: number): Promise<MailRow | undefined> {
  const [row] = await selectMail(db).where(and(eq(emailMailbox.id, id), eq(emailMailbox.userId, userId)));
  return row && toMailRow(row);
}

/** Opens a copy of mine: marks it read (if it was not) in the same round trip. */
export async function openMail(
  db: Database,
  userId: number,
  id: number,
): Promise<{ mail: MailRow; markedRead: boolean }> {
  const mine = and(eq(emailMailbox.id, id), eq(emailMailbox.userId, userId));
  const [marked, [row]] = await db.batch([
    db
      .update(emailMailbox)
      .set({ isRead: true, readAt: sql`now()` })
      .where(and(mine, eq(emailMailbox.isRead, false)))
      .returning({ id: emailMailbox.id }),
    selectMail(db).where(mine),
  ]);
  if (!row) throw mailNotFound();
  return { mail: toMailRow(row), markedRead: marked.length > 0 };
}

/** The conversation a copy of mine belongs to: my copies in that thread, oldest first. */
export async function getThread(db: Database, userId: number, id: number): Promise<MailRow[]> {
  const mail = await findMail(db, userId, id);
  if (!mail) throw mailNotFound();
  const rows = await selectMail(db)
    .where(
      and(
        eq(emailMailbox.userId, userId),
        sql`coalesce(${emails.threadId}, ${emails.id}) = ${mail.threadId}`,
        eq(emails.isDraft, false),
      ),
    )
    .orderBy(sql`coalesce(${emails.sentAt}, ${emails.createdAt})`, emailMailbox.id)
    .limit(500);
  return rows.map(toMailRow);
}

export type MailPatch = { isRead?: boolean; isStarred?: boolean; folderId?: number };

/** Read/unread, star/unstar and move for a copy of mine. Drafts stay in Drafts until sent or deleted. */
export async function updateMail(db: Database, userId: number, id: number, patch: MailPatch): Promise<MailRow> {
  if (patch.folderId !== undefined) {
    const target = await findFolder(db, userId, patch.folderId);
    if (target.folderType === "drafts") throw conflict("Only unsent drafts live in Drafts", "drafts-folder");
  }
  const set: Record<string, SQL | boolean | number> = {};
  if (patch.isRead !== undefined)
    Object.assign(set, { isRead: patch.isRead, readAt: patch.isRead ? sql`now()` : sql`null` });
  if (patch.isStarred !== undefined) set.isStarred = patch.isStarred;
  if (patch.folderId !== undefined) set.folderId = patch.folderId;

  const mine = and(eq(emailMailbox.id, id), eq(emailMailbox.userId, userId));
  if (Object.keys(set).length === 0) {
    const row = await findMail(db, userId, id);
    if (!row) throw mailNotFound();
    return row;
  }
  // HAZARD: drizzle leaves columns unqualified in single-table statements, so a correlated
  // subquery must name the outer table itself (`email_mailbox.email_id`).
  const movable =
    patch.folderId === undefined
      ? sql`true`
      : sql`not exists (select 1 from ${emails} e where e.id = email_mailbox.email_id and e.is_draft)`;
  const [updated, [row]] = await db
    .batch([
      db.update(emailMailbox).set(set).where(and(mine, movable)).returning({ id: emailMailbox.id }),
      selectMail(db).where(mine),
    ])
    .catch((err: unknown) => {
      // The target folder was deleted between our check and our write.
      if (isForeignKeyViolation(err)) throw notFound("Folder not found");
      throw err;
    });
  if (!row) throw mailNotFound();
  if (updated.length === 0) throw conflict("A draft cannot be moved; send it or delete it", "draft-not-movable");
  return toMailRow(row);
}

/**
 * DELETE on a copy of mine: the first time it moves to my Trash; deleting it from Trash removes my
 * copy only. The message itself goes once no copy is left. Nobody else's mailbox is touched.
 */
export async function deleteMail(db: Database, userId: number, id: number): Promise<"trashed" | "deleted"> {
  const trash = sql`(select f.id from ${emailFolders} f where f.user_id = ${userId} and f.folder_type = 'trash')`;
  const mine = and(eq(emailMailbox.id, id), eq(emailMailbox.userId, userId));
  const moved = await db
    .update(emailMailbox)
    .set({ folderId: sql`${trash}` })
    .where(and(mine, ne(emailMailbox.folderId, sql`${trash}`)))
    .returning({ id: emailMailbox.id });
  if (moved.length > 0) return "trashed";

  // Already in Trash: remove my copy, and the message if that was the last copy (one statement).
  const result = await db.execute<{ deleted: number }>(sql`
    with gone as (
      delete from ${emailMailbox} m where m.id = ${id} and m.user_id = ${userId} and m.folder_id = ${trash}
      returning m.email_id
    ), orphan as (
      delete from ${emails} e using gone
      where e.id = gone.email_id
        and not exists (select 1 from ${emailMailbox} o where o.email_id = e.id and o.id <> ${id})
      returning e.id
    )
    select (select count(*) from gone)::int as deleted, (select count(*) from orphan)::int as collected`);
  if (!result.rows[0]?.deleted) throw mailNotFound();
  return "deleted";
}

/** Unread messages in my Inbox (for the dashboard). */
export async function countUnread(db: Database, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(emailMailbox)
    .innerJoin(emailFolders, eq(emailFolders.id, emailMailbox.folderId))
    .where(and(eq(emailMailbox.userId, userId), eq(emailFolders.folderType, "inbox"), eq(emailMailbox.isRead, false)));
  return row?.n ?? 0;
}
