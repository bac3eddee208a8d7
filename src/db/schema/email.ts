import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import { EMAIL_FOLDER_TYPES, MAILBOX_ROLES } from "../../lib/constants.ts";
import { tsvector } from "./search.ts";
import { users } from "./users.ts";

/** Each user's folders: the five system folders (created on first use) plus custom ones. */
export const emailFolders = pgTable(
  "email_folders",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 100 }).notNull(),
    folderType: varchar("folder_type", { length: 20, enum: EMAIL_FOLDER_TYPES }).notNull().default("custom"),
    icon: varchar("icon", { length: 50 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One system folder of each kind per user: what makes "create the defaults" idempotent.
    uniqueIndex("email_folders_system_key").on(t.userId, t.folderType).where(sql`${t.folderType} <> 'custom'`),
    uniqueIndex("email_folders_user_name_key").on(t.userId, sql`lower(${t.name})`),
    check("email_folders_type_valid", sql`${t.folderType} in ('inbox','sent','drafts','spam','trash','custom')`),
  ],
);

/**
 * A message, written once by its sender. Who holds a copy, and that copy's state, lives in
 * `email_mailbox`, so deleting a message for one party never touches another's mailbox.
 * `bcc_addresses` is shown to the sender only.
 */
export const emails = pgTable(
  "emails",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    senderId: integer("sender_id").references(() => users.id, { onDelete: "set null" }),
    senderEmail: varchar("sender_email", { length: 255 }).notNull(),
    senderName: varchar("sender_name", { length: 255 }),
    toAddresses: text("to_addresses").array().notNull().default(sql`'{}'::text[]`),
    ccAddresses: text("cc_addresses").array().notNull().default(sql`'{}'::text[]`),
    bccAddresses: text("bcc_addresses").array().notNull().default(sql`'{}'::text[]`),
    subject: varchar("subject", { length: 500 }).notNull().default(""),
    body: text("body").notNull().default(""),
    // Root message of the conversation (null for a root itself); replies inherit it. Deliberately no
    // foreign key: when every copy of the root is deleted, its replies must still share one thread.
    threadId: integer("thread_id"),
    inReplyTo: integer("in_reply_to").references((): AnyPgColumn => emails.id, { onDelete: "set null" }),
    isDraft: boolean("is_draft").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('blackroad_search', left(coalesce(subject, ''), 100000)), 'A') || setweight(to_tsvector('blackroad_search', left(coalesce(body, ''), 100000)), 'B') || setweight(to_tsvector('blackroad_search', left(coalesce(sender_name, '') || ' ' || sender_email, 100000)), 'C')`,
    ),
  },
  (t) => [
    index("emails_thread_id_idx").on(t.threadId),
    index("emails_sender_id_idx").on(t.senderId),
    index("emails_in_reply_to_idx").on(t.inReplyTo),
    index("emails_search_idx").using("gin", t.searchVector),
    check("emails_sent_unless_draft", sql`${t.isDraft} or ${t.sentAt} is not null`),
  ],
);

/** One user's copy of a message: its folder and read/star state. The API's email `id` is this row's id. */
export const emailMailbox = pgTable(
  "email_mailbox",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    emailId: integer("email_id")
      .notNull()
      .references(() => emails.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    folderId: integer("folder_id")
      .notNull()
      .references(() => emailFolders.id),
    role: varchar("role", { length: 10, enum: MAILBOX_ROLES }).notNull(),
    isRead: boolean("is_read").notNull().default(false),
    isStarred: boolean("is_starred").notNull().default(false),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A user holds at most one sender copy and one recipient copy of a message (both when writing to oneself).
    uniqueIndex("email_mailbox_copy_key").on(t.emailId, t.userId, sql`(${t.role} = 'sender')`),
    index("email_mailbox_user_folder_idx").on(t.userId, t.folderId, t.id),
    index("email_mailbox_unread_idx").on(t.userId, t.folderId).where(sql`not ${t.isRead}`),
    index("email_mailbox_folder_id_idx").on(t.folderId),
    check("email_mailbox_role_valid", sql`${t.role} in ('sender','to','cc','bcc')`),
  ],
);
