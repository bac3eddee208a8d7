import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, primaryKey, timestamp, varchar } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/**
 * Idempotency-Key records (draft-ietf-httpapi-idempotency-key-header), scoped per user. A row is
 * `pending` while the first request holds it and `done` once its result is stored. The result is
 * written in the same database transaction as the operation itself, so "done" and "the block or
 * transaction exists" are one fact: a retry after a crash either replays or runs the operation, never
 * both. See src/services/idempotency.ts.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: varchar("key", { length: 255 }).notNull(),
    /** The operation the key was first used for, e.g. "blockchain.mine". */
    operation: varchar("operation", { length: 64 }).notNull(),
    /** SHA-256 of the operation and its canonical (JCS) request body. */
    requestHash: varchar("request_hash", { length: 64 }).notNull(),
    status: varchar("status", { length: 16 }).notNull().default("pending"),
    /** Random per attempt: only the attempt holding the lock may complete or release the row. */
    lockToken: varchar("lock_token", { length: 36 }).notNull(),
    /** A pending row whose holder died may be taken over after this. */
    lockedUntil: timestamp("locked_until", { withTimezone: true }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: jsonb("response_body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: "idempotency_keys_pkey", columns: [t.userId, t.key] }),
    index("idempotency_keys_expires_at_idx").on(t.expiresAt),
    check("idempotency_keys_status", sql`${t.status} in ('pending', 'done')`),
  ],
);
