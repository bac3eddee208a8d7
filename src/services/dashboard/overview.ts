// What the dashboard shows: the user's counts, their miner's state and the dependency checks,
// gathered at once, and the service cards built from them.
import type { MinerNamespace, MinerSnapshot } from "../../durable-objects/miner.contract.ts";
import type { RoadChainNamespace } from "../../durable-objects/roadchain.contract.ts";
import type { Database } from "../../lib/db.ts";
import { notFound } from "../../lib/errors.ts";
import type { Redis } from "../../lib/redis.ts";
import { type CheckResult, checkRedis, checkRoadChain, SLOW_CHECK_MS } from "../dependency-checks.ts";
import { formatHashrate } from "../miner/chain-reads.ts";
import { minerClient } from "../miner/client.ts";
import type { Checks, ServiceView } from "./catalog.ts";
import { type UserCounts, userCounts } from "./counts.ts";

export type DashboardDeps = { db: Database; redis: Redis; miner: MinerNamespace; roadchain: RoadChainNamespace };

/** The miner's measured hashrate over its recent rounds (null: stopped or not measured yet). */
export function minerHashrate(s: MinerSnapshot | null): number | null {
  if (s?.status !== "running" || s.recent.ms <= 0) return null;
  return Math.round((s.recent.hashes / (s.recent.ms / 1000)) * 100) / 100;
}

/**
 * The user's counts (one SQL statement), their miner's state (one Durable Object call) and the
 * dependency checks, all at once. The counts query doubles as the Postgres check.
 */
export async function gatherDashboard(deps: DashboardDeps, chain: string, userId: number, opts: { checks: boolean }) {
  const { db, redis } = deps;
  const t0 = Date.now();
  const countsP = userCounts(db, chain, userId).then((counts) => ({ counts, ms: Date.now() - t0 }));
  const minerP = minerClient(deps.miner, userId)
    .status()
    .catch(() => null); // the miner card says "offline"; the rest of the overview still answers
  const redisP = opts.checks ? checkRedis(redis) : undefined;
  const chainP = opts.checks ? checkRoadChain(deps.roadchain) : undefined;
  const [{ counts, ms }, miner, redisCheck, roadchain] = await Promise.all([countsP, minerP, redisP, chainP]);
  if (!counts) throw notFound("Your account no longer exists");
  const postgres: CheckResult = { status: ms > SLOW_CHECK_MS ? "slow" : "up", latency_ms: ms };
  const checks = redisCheck && roadchain ? ({ postgres, redis: redisCheck, roadchain } satisfies Checks) : undefined;
  return { counts, miner, checks };
}

/** One card per app, with the user's numbers in it. */
export function serviceCards(counts: UserCounts, miner: MinerSnapshot | null, services: ServiceView[]) {
  const byId = new Map(services.map((s) => [s.id, s]));
  const card = (
    id: string,
    stats: Record<string, number | string | boolean | null>,
    override?: Partial<ServiceView>,
  ) => {
    const s = { ...byId.get(id)!, ...override };
    return {
      id: s.id,
      name: s.name,
      icon: s.icon,
      status: s.status,
      enabled: s.configured,
      connected: s.status === "online" || s.status === "degraded",
      endpoint: s.endpoint,
      stats,
    };
  };
  const hashrate = minerHashrate(miner);
  return [
    card("email", { total: counts.mail.inbox, unread: counts.mail.unread, starred: counts.mail.starred }),
    card("social", {
      posts: counts.social.posts,
      followers: counts.social.followers,
      following: counts.social.following,
      likes_received: counts.social.likes_received,
    }),
    card("video", { videos: counts.video.videos, views: counts.video.views, likes: counts.video.likes }),
    card("ai_chat", { conversations: counts.ai.conversations, messages: counts.ai.messages, tokens: counts.ai.tokens }),
    card("wallet", {
      balance: counts.wallet?.balance ?? null,
      transactions: counts.chain.transactions,
      pending_transactions: counts.chain.pending_transactions,
    }),
    card(
      "miner",
      {
        state: miner ? miner.status : "unknown",
        blocks_mined: counts.chain.blocks_mined,
        coins_mined: counts.chain.coins_mined,
        hashrate: formatHashrate(hashrate),
      },
      miner ? undefined : { status: "offline" },
    ),
  ];
}

export type ServiceCard = ReturnType<typeof serviceCards>[number];
