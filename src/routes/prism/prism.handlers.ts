import { chainVerifierStub } from "../../durable-objects/chain-verifier.contract.ts";
import { roadChainStub } from "../../durable-objects/roadchain.contract.ts";
import { clientIp, userAgent } from "../../lib/client-info.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { getAuth } from "../../middleware/auth.ts";
import { setAccountActive } from "../../services/auth/account-state.ts";
import { formatAmount, parseAmount } from "../../services/chain/amount.ts";
import { callLedger, durableObjectLedger } from "../../services/chain/chain-writer.ts";
import { chainStats } from "../../services/chain/stats.ts";
import { listEvents } from "../../services/prism/events.ts";
import {
  findJob,
  jobView,
  lastVerifyJob,
  listJobs as pageJobs,
  createJob as queueJob,
} from "../../services/prism/jobs.ts";
import { prismStats } from "../../services/prism/stats.ts";
import type { AppRouteHandler } from "../../types.ts";
import { byId, setNextPage } from "../keyset.ts";
import { auditLater, chainOf } from "../request-kit.ts";
import type * as routes from "./prism.routes.ts";

/** The chain's RoadChain Durable Object, with the routes' failure policy (503 when unreachable). */
const ledgerOf = (env: Env, chain: string) => durableObjectLedger(roadChainStub(env.ROADCHAIN, chain), chain);

export const stats: AppRouteHandler<typeof routes.stats> = async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(await prismStats(c.var.services.db, chainOf(c)), 200);
};

export const events: AppRouteHandler<typeof routes.events> = async (c) => {
  const { type, user_id, since, limit, offset, before } = c.req.valid("query");
  const filter = { type, userId: user_id, since };
  const { items, total } = await listEvents(c.var.services.db, filter, { limit, offset, before });
  c.header("Cache-Control", "no-store");
  setNextPage(c, items, limit, byId);
  return c.json({ items, total, limit, offset }, 200);
};

export const listJobs: AppRouteHandler<typeof routes.listJobs> = async (c) => {
  const { status, type, limit, offset, before } = c.req.valid("query");
  const { items, total } = await pageJobs(c.var.services.db, { status, type }, { limit, offset, before });
  c.header("Cache-Control", "no-store");
  setNextPage(c, items, limit, byId);
  return c.json({ items, total, limit, offset }, 200);
};

export const createJob: AppRouteHandler<typeof routes.createJob> = async (c) => {
  const { userId } = getAuth(c);
  const { type } = c.req.valid("json");
  const chain = chainOf(c);
  const db = c.var.services.db;
  const row = await queueJob(db, { userId, type, payload: { chain } });
  // Run in chunks by the chain's verifier Durable Object (one per alarm); if it cannot be reached
  // the job stays queued and is settled as "never started" (jobs.ts STALE_AFTER_MS).
  await callLedger(() => chainVerifierStub(c.env.CHAIN_VERIFIER, chain).startFullPass(chain, row.id));
  auditLater(c, "prism.job_created", { job_id: row.id, job_type: type, chain });
  c.header("Location", `/api/prism/jobs/${row.id}`);
  return c.json(jobView(row), 202);
};

export const getJob: AppRouteHandler<typeof routes.getJob> = async (c) => {
  const job = await findJob(c.var.services.db, c.req.valid("param").id);
  if (!job) throw notFound("Job not found");
  c.header("Cache-Control", "no-store");
  return c.json(job, 200);
};

export const chain: AppRouteHandler<typeof routes.chain> = async (c) => {
  const chainId = chainOf(c);
  const db = c.var.services.db;
  const { config } = c.var;
  const [anchor, counts, last] = await Promise.all([
    ledgerOf(c.env, chainId).anchor(),
    chainStats(db, chainId, {
      difficulty: config.BLOCKCHAIN_DIFFICULTY,
      reward: formatAmount(parseAmount(config.MINING_REWARD)),
    }),
    lastVerifyJob(db, chainId),
  ]);
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      chain: chainId,
      height: anchor.head.height,
      head_hash: anchor.head.hash,
      head_timestamp: new Date(anchor.head.timestamp).toISOString(),
      database_height: anchor.tail?.height ?? null,
      in_sync:
        anchor.tail !== null && anchor.tail.height === anchor.head.height && anchor.tail.hash === anchor.head.hash,
      total_blocks: anchor.head.height + 1,
      total_transactions: counts.total_transactions,
      pending_transactions: counts.pending_transactions,
      difficulty: counts.difficulty,
      mining_reward: counts.mining_reward,
      verify_in_progress: last?.status === "queued" || last?.status === "running",
      last_verify: last ?? null,
    },
    200,
  );
};

export const setAccountStatus: AppRouteHandler<typeof routes.setAccountStatus> = async (c) => {
  const { userId } = getAuth(c);
  const { id } = c.req.valid("param");
  const { active, reason } = c.req.valid("json");
  if (!active && id === userId) throw conflict("An administrator cannot disable their own account", "own-account");
  const actor = { userId, ip: clientIp(c.req.raw.headers), userAgent: userAgent(c.req.raw.headers) };
  const result = await setAccountActive(c.var.services, id, { active, reason, actor });
  if (!result) throw notFound("User not found");
  c.header("Cache-Control", "no-store");
  return c.json(
    { id: result.id, username: result.username, is_active: result.isActive, sessions_ended: result.sessionsEnded },
    200,
  );
};

export const health: AppRouteHandler<typeof routes.health> = (c) =>
  c.json({ service: "prism-console" as const, status: "healthy" as const }, 200);
