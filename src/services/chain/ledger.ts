// RoadChain ledger: reading blocks and transactions, their public JSON form, and the one
// database write that appends a block (used only by the RoadChain Durable Object).
//
// Transaction order inside a block is ascending transaction id: pending transactions are mined
// in that order, the merkle root covers their hashes in that order, and every reader (views,
// /verify, third parties using GET /blocks/{height}) lists them in that order.
import { and, asc, between, count, desc, eq, gt, inArray, lte, max, or, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "../../db/schema/index.ts";
import { blocks, MAIN_CHAIN, transactions, wallets } from "../../db/schema/index.ts";
import type { BlockHeader } from "./block-hash.ts";
import { GENESIS_HEADER } from "./block-hash.ts";
import { normalizeAmount, parseAmount } from "./amount.ts";
import { completeIdempotent, type IdempotencyClaim } from "../idempotency.ts";
import type { Database } from "../../lib/db.ts";

/** Anything that runs queries: the request's database or an open transaction. */
export type Queryable = PgDatabase<PgQueryResultHKT, typeof schema>;

export type BlockRow = typeof blocks.$inferSelect;
export type TransactionRow = typeof transactions.$inferSelect;

/** The head of a chain: what the Durable Object stores and compares. */
export type ChainHead = { height: number; hash: string; timestamp: number };

export { MAIN_CHAIN };

/** Test chains: "t_" + up to 29 lowercase letters, digits or underscores (see resolveChain). */
const TEST_CHAIN_RE = /^t_[a-z0-9_]{1,29}$/;
export const TEST_CHAIN_HEADER = "X-Test-Chain";

/**
 * The chain a request works on. Always "main", except under ENVIRONMENT=test, where the
 * X-Test-Chain header selects an isolated chain (its own rows and its own Durable Object) so that
 * tests can tamper with or race a chain without disturbing each other. Ignored everywhere else.
 */
export function resolveChain(environment: string, header: string | undefined): string {
  if (environment === "test" && header !== undefined && TEST_CHAIN_RE.test(header)) return header;
  return MAIN_CHAIN;
}

// ---------------------------------------------------------------------------------------------
// Public JSON views
// ---------------------------------------------------------------------------------------------

export type TransactionView = {
  id: number;
  transaction_hash: string;
  from_address: string;
  to_address: string;
  amount: string;
  fee: string;
  message: string | null;
  nonce: string;
  timestamp: number;
  signature: string;
  public_key: string;
  is_confirmed: boolean;
  block_height: number | null;
  created_at: string;
  confirmed_at: string | null;
};

export type BlockSummaryView = {
  id: number;
  height: number;
  /** The original API's name for height. */
  index: number;
  hash: string;
  previous_hash: string;
  merkle_root: string;
  timestamp: number;
  timestamp_iso: string;
  nonce: number;
  difficulty: number;
  miner_address: string | null;
  reward: string;
  transaction_count: number;
};

export type BlockView = BlockSummaryView & { transactions: TransactionView[] };

/** numeric(20,8) text → canonical 8-decimal string (Postgres already prints it so; this pins it). */
const amountText = normalizeAmount;

export function transactionView(row: TransactionRow): TransactionView {
  return {
    id: row.id,
    transaction_hash: row.transactionHash,
    from_address: row.fromAddress,
    to_address: row.toAddress,
    amount: amountText(row.amount),
    fee: amountText(row.fee),
    message: row.message,
    nonce: row.nonce,
    timestamp: row.timestampMs,
    signature: row.signature,
    public_key: row.senderPublicKey,
    is_confirmed: row.isConfirmed,
    block_height: row.blockHeight,
    created_at: row.createdAt.toISOString(),
    confirmed_at: row.confirmedAt ? row.confirmedAt.toISOString() : null,
  };
}

export function blockSummaryView(row: BlockRow): BlockSummaryView {
  return {
    id: row.id,
    height: row.height,
    index: row.height,
    hash: row.hash,
    previous_hash: row.previousHash,
    merkle_root: row.merkleRoot,
    timestamp: row.timestampMs,
    timestamp_iso: new Date(row.timestampMs).toISOString(),
    nonce: row.nonce,
    difficulty: row.difficulty,
    miner_address: row.minerAddress,
    reward: amountText(row.reward),
    transaction_count: row.transactionCount,
  };
}

export function blockView(row: BlockRow, txs: TransactionRow[]): BlockView {
  return { ...blockSummaryView(row), transactions: txs.map(transactionView) };
}

/** The hashed header of a stored block, exactly as block-hash.ts defines it. */
export function headerOf(row: BlockRow): BlockHeader {
  return {
    height: row.height,
    timestamp: row.timestampMs,
    previous_hash: row.previousHash,
    merkle_root: row.merkleRoot,
    nonce: row.nonce,
    difficulty: row.difficulty,
    miner_address: row.minerAddress,
    reward: amountText(row.reward),
    transaction_count: row.transactionCount,
  };
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export async function chainTail(db: Queryable, chain: string): Promise<BlockRow | undefined> {
  const [row] = await db.select().from(blocks).where(eq(blocks.chain, chain)).orderBy(desc(blocks.height)).limit(1);
  return row;
}

export async function blockAtHeight(db: Queryable, chain: string, height: number): Promise<BlockRow | undefined> {
  const [row] = await db
    .select()
    .from(blocks)
    .where(and(eq(blocks.chain, chain), eq(blocks.height, height)))
    .limit(1);
  return row;
}

/** Transactions of blocks `from..to` (inclusive), in block order then ascending id. */
export async function transactionsOfBlocks(db: Queryable, chain: string, from: number, to: number): Promise<TransactionRow[]> {
  return db
    .select()
    .from(transactions)
    .where(and(eq(transactions.chain, chain), between(transactions.blockHeight, from, to)))
    .orderBy(asc(transactions.blockHeight), asc(transactions.id));
}

/** One block with its transactions, by height or by hash. */
export async function findBlock(
  db: Queryable,
  chain: string,
  ref: { height: number } | { hash: string },
): Promise<BlockView | undefined> {
  const where = "height" in ref ? eq(blocks.height, ref.height) : eq(blocks.hash, ref.hash);
  const [row] = await db
    .select()
    .from(blocks)
    .where(and(eq(blocks.chain, chain), where))
    .limit(1);
  if (!row) return undefined;
  return blockView(row, await transactionsOfBlocks(db, chain, row.height, row.height));
}

/** Newest first. */
export async function listBlocks(db: Database, chain: string, page: { limit: number; offset: number }): Promise<BlockSummaryView[]> {
  // Heights are dense (the chain writer appends head + 1 and nothing deletes a block), so the page
  // `offset` blocks below the newest is a height range: an index range scan of `limit` rows, where
  // OFFSET reads and drops `offset` rows first (1.4 ms of Postgres CPU for a random page of 10,000
  // blocks in `npm run bench`).
  const query = db.prepared("blocks-page", (http) => {
    const newest = http.select({ height: max(blocks.height) }).from(blocks).where(eq(blocks.chain, sql.placeholder("chain")));
    return http
      .select()
      .from(blocks)
      .where(and(eq(blocks.chain, sql.placeholder("chain")), lte(blocks.height, sql`(${newest}) - ${sql.placeholder("offset")}`)))
      .orderBy(desc(blocks.height))
      .limit(sql.placeholder("limit"))
      .prepare("blocks_page");
  });
  const rows = await query.execute({ chain, limit: page.limit, offset: page.offset });
  return rows.map(blockSummaryView);
}

/** Blocks with height in (after, upTo], ascending: the pages /verify walks. */
export async function blockPage(db: Queryable, chain: string, after: number, upTo: number, limit: number): Promise<BlockRow[]> {
  return db
    .select()
    .from(blocks)
    .where(and(eq(blocks.chain, chain), gt(blocks.height, after), lte(blocks.height, upTo)))
    .orderBy(asc(blocks.height))
    .limit(limit);
}

/** The oldest pending transactions of a chain: the ones the next block includes. */
export async function pendingTransactions(db: Queryable, chain: string, limit: number): Promise<TransactionRow[]> {
  return db
    .select()
    .from(transactions)
    .where(and(eq(transactions.chain, chain), eq(transactions.isConfirmed, false)))
    .orderBy(asc(transactions.id))
    .limit(limit);
}

export async function findTransaction(db: Database, hash: string): Promise<TransactionView | undefined> {
  const byHash = db.prepared("transaction-by-hash", (http) =>
    http
      .select()
      .from(transactions)
      .where(eq(transactions.transactionHash, sql.placeholder("hash")))
      .limit(1)
      .prepare("transaction_by_hash"),
  );
  const [row] = await byHash.execute({ hash });
  return row ? transactionView(row) : undefined;
}

/** Transactions from or to any wallet of the user, newest first. */
export async function listUserTransactions(
  db: Database,
  chain: string,
  userId: number,
  page: { limit: number; offset: number },
): Promise<TransactionView[]> {
  // The user's addresses as one array (computed once): `= any(array)` lets Postgres OR two index
  // scans (transactions_from_idx, transactions_to_idx), so the cost follows the user's own
  // transactions. `in (subquery) or in (subquery)` could only filter a backward scan of the whole
  // table (npm run bench, 50,000 transactions: 9,000 rows read for page 1, all of them for a later
  // page or a quiet user). The subquery's OFFSET 0 keeps the planner from pulling ORDER BY id
  // LIMIT into it (it would pick that backward scan again); drizzle omits `.offset(0)`, so the 0
  // goes in as SQL.
  const query = db.prepared("user-transactions", (http) => {
    const mine = sql`array(${http.select({ address: wallets.address }).from(wallets).where(eq(wallets.userId, sql.placeholder("userId")))})`;
    const matching = http
      .select()
      .from(transactions)
      .where(
        and(
          eq(transactions.chain, sql.placeholder("chain")),
          or(sql`${transactions.fromAddress} = any(${mine})`, sql`${transactions.toAddress} = any(${mine})`),
        ),
      )
      .offset(sql`0` as unknown as number)
      .as("mine");
    return http
      .select()
      .from(matching)
      .orderBy(desc(matching.id))
      .limit(sql.placeholder("limit"))
      .offset(sql.placeholder("offset"))
      .prepare("user_transactions");
  });
  const rows = await query.execute({ chain, userId, limit: page.limit, offset: page.offset });
  return rows.map(transactionView);
}

export type ChainStats = {
  height: number | null;
  head_hash: string | null;
  latest_block_index: number | null;
  latest_block_hash: string | null;
  total_blocks: number;
  total_transactions: number;
  confirmed_transactions: number;
  pending_transactions: number;
  difficulty: number;
  mining_reward: string;
  average_block_time_seconds: number | null;
};

/** Blocks that the average block time is taken over (the latest ones, genesis excluded). */
const AVERAGE_WINDOW = 100;

export async function chainStats(
  db: Database,
  chain: string,
  current: { difficulty: number; reward: string },
): Promise<ChainStats> {
  // One batch (one round trip). The counts are two index-only scans (is_confirmed ⇔ block_height
  // is not null, a CHECK constraint): pending rows through the partial pending index, confirmed
  // ones through (chain, block_height); one count over the table read every row of it (27 ms for
  // 50,000 transactions against ~10 ms).
  const recent = db
    .select({ timestampMs: blocks.timestampMs })
    .from(blocks)
    .where(and(eq(blocks.chain, chain), gt(blocks.height, 0)))
    .orderBy(desc(blocks.height))
    .limit(AVERAGE_WINDOW)
    .as("recent");
  const [[tail], [txCounts], [window]] = await db.batch([
    db.select().from(blocks).where(eq(blocks.chain, chain)).orderBy(desc(blocks.height)).limit(1),
    db
      .select({
        confirmed: sql<number>`(select count(*) from ${transactions} where ${transactions.chain} = ${chain} and ${transactions.blockHeight} is not null)`.mapWith(Number),
        pending: sql<number>`(select count(*) from ${transactions} where ${transactions.chain} = ${chain} and not ${transactions.isConfirmed})`.mapWith(Number),
      })
      .from(sql`(select 1) as one`),
    db
      .select({
        n: sql<number>`count(*)`.mapWith(Number),
        first: sql<string | null>`min(${recent.timestampMs})`,
        last: sql<string | null>`max(${recent.timestampMs})`,
      })
      .from(recent),
  ]);
  const pending = txCounts?.pending ?? 0;
  const total = (txCounts?.confirmed ?? 0) + pending;
  const n = window?.n ?? 0;
  const average =
    n >= 2 && window?.first != null && window.last != null
      ? Math.round(((Number(window.last) - Number(window.first)) / (n - 1)) * 1000) / 1_000_000
      : null;
  return {
    height: tail?.height ?? null,
    head_hash: tail?.hash ?? null,
    latest_block_index: tail?.height ?? null,
    latest_block_hash: tail?.hash ?? null,
    total_blocks: tail ? tail.height + 1 : 0,
    total_transactions: total,
    confirmed_transactions: total - pending,
    pending_transactions: pending,
    difficulty: current.difficulty,
    mining_reward: current.reward,
    average_block_time_seconds: average,
  };
}

// ---------------------------------------------------------------------------------------------
// The append (Durable Object only)
// ---------------------------------------------------------------------------------------------

/** What a miner hands the Durable Object: a mined header and the transactions it commits to. */
export type BlockProposal = {
  header: BlockHeader;
  hash: string;
  minerId: number | null;
  /** In block order (ascending id); hashes as mined, re-checked against the rows. */
  transactions: { id: number; hash: string }[];
  /** Completed in the same database transaction as the block, when the request carried a key. */
  idempotency?: IdempotencyClaim;
};

/** A transaction the proposal includes was confirmed meanwhile (or changed): mine again. */
export class StaleProposalError extends Error {
  override name = "StaleProposalError";
}

/** Inserts the genesis row if this chain has none. Idempotent and race-free (unique height). */
export async function ensureGenesisRow(db: Queryable, chain: string, genesisHash: string): Promise<void> {
  await db
    .insert(blocks)
    .values({ ...rowValues(chain, GENESIS_HEADER, genesisHash), minerId: null })
    .onConflictDoNothing();
}

/**
 * Writes one block in an open transaction: the block row, its transactions confirmed, the reward
 * credited to the miner's primary wallet, and the idempotency record completed. Throws
 * StaleProposalError (caller rolls back) if any included transaction is no longer pending.
 * Unique violations on (chain, height) / (chain, previous_hash) propagate: they mean a fork was
 * attempted and the database refused it.
 */
export async function writeBlock(
  tx: Queryable,
  chain: string,
  proposal: BlockProposal,
  render: (block: BlockRow, txs: TransactionRow[]) => unknown,
): Promise<{ block: BlockRow; transactions: TransactionRow[] }> {
  const { header, hash } = proposal;
  const [block] = await tx
    .insert(blocks)
    .values({ ...rowValues(chain, header, hash), minerId: proposal.minerId })
    .returning();
  if (!block) throw new Error("block insert returned no row");

  let confirmed: TransactionRow[] = [];
  if (proposal.transactions.length > 0) {
    const ids = proposal.transactions.map((t) => t.id);
    confirmed = await tx
      .update(transactions)
      .set({ blockHeight: header.height, isConfirmed: true, confirmedAt: sql`now()` })
      .where(and(eq(transactions.chain, chain), inArray(transactions.id, ids), eq(transactions.isConfirmed, false)))
      .returning();
    confirmed.sort((a, b) => a.id - b.id);
    const same =
      confirmed.length === proposal.transactions.length &&
      confirmed.every((row, i) => row.id === proposal.transactions[i]!.id && row.transactionHash === proposal.transactions[i]!.hash);
    if (!same) throw new StaleProposalError("an included transaction is no longer pending");
  }

  if (header.miner_address !== null && parseAmount(header.reward) > 0n) {
    await tx
      .update(wallets)
      .set({ balance: sql`${wallets.balance} + ${header.reward}::numeric`, updatedAt: sql`now()` })
      .where(eq(wallets.address, header.miner_address));
  }

  if (proposal.idempotency) {
    await completeIdempotent(tx, proposal.idempotency, 201, render(block, confirmed));
  }
  return { block, transactions: confirmed };
}

function rowValues(chain: string, header: BlockHeader, hash: string) {
  return {
    chain,
    height: header.height,
    timestampMs: header.timestamp,
    previousHash: header.previous_hash,
    merkleRoot: header.merkle_root,
    nonce: header.nonce,
    difficulty: header.difficulty,
    minerAddress: header.miner_address,
    reward: header.reward,
    transactionCount: header.transaction_count,
    hash,
  };
}
