import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, numeric, pgTable, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

export const blocks = pgTable(
  "blocks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    height: integer("height").notNull(),
    // Integer milliseconds since the epoch: exactly what the block hash covers (no µs rounding).
    timestampMs: bigint("timestamp_ms", { mode: "number" }).notNull(),
    previousHash: varchar("previous_hash", { length: 64 }).notNull(),
    merkleRoot: varchar("merkle_root", { length: 64 }).notNull(),
    nonce: bigint("nonce", { mode: "number" }).notNull(),
    difficulty: integer("difficulty").notNull(),
    minerId: integer("miner_id").references(() => users.id, { onDelete: "set null" }),
    minerAddress: varchar("miner_address", { length: 40 }),
    reward: numeric("reward", { precision: 20, scale: 8 }).notNull().default("0"),
    transactionCount: integer("transaction_count").notNull().default(0),
    hash: varchar("hash", { length: 64 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Backstops for the Durable Object's single-writer rule: a fork cannot be written.
    uniqueIndex("blocks_height_key").on(t.height),
    uniqueIndex("blocks_previous_hash_key").on(t.previousHash),
    uniqueIndex("blocks_hash_key").on(t.hash),
    index("blocks_miner_id_idx").on(t.minerId),
    check("blocks_height_non_negative", sql`${t.height} >= 0`),
  ],
);

export const transactions = pgTable(
  "transactions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    transactionHash: varchar("transaction_hash", { length: 64 }).notNull(),
    fromAddress: varchar("from_address", { length: 40 }).notNull(),
    toAddress: varchar("to_address", { length: 40 }).notNull(),
    amount: numeric("amount", { precision: 20, scale: 8 }).notNull(),
    fee: numeric("fee", { precision: 20, scale: 8 }).notNull().default("0"),
    message: text("message"),
    // Random per-transaction value covered by the hash and signature (no two payloads collide).
    nonce: varchar("nonce", { length: 64 }).notNull(),
    // Integer milliseconds covered by the transaction hash and signature.
    timestampMs: bigint("timestamp_ms", { mode: "number" }).notNull(),
    signature: text("signature").notNull(),
    blockHeight: integer("block_height").references(() => blocks.height, { onDelete: "set null" }),
    isConfirmed: boolean("is_confirmed").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("transactions_hash_key").on(t.transactionHash),
    index("transactions_from_idx").on(t.fromAddress, t.id),
    index("transactions_to_idx").on(t.toAddress, t.id),
    index("transactions_block_height_idx").on(t.blockHeight),
    index("transactions_pending_idx").on(t.id).where(sql`not ${t.isConfirmed}`),
    check("transactions_amount_positive", sql`${t.amount} > 0`),
    check("transactions_fee_non_negative", sql`${t.fee} >= 0`),
  ],
);
