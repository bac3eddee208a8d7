import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, timestamp, varchar } from "drizzle-orm/pg-core";
import { NOTIFICATION_IMPORTANCE } from "../../lib/constants.ts";
import { users } from "./users.ts";

/**
 * A user's notifications. They are written by row triggers on the tables where the events happen
 * (migration `notifications`): mail delivered, coins received, a new follower, a like or comment on
 * my post or video, a block my miner found, my vault entry anchored. A trigger runs inside the
 * event's own transaction, so a notification exists exactly when its event committed.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: varchar("type", { length: 40 }).notNull(),
    title: varchar("title", { length: 255 }).notNull(),
    body: varchar("body", { length: 1000 }).notNull().default(""),
    importance: varchar("importance", { length: 10, enum: NOTIFICATION_IMPORTANCE }).notNull().default("normal"),
    /** Where Pocket OS opens it: `app:<id>` plus an optional `#<ref>`. */
    link: varchar("link", { length: 255 }),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.id),
    index("notifications_unread_idx").on(t.userId, t.id).where(sql`${t.readAt} is null`),
    check("notifications_importance_valid", sql`${t.importance} in ('low','normal','high')`),
  ],
);
