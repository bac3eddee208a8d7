import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { tsvector } from "./search.ts";
import { users } from "./users.ts";

/**
 * Folders of the Files app: a tree per user (`parent_id` null = the root). Names are unique among
 * siblings (case-insensitive), so a path names at most one folder.
 */
export const fileFolders = pgTable(
  "file_folders",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    parentId: integer("parent_id").references((): AnyPgColumn => fileFolders.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 255 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("file_folders_sibling_name_key").on(t.userId, sql`coalesce(${t.parentId}, 0)`, sql`lower(${t.name})`),
    index("file_folders_parent_idx").on(t.parentId),
  ],
);

/**
 * Files: the row describes, R2 holds the bytes under `storage_key`. A row is written only after its
 * object, and an object whose row could not be written is deleted (services/files/storage.ts).
 * `etag` is R2's entity tag of the current object and changes with every new version.
 * `text_content` keeps the start of a text file for search (not a second copy to serve).
 */
export const files = pgTable(
  "files",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    folderId: integer("folder_id").references(() => fileFolders.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 255 }).notNull(),
    contentType: varchar("content_type", { length: 255 }).notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    storageKey: varchar("storage_key", { length: 300 }).notNull(),
    etag: varchar("etag", { length: 100 }).notNull(),
    version: integer("version").notNull().default(1),
    isPublic: boolean("is_public").notNull().default(false),
    textContent: text("text_content"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('blackroad_search', left(coalesce(name, ''), 100000)), 'A') || setweight(to_tsvector('blackroad_search', left(coalesce(text_content, ''), 100000)), 'B')`,
    ),
  },
  (t) => [
    uniqueIndex("files_storage_key_key").on(t.storageKey),
    index("files_user_folder_idx").on(t.userId, t.folderId, t.id),
    // A folder's files by name, and their keyset (`?after`): GET /api/files.
    index("files_user_folder_name_idx").on(t.userId, t.folderId, sql`lower(name)`, t.id),
    index("files_folder_idx").on(t.folderId),
    index("files_public_idx").on(t.id).where(sql`${t.isPublic}`),
    index("files_search_idx").using("gin", t.searchVector),
    check("files_size_non_negative", sql`${t.size} >= 0`),
  ],
);

/**
 * Share links. The link carries an HMAC-signed token naming this row and its expiry; the row is
 * what makes it revocable (a revoked or deleted share no longer opens, whatever the signature).
 */
export const fileShares = pgTable(
  "file_shares",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    fileId: integer("file_id")
      .notNull()
      .references(() => files.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("file_shares_file_idx").on(t.fileId)],
);
