import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { tsvector } from "./search.ts";
import { users } from "./users.ts";

/**
 * IP Vault entries ("LEOs"): a canonical text and its hashes. Anchoring writes a RoadChain
 * transaction (a zero-amount transfer from the owner's wallet to itself whose message is
 * `roadchain-vault-v1:sha256:<hex>`); `anchor_tx_hash` names it, and its block is the proof.
 */
export const vaultEntries = pgTable(
  "vault_entries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    author: varchar("author", { length: 255 }).notNull(),
    title: varchar("title", { length: 500 }),
    canonicalText: text("canonical_text").notNull(),
    sha256: varchar("sha256", { length: 64 }).notNull(),
    sha512: varchar("sha512", { length: 128 }).notNull(),
    sha3256: varchar("sha3_256", { length: 64 }).notNull(),
    canonicalSize: bigint("canonical_size", { mode: "number" }).notNull(),
    anchorChain: varchar("anchor_chain", { length: 32 }),
    anchorTxHash: varchar("anchor_tx_hash", { length: 64 }),
    anchorRequestedAt: timestamp("anchor_requested_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('blackroad_search', left(coalesce(title, ''), 100000)), 'A') || setweight(to_tsvector('blackroad_search', left(coalesce(canonical_text, ''), 100000)), 'B') || setweight(to_tsvector('blackroad_search', left(coalesce(author, ''), 100000)), 'C')`,
    ),
  },
  (t) => [
    index("vault_entries_user_idx").on(t.userId, t.createdAt),
    // The keyset list (newest first, ties by id): src/services/vault/entries.ts listEntries.
    index("vault_entries_user_created_id_idx").on(t.userId, t.createdAt, t.id),
    index("vault_entries_sha256_idx").on(t.sha256),
    index("vault_entries_anchor_tx_idx").on(t.anchorTxHash),
    index("vault_entries_search_idx").using("gin", t.searchVector),
  ],
);

export const vaultEvents = pgTable(
  "vault_events",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    entryId: uuid("entry_id")
      .notNull()
      .references(() => vaultEntries.id, { onDelete: "cascade" }),
    type: varchar("type", { length: 40 }).notNull(),
    detail: jsonb("detail").notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("vault_events_entry_idx").on(t.entryId, t.id)],
);
