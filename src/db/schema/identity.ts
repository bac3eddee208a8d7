import { sql } from "drizzle-orm";
import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { files } from "./files.ts";
import { users } from "./users.ts";

/** The profile of the Identity app, one per user (absent until first saved: defaults are empty). */
export const userProfiles = pgTable("user_profiles", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  displayName: varchar("display_name", { length: 100 }),
  bio: text("bio"),
  avatarFileId: integer("avatar_file_id").references(() => files.id, { onDelete: "set null" }),
  links: jsonb("links").$type<Array<{ label: string; url: string }>>().notNull().default(sql`'[]'::jsonb`),
  location: varchar("location", { length: 100 }),
  pronouns: varchar("pronouns", { length: 40 }),
  timezone: varchar("timezone", { length: 64 }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Linked external accounts: one per provider per user. `verified` only where the provider proved
 * it (GitHub: a token whose /user is that account); a verified account belongs to one user only.
 */
export const linkedAccounts = pgTable(
  "linked_accounts",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: varchar("provider", { length: 20 }).notNull(),
    externalId: varchar("external_id", { length: 255 }).notNull(),
    verified: boolean("verified").notNull().default(false),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("linked_accounts_user_provider_key").on(t.userId, t.provider),
    uniqueIndex("linked_accounts_verified_key").on(t.provider, sql`lower(${t.externalId})`).where(sql`${t.verified}`),
  ],
);
