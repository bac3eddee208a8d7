import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { NextPageHeaders } from "../keyset.ts";
import { json, routeKit } from "../route-kit.ts";
import {
  ControlBody,
  ControlResultSchema,
  MinedBlockSchema,
  MinedBlocksQuery,
  MinerStatsSchema,
  MinerStatusSchema,
  PoolInfoSchema,
} from "./miner.schemas.ts";

const { user } = routeKit("Miner", "My RoadChain miner: start and stop it, its status, stats and blocks");

export const control = user({
  operationId: "controlMiner",
  method: "post",
  path: "/api/miner/control",
  summary: "Start, stop or restart my miner",
  description:
    "While running, my miner mines one real RoadChain block per round for my primary wallet, through the chain's normal append path, " +
    "every MINER_INTERVAL_MS (it backs off after failures and stops by itself after 24 hours or 10 failed rounds in a row). " +
    "Starting a running miner or stopping a stopped one is a 409; restart always leaves it running with a fresh session.",
  request: { body: { required: true, content: { "application/json": { schema: ControlBody } } } },
  responses: {
    200: json(ControlResultSchema, "The miner's new state"),
    ...problemResponses(403, 404, 409, 413, 415, 422),
  },
});

export const status = user({
  operationId: "getMinerStatus",
  method: "get",
  path: "/api/miner/status",
  summary: "My miner: running or not, measured hashrate, shares of this run",
  responses: { 200: json(MinerStatusSchema, "The miner's status") },
});

export const stats = user({
  operationId: "getMinerStats",
  method: "get",
  path: "/api/miner/stats",
  summary: "My mining totals: blocks and coins from the ledger, hashes and shares measured by the miner",
  responses: { 200: json(MinerStatsSchema, "Totals") },
});

export const blocks = user({
  operationId: "listMinedBlocks",
  method: "get",
  path: "/api/miner/blocks",
  summary: "Blocks I mined, newest first (keyset paging with ?before=<height>)",
  request: { query: MinedBlocksQuery },
  responses: {
    200: {
      description: "A page of my blocks",
      headers: NextPageHeaders.extend({
        "X-Total-Count": z.string().openapi({ description: "How many blocks I mined in all" }),
      }),
      content: { "application/json": { schema: z.array(MinedBlockSchema) } },
    },
    ...problemResponses(422),
  },
});

export const poolInfo = user({
  operationId: "getPoolInfo",
  method: "get",
  path: "/api/miner/pool/info",
  summary: "The network: active miners, hashrate estimate from recent blocks, difficulty",
  responses: { 200: json(PoolInfoSchema, "Pool and network numbers") },
});
