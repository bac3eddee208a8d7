import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { tsvector } from "./search.ts";
import { users } from "./users.ts";

/**
 * Capture ("Chaos Inbox"): quick notes, links and ideas, each its user's (the original's were
 * global to everyone). Status moves inbox → triaged → done, and anything may be archived.
 */
export const captureItems = pgTable(
  "capture_items",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: varchar("type", { length: 16 }).notNull().default("note"),
    rawContent: text("raw_content").notNull(),
    source: varchar("source", { length: 100 }).notNull().default("manual"),
    tags: jsonb("tags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    status: varchar("status", { length: 16 }).notNull().default("inbox"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    // Full-text search (src/db/schema/search.ts): the text, then the tags (jsonb string values).
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('blackroad_search', left(raw_content, 100000)), 'B') || setweight(to_tsvector('blackroad_search', tags), 'C')`,
    ),
  },
  (t) => [
    index("capture_items_user_idx").on(t.userId, t.createdAt),
    // The list's order and keyset (`?before`): newest first by id (created_at is always the insert time).
    index("capture_items_user_id_idx").on(t.userId, t.id),
    index("capture_items_tags_idx").using("gin", t.tags),
    index("capture_items_search_idx").using("gin", t.searchVector),
    check("capture_items_status_check", sql`${t.status} in ('inbox', 'triaged', 'done', 'archived')`),
  ],
);
