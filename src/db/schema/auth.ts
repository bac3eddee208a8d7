import { sql } from "drizzle-orm";
import { index, integer, pgTable, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/**
 * Refresh-token families: one per login (its id is the session id `sid` carried by every token of
 * that login). Revoking the family ends the session for good: its refresh tokens stop working and
 * its Redis session cannot be re-opened.
 */
export const refreshTokenFamilies = pgTable(
  "refresh_token_families",
  {
    id: varchar("id", { length: 64 }).primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ip: varchar("ip", { length: 45 }),
    userAgent: varchar("user_agent", { length: 500 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** logout | logout_all | password_change | reuse_detected | admin */
    revokedReason: varchar("revoked_reason", { length: 32 }),
  },
  (t) => [index("refresh_token_families_user_idx").on(t.userId)],
);

/**
 * Every refresh token ever issued in a family. The token itself is never stored: only the SHA-256
 * of the whole token string (lookup key) and its `jti` (`id`). Rotation marks the presented token
 * used (`used_at`, `replaced_by`) and inserts its child; presenting a used token again is reuse.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: varchar("id", { length: 64 }).primaryKey(),
    familyId: varchar("family_id", { length: 64 })
      .notNull()
      .references(() => refreshTokenFamilies.id, { onDelete: "cascade" }),
    tokenHash: varchar("token_hash", { length: 64 }).notNull(),
    parentId: varchar("parent_id", { length: 64 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    replacedBy: varchar("replaced_by", { length: 64 }),
  },
  (t) => [
    uniqueIndex("refresh_tokens_token_hash_key").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
    // Backstop for concurrent rotation: a family has at most one unused token at any time.
    uniqueIndex("refresh_tokens_one_active_per_family_key").on(t.familyId).where(sql`${t.usedAt} is null`),
  ],
);
