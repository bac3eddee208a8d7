// Reading blocks and transactions (in the ledger's order: see ledger.ts).
import { and, asc, between, desc, eq, gt, lte, max, or, sql } from "drizzle-orm";
import { blocks, transactions, wallets } from "../../db/schema/index.ts";
import { MAX_INT4 } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import type { BlockRow, Queryable, TransactionRow } from "./ledger.ts";
import {
  type BlockSummaryView,
  type BlockView,
  blockSummaryView,
  blockView,
  type TransactionView,
  transactionView,
} from "./views.ts";

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
export async function transactionsOfBlocks(
  db: Queryable,
  chain: string,
  from: number,
  to: number,
): Promise<TransactionRow[]> {
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

/** Newest first; `before` (a height) is the keyset cursor: only blocks below it. */
export async function listBlocks(
  db: Database,
  chain: string,
  page: { limit: number; offset: number; before?: number },
): Promise<BlockSummaryView[]> {
  // Heights are dense (the chain writer appends head + 1 and nothing deletes a block), so the page
  // `offset` blocks below the newest is a height range: an index range scan of `limit` rows, where
  // OFFSET reads and drops `offset` rows first (1.4 ms of Postgres CPU for a random page of 10,000
  // blocks in `npm run bench`). A `before` cursor caps the range's top, so blocks appended between
  // pages cannot shift a page as they shift an offset.
  const query = db.prepared("blocks-page", (http) => {
    const newest = http
      .select({ height: max(blocks.height) })
      .from(blocks)
      .where(eq(blocks.chain, sql.placeholder("chain")));
    return http
      .select()
      .from(blocks)
      .where(
        and(
          eq(blocks.chain, sql.placeholder("chain")),
          lte(blocks.height, sql`least((${newest}), ${sql.placeholder("below")}::int) - ${sql.placeholder("offset")}`),
        ),
      )
      .orderBy(desc(blocks.height))
      .limit(sql.placeholder("limit"))
      .prepare("blocks_page");
  });
  const below = page.before === undefined ? MAX_INT4 : page.before - 1;
  const rows = await query.execute({ chain, limit: page.limit, offset: page.offset, below });
  return rows.map(blockSummaryView);
}

/** Blocks with height in (after, upTo], ascending: the pages /verify walks. */
export async function blockPage(
  db: Queryable,
  chain: string,
  after: number,
  upTo: number,
  limit: number,
): Promise<BlockRow[]> {
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
  page: { limit: number; offset: number; before?: number },
): Promise<TransactionView[]> {
  // The user's addresses as one array (computed once): `= any(array)` lets Postgres OR two index
  // scans (transactions_from_idx, transactions_to_idx), so the cost follows the user's own
  // transactions. `in (subquery) or in (subquery)` could only filter a backward scan of the whole
  // table (npm run bench, 50,000 transactions: 9,000 rows read for page 1, all of them for a later
  // page or a quiet user). The subquery's OFFSET 0 keeps the planner from pulling ORDER BY id
  // LIMIT into it (it would pick that backward scan again); drizzle omits `.offset(0)`, so the 0
  // goes in as SQL.
  const query = db.prepared("user-transactions", (http) => {
    const mine = sql`array(${http
      .select({ address: wallets.address })
      .from(wallets)
      .where(eq(wallets.userId, sql.placeholder("userId")))})`;
    const matching = http
      .select()
      .from(transactions)
      .where(
        and(
          eq(transactions.chain, sql.placeholder("chain")),
          // Keyset (`?before`): the page below a cursor costs as much as the first one.
          sql`${transactions.id} < ${sql.placeholder("before")}`,
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
  const rows = await query.execute({
    chain,
    userId,
    before: page.before ?? 2_147_483_647,
    limit: page.limit,
    offset: page.offset,
  });
  return rows.map(transactionView);
}
