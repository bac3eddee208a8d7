/**
 * Numbers `/metrics` reads from their source of truth at scrape time instead of counting events:
 * the chain's height (blocks mined, whoever mined them — a request, the miner's Durable Object or
 * an administrator) and the miners running now. Exact across isolates by construction.
 */
import { and, eq, max } from "drizzle-orm";
import { blocks } from "../../db/schema/chain.ts";
import { MAIN_CHAIN } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import type { Redis } from "../../lib/redis.ts";
import { countActive } from "../miner/registry.ts";

export async function scrapeGauges(db: Database, redis: Redis): Promise<Array<[string, number]>> {
  const [[head], activeMiners] = await Promise.all([
    db
      .select({ height: max(blocks.height) })
      .from(blocks)
      .where(and(eq(blocks.chain, MAIN_CHAIN))),
    countActive(redis, MAIN_CHAIN),
  ]);
  return [
    ["blackroad_blocks_mined_total", Number(head?.height ?? 0)],
    ["blackroad_active_miners", activeMiners],
  ];
}
