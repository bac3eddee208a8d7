// The chain's statistics (GET /api/blockchain/stats and the Prism console).
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { blocks, transactions } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";

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
  // One batch (one round trip), every statement an index read whose cost does not grow with the
  // chain: the head row (blocks_chain_height_key) carries confirmed_total, the running count the
  // blocks_confirmed_total trigger keeps (migration 0021), and the pending rows are counted through
  // the partial pending index (the mempool, not the ledger). Counting the confirmed rows instead read
  // ~all of transactions per request, and its plan flipped between an index-only and a sequential scan.
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
        pending:
          sql<number>`(select count(*) from ${transactions} where ${transactions.chain} = ${chain} and not ${transactions.isConfirmed})`.mapWith(
            Number,
          ),
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
  const total = (tail?.confirmedTotal ?? 0) + pending;
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
