import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import { MAIN_CHAIN } from "../../lib/constants.ts";
import { users } from "./users.ts";

// `chain`: which ledger a row belongs to. Production has exactly one chain, MAIN_CHAIN; the column
// exists so that tests can run isolated chains (tamper tests, concurrency tests) in the shared
// database without ever touching "main" (see resolveChain in src/services/chain/ledger.ts).

export const blocks = pgTable(
  "blocks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    chain: varchar("chain", { length: 32 }).notNull().default(MAIN_CHAIN),
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
    // Transactions confirmed in this block and every block below it: set by the row trigger
    // blocks_confirmed_total (migration 0021) on every insert, whoever inserts; read by the stats.
    confirmedTotal: bigint("confirmed_total", { mode: "number" }).notNull().default(0),
    hash: varchar("hash", { length: 64 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Backstops for the Durable Object's single-writer rule: a fork cannot be written, even by a
    // superseded DO instance or a direct insert (two blocks on one parent, or at one height).
    uniqueIndex("blocks_chain_height_key").on(t.chain, t.height),
    uniqueIndex("blocks_chain_previous_hash_key").on(t.chain, t.previousHash),
    uniqueIndex("blocks_chain_hash_key").on(t.chain, t.hash),
    index("blocks_miner_id_idx").on(t.minerId),
    // A miner's blocks newest first, and their keyset (`?before=<height>`): GET /api/miner/blocks.
    index("blocks_chain_miner_height_idx").on(t.chain, t.minerId, t.height),
    check("blocks_height_non_negative", sql`${t.height} >= 0`),
  ],
);

export const transactions = pgTable(
  "transactions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    chain: varchar("chain", { length: 32 }).notNull().default(MAIN_CHAIN),
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
    // The sender's Ed25519 public key at signing time: the signature can be checked from the row
    // alone (its SHA-256 must give from_address), even if the wallet is later deleted.
    senderPublicKey: text("sender_public_key").notNull(),
    blockHeight: integer("block_height"),
    isConfirmed: boolean("is_confirmed").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("transactions_hash_key").on(t.transactionHash),
    foreignKey({
      name: "transactions_chain_block_height_fk",
      columns: [t.chain, t.blockHeight],
      foreignColumns: [blocks.chain, blocks.height],
    }),
    index("transactions_from_idx").on(t.fromAddress, t.id),
    index("transactions_to_idx").on(t.toAddress, t.id),
    index("transactions_chain_block_height_idx").on(t.chain, t.blockHeight, t.id),
    // Pending transactions are mined in ascending id order.
    index("transactions_chain_pending_idx").on(t.chain, t.id).where(sql`not ${t.isConfirmed}`),
    check("transactions_amount_positive", sql`${t.amount} > 0`),
    check("transactions_fee_non_negative", sql`${t.fee} >= 0`),
    check("transactions_confirmed_in_block", sql`${t.isConfirmed} = (${t.blockHeight} is not null)`),
  ],
);
