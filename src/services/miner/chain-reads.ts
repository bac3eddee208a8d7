// What the ledger says about mining: a user's blocks and rewards, and the network's recent pace.
// Read from Postgres (the blocks table), so manual mining (POST /api/blockchain/mine) and the
// miner's blocks count alike: a block is the user's if its miner_id is the user.
import { and, count, desc, eq, gt, lt, sql } from "drizzle-orm";
import { blocks } from "../../db/schema/index.ts";
import { formatAmount, parseAmount } from "../chain/amount.ts";
import type { Queryable } from "../chain/ledger.ts";
import { type BlockSummaryView, blockSummaryView } from "../chain/views.ts";

export type MinedTotals = {
  blocks_mined: number;
  roadcoins_earned: string;
  last_block_time: number | null;
  first_block_time: number | null;
};

export async function minedTotals(db: Queryable, chain: string, userId: number): Promise<MinedTotals> {
  const [row] = await db
    .select({
      n: count(),
      reward: sql<string | null>`sum(${blocks.reward})`,
      last: sql<string | null>`max(${blocks.timestampMs})`,
      first: sql<string | null>`min(${blocks.timestampMs})`,
    })
    .from(blocks)
    .where(and(eq(blocks.chain, chain), eq(blocks.minerId, userId)));
  return {
    blocks_mined: row?.n ?? 0,
    roadcoins_earned: formatAmount(parseAmount(normalizeNumeric(row?.reward ?? null))),
    last_block_time: row?.last != null ? Number(row.last) : null,
    first_block_time: row?.first != null ? Number(row.first) : null,
  };
}

/**
 * The user's blocks, newest first, and how many there are (one round trip). `before` (a height) is
 * the keyset cursor, on blocks_chain_miner_height_idx; the total counts all of them, cursor or not.
 */
export async function listMinedBlocks(
  db: Queryable,
  chain: string,
  userId: number,
  page: { limit: number; offset: number; before?: number },
): Promise<{ rows: BlockSummaryView[]; total: number }> {
  const mine = and(eq(blocks.chain, chain), eq(blocks.minerId, userId));
  const below = page.before === undefined ? undefined : lt(blocks.height, page.before);
  // All of my blocks, whatever the cursor: a scalar subquery, counted once.
  const total = sql<number>`(select count(*) from ${blocks} b where b.chain = ${chain} and b.miner_id = ${userId})`;
  const rows = await db
    .select({ block: blocks, total: total.mapWith(Number) })
    .from(blocks)
    .where(and(mine, below))
    .orderBy(desc(blocks.height))
    .limit(page.limit)
    .offset(page.offset);
  if (rows.length === 0 && (page.offset > 0 || below !== undefined)) {
    // Past the end: the count rides on the rows, so without a row count directly.
    const [c] = await db.select({ n: count() }).from(blocks).where(mine);
    return { rows: [], total: c?.n ?? 0 };
  }
  return { rows: rows.map((r) => blockSummaryView(r.block)), total: rows[0]?.total ?? 0 };
}

/** Blocks the network estimate is taken over (the latest ones, genesis excluded). */
export const NETWORK_WINDOW = 100;

export type NetworkPace = {
  height: number | null;
  window_blocks: number;
  /** Expected hashes per second that produced the window's blocks: Σ 16^difficulty over the span. */
  network_hashrate_hs: number | null;
  average_block_time_seconds: number | null;
  last_block_time: number | null;
  blocks_last_hour: number;
  miners_last_hour: number;
};

/**
 * How fast the chain is being mined, from its recent blocks. A block at difficulty d took 16^d
 * header hashes on average, so the window's blocks after its first one represent that much work
 * over the time between the first and the last block. One statement.
 */
export async function networkPace(db: Queryable, chain: string, now = Date.now()): Promise<NetworkPace> {
  const recent = db
    .select({ timestampMs: blocks.timestampMs, difficulty: blocks.difficulty })
    .from(blocks)
    .where(and(eq(blocks.chain, chain), gt(blocks.height, 0)))
    .orderBy(desc(blocks.height))
    .limit(NETWORK_WINDOW)
    .as("recent");
  const hourAgo = now - 3_600_000;
  const [row] = await db
    .select({
      n: sql<number>`count(*)`.mapWith(Number),
      first: sql<string | null>`min(${recent.timestampMs})`,
      last: sql<string | null>`max(${recent.timestampMs})`,
      // Work of every block but the oldest one (whose own work happened before the window began).
      work: sql<
        string | null
      >`sum(power(16::numeric, ${recent.difficulty})) - (array_agg(power(16::numeric, ${recent.difficulty}) order by ${recent.timestampMs}))[1]`,
      height: sql<number | null>`(select max(${blocks.height}) from ${blocks} where ${blocks.chain} = ${chain})`,
      lastHour:
        sql<number>`(select count(*) from ${blocks} where ${blocks.chain} = ${chain} and ${blocks.height} > 0 and ${blocks.timestampMs} >= ${hourAgo})`.mapWith(
          Number,
        ),
      minersLastHour:
        sql<number>`(select count(distinct ${blocks.minerId}) from ${blocks} where ${blocks.chain} = ${chain} and ${blocks.height} > 0 and ${blocks.timestampMs} >= ${hourAgo})`.mapWith(
          Number,
        ),
    })
    .from(recent);
  const n = row?.n ?? 0;
  const first = row?.first != null ? Number(row.first) : null;
  const last = row?.last != null ? Number(row.last) : null;
  const spanMs = first !== null && last !== null ? last - first : 0;
  const work = row?.work != null ? Number(row.work) : 0;
  return {
    height: row?.height != null ? Number(row.height) : null,
    window_blocks: n,
    network_hashrate_hs: n >= 2 && spanMs > 0 ? Math.round((work / (spanMs / 1000)) * 100) / 100 : null,
    average_block_time_seconds: n >= 2 && spanMs > 0 ? Math.round((spanMs / (n - 1)) * 1000) / 1_000_000 : null,
    last_block_time: last,
    blocks_last_hour: row?.lastHour ?? 0,
    miners_last_hour: row?.minersLastHour ?? 0,
  };
}

/** Postgres prints sum(numeric(20,8)) with 8 decimals; null (no rows) is zero. */
function normalizeNumeric(v: string | null): string {
  if (v === null) return "0";
  const [int, frac = ""] = v.split(".");
  return frac ? `${int}.${frac.slice(0, 8)}` : int!;
}

/** "1234567.8" hashes per second → "1.23 MH/s". */
export function formatHashrate(hs: number | null): string | null {
  if (hs === null || !Number.isFinite(hs)) return null;
  const units = ["H/s", "kH/s", "MH/s", "GH/s", "TH/s"];
  let v = hs;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 2)} ${units[i]}`;
}
