import type { ControlOutcome, StartInput } from "../../durable-objects/miner.contract.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { invalidateCache } from "../../lib/response-cache.ts";
import { getAuth } from "../../middleware/auth.ts";
import { formatAmount, parseAmount } from "../../services/chain/amount.ts";
import { assertServerMiningAllowed } from "../../services/chain/server-mining.ts";
import { primaryWallet } from "../../services/chain/transfer.ts";
import { listMinedBlocks, minedTotals, networkPace } from "../../services/miner/chain-reads.ts";
import { minerClient } from "../../services/miner/client.ts";
import { countActive } from "../../services/miner/registry.ts";
import { minerIntervalMs } from "../../services/miner/settings.ts";
import { minedBlockJson, minerStatsJson, minerStatusJson, poolInfoJson } from "../../services/miner/views.ts";
import type { AppRouteHandler } from "../../types.ts";
import { setNextPage } from "../keyset.ts";
import { auditLater, chainOf } from "../request-kit.ts";
import type * as routes from "./miner.routes.ts";

const MESSAGES = {
  started: "Miner started successfully",
  restarted: "Miner restarted successfully",
  stopped: "Miner stopped successfully",
} as const;

export const control: AppRouteHandler<typeof routes.control> = async (c) => {
  const { userId } = getAuth(c);
  const { action, worker_id } = c.req.valid("json");
  const chain = chainOf(c);
  const { db, redis } = c.var.services;
  const miner = minerClient(c.env.MINER, userId);

  let outcome: ControlOutcome;
  if (action === "stop") {
    outcome = await miner.stop();
    if (outcome.result === "not-running") throw conflict("Miner is not running", "miner-not-running");
  } else {
    await assertServerMiningAllowed(c.var.config, db, userId);
    const wallet = await primaryWallet(db, userId);
    if (!wallet) throw notFound("You have no wallet to receive mining rewards");
    const input: StartInput = { userId, chain, minerAddress: wallet.address, workerId: worker_id ?? null };
    outcome = action === "start" ? await miner.start(input) : await miner.restart(input);
    if (outcome.result === "already-running") throw conflict("Miner is already running", "miner-already-running");
  }
  const result = outcome.result as keyof typeof MESSAGES;

  await invalidateCache(redis, [`miner:${userId}`]);
  auditLater(c, `miner.${action}`, { chain: outcome.snapshot.chain ?? chain, ...(worker_id ? { worker_id } : {}) });
  c.header("Cache-Control", "no-store");
  return c.json(
    { message: MESSAGES[result], status: outcome.snapshot.status, miner: minerStatusJson(outcome.snapshot) },
    200,
  );
};

export const status: AppRouteHandler<typeof routes.status> = async (c) => {
  const snapshot = await minerClient(c.env.MINER, getAuth(c).userId).status();
  c.header("Cache-Control", "no-store");
  return c.json(minerStatusJson(snapshot), 200);
};

export const stats: AppRouteHandler<typeof routes.stats> = async (c) => {
  const { userId } = getAuth(c);
  const [snapshot, totals] = await Promise.all([
    minerClient(c.env.MINER, userId).status(),
    minedTotals(c.var.services.db, chainOf(c), userId),
  ]);
  c.header("Cache-Control", "no-store");
  return c.json(minerStatsJson(snapshot, totals), 200);
};

export const blocks: AppRouteHandler<typeof routes.blocks> = async (c) => {
  const query = c.req.valid("query");
  const page = await listMinedBlocks(c.var.services.db, chainOf(c), getAuth(c).userId, query);
  c.header("X-Total-Count", String(page.total));
  setNextPage(c, page.rows, query.limit, (b) => b.height);
  c.header("Cache-Control", "no-store");
  return c.json(page.rows.map(minedBlockJson), 200);
};

export const poolInfo: AppRouteHandler<typeof routes.poolInfo> = async (c) => {
  const chain = chainOf(c);
  const { config } = c.var;
  const [pace, active] = await Promise.all([
    networkPace(c.var.services.db, chain),
    countActive(c.var.services.redis, chain).catch((err) => {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "active miners unavailable",
          request_id: c.var.requestId,
          error: String(err).slice(0, 120),
        }),
      );
      return null;
    }),
  ]);
  c.header("Cache-Control", "no-store");
  return c.json(
    poolInfoJson({
      chain,
      active,
      pace,
      difficulty: config.BLOCKCHAIN_DIFFICULTY,
      reward: formatAmount(parseAmount(config.MINING_REWARD)),
      intervalMs: minerIntervalMs(c.env),
    }),
    200,
  );
};
