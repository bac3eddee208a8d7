import { createRoute, z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/errors.ts";
import { PaginationQuery } from "../../lib/pagination.ts";
import { AUTH_PROBLEM_STATUSES, BEARER_SECURITY, requireAuth } from "../../middleware/auth.ts";
import {
  ControlBody,
  ControlResultSchema,
  MinedBlockSchema,
  MinerStatsSchema,
  MinerStatusSchema,
  PoolInfoSchema,
} from "./miner.schemas.ts";

const common = { tags: ["Miner"], middleware: [requireAuth], security: BEARER_SECURITY };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const AUTH = AUTH_PROBLEM_STATUSES;

export const control = createRoute({
  ...common,
  method: "post",
  path: "/api/miner/control",
  summary: "Start, stop or restart my miner",
  description:
    "While running, my miner mines one real RoadChain block per round for my primary wallet, through the chain's normal append path, " +
    "every MINER_INTERVAL_MS (it backs off after failures and stops by itself after 24 hours or 10 failed rounds in a row). " +
    "Starting a running miner or stopping a stopped one is a 409; restart always leaves it running with a fresh session. " +
    "Server-side mining runs only under ENVIRONMENT=development/test or for administrators (403 otherwise); Pocket OS's " +
    "Miner mines in the browser through /api/blockchain/mining/template and /submit.",
  request: { body: { required: true, content: { "application/json": { schema: ControlBody } } } },
  responses: {
    200: json(ControlResultSchema, "The miner's new state"),
    ...problemResponses(...AUTH, 403, 404, 409, 413, 415, 422),
  },
});

export const status = createRoute({
  ...common,
  method: "get",
  path: "/api/miner/status",
  summary: "My miner: running or not, measured hashrate, shares of this run",
  responses: { 200: json(MinerStatusSchema, "The miner's status"), ...problemResponses(...AUTH) },
});

export const stats = createRoute({
  ...common,
  method: "get",
  path: "/api/miner/stats",
  summary: "My mining totals: blocks and coins from the ledger, hashes and shares measured by the miner",
  responses: { 200: json(MinerStatsSchema, "Totals"), ...problemResponses(...AUTH) },
});

export const blocks = createRoute({
  ...common,
  method: "get",
  path: "/api/miner/blocks",
  summary: "Blocks I mined, newest first",
  request: { query: PaginationQuery },
  responses: {
    200: {
      description: "A page of my blocks",
      headers: z.object({ "X-Total-Count": z.string().openapi({ description: "How many blocks I mined in all" }) }),
      content: { "application/json": { schema: z.array(MinedBlockSchema) } },
    },
    ...problemResponses(...AUTH, 422),
  },
});

export const poolInfo = createRoute({
  ...common,
  method: "get",
  path: "/api/miner/pool/info",
  summary: "The network: active miners, hashrate estimate from recent blocks, difficulty",
  responses: { 200: json(PoolInfoSchema, "Pool and network numbers"), ...problemResponses(...AUTH) },
});
