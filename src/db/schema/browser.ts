import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import type { BrowserSearchEngine } from "../../lib/constants.ts";
import { users } from "./users.ts";

/** The browser app's state, each row its user's (the original served fixed sample bookmarks, history and tabs). */
export const browserBookmarks = pgTable(
  "browser_bookmarks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    title: varchar("title", { length: 300 }).notNull(),
    folder: varchar("folder", { length: 100 }).notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("browser_bookmarks_user_url_key").on(t.userId, t.url),
    index("browser_bookmarks_user_idx").on(t.userId, t.id),
  ],
);

/** Pages fetched through /api/browser/fetch, newest kept (HISTORY_KEEP per user). */
export const browserHistory = pgTable(
  "browser_history",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    title: varchar("title", { length: 300 }),
    status: smallint("status").notNull(),
    visitedAt: timestamp("visited_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("browser_history_user_idx").on(t.userId, t.id)],
);

export const browserTabs = pgTable(
  "browser_tabs",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    title: varchar("title", { length: 300 }).notNull().default(""),
    position: integer("position").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("browser_tabs_user_idx").on(t.userId, t.position)],
);

export type BrowserSettingsDoc = { homepage: string; search_engine: BrowserSearchEngine; show_images: boolean };

export const browserSettings = pgTable("browser_settings", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  settings: jsonb("settings").$type<BrowserSettingsDoc>().notNull().default(sql`'{}'::jsonb`),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
