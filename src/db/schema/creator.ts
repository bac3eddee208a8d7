import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { files } from "./files.ts";
import { users } from "./users.ts";

/** Revenue streams of a creative project, in the project row (a handful each). */
export type RevenueStream = { name: string; kind: string; monthly_amount: number; currency: string };

/** Creator Studio: creative projects, each its user's (the original's were global). */
export const creativeProjects = pgTable(
  "creative_projects",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: varchar("title", { length: 255 }).notNull(),
    type: varchar("type", { length: 20 }).notNull().default("mixed"),
    description: text("description"),
    status: varchar("status", { length: 20 }).notNull().default("idea"),
    revenueStreams: jsonb("revenue_streams").$type<RevenueStream[]>().notNull().default(sql`'[]'::jsonb`),
    notes: text("notes"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("creative_projects_user_idx").on(t.userId, t.updatedAt),
    // The keyset list (last changed first, ties by id): src/services/creator/projects.ts listProjects.
    index("creative_projects_user_updated_id_idx").on(t.userId, t.updatedAt, t.id),
    check("creative_projects_status_check", sql`${t.status} in ('idea', 'in_progress', 'published', 'archived')`),
  ],
);

/** A project's assets: files of the owner's Files app (the link goes when either is deleted). */
export const creativeProjectAssets = pgTable(
  "creative_project_assets",
  {
    projectId: integer("project_id")
      .notNull()
      .references(() => creativeProjects.id, { onDelete: "cascade" }),
    fileId: integer("file_id")
      .notNull()
      .references(() => files.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.fileId] }), index("creative_project_assets_file_idx").on(t.fileId)],
);
