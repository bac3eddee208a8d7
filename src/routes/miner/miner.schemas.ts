import { z } from "@hono/zod-openapi";
import { KeysetQuery } from "../../lib/pagination.ts";

/** `?limit&offset&before`: `before` is a height (the X-Next-Cursor of the previous page). */
export const MinedBlocksQuery = KeysetQuery.extend({
  before: KeysetQuery.shape.before.openapi({
    description:
      "Keyset cursor: only blocks with a height below this (the X-Next-Cursor header of the previous page, its last block's height). Stable while blocks are mined; prefer it to `offset`",
    example: 1200,
  }),
});

export const MINER_ACTIONS = ["start", "stop", "restart"] as const;

export const ControlBody = z
  .strictObject({
    action: z.enum(MINER_ACTIONS).openapi({ example: "start" }),
    worker_id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, "letters, digits, space, '_', '.', '-'; at most 64 characters")
      .nullish()
      .openapi({ description: "A label for this miner, shown in its status", example: "laptop" }),
    pool_url: z.string().max(2048).nullish().openapi({
      description:
        "Accepted for compatibility with the original API and not used: the miner always mines this server's RoadChain",
    }),
  })
  .openapi("MinerControl");

const Rate = z.number().nullable();
const Iso = z.string().nullable().openapi({ format: "date-time" });

export const MinerStatusSchema = z
  .object({
    is_mining: z.boolean(),
    status: z.enum(["running", "stopped"]),
    chain: z.string().nullable(),
    worker_id: z.string().nullable(),
    hashrate_hs: Rate.openapi({
      description:
        "Measured over the last rounds: hashes per second of mining time (0 when stopped, null before the first round)",
    }),
    hashrate_mhs: Rate.openapi({ description: "hashrate_hs in MH/s (the original's unit)" }),
    hashrate: z.string().nullable().openapi({ example: "412.35 kH/s" }),
    effective_hashrate_hs: Rate.openapi({
      description: "This run's hashes per second of running time, pauses between rounds included",
    }),
    shares_submitted: z.number().int(),
    shares_accepted: z.number().int(),
    shares_rejected: z.number().int(),
    blocks_found: z.number().int().openapi({ description: "Blocks this run appended" }),
    rounds: z.number().int(),
    uptime_seconds: z.number().int(),
    started_at: Iso,
    stopped_at: Iso,
    stop_reason: z.string().nullable(),
    interval_seconds: z.number(),
    next_round_at: Iso,
    last_round_at: Iso,
    last_block: z
      .object({
        height: z.number().int(),
        hash: z.string(),
        reward: z.string(),
        transaction_count: z.number().int(),
        mined_at: z.string(),
      })
      .nullable(),
    last_error: z.object({ message: z.string(), at: z.string() }).nullable(),
    consecutive_failures: z.number().int(),
  })
  .openapi("MinerStatus");

export const ControlResultSchema = z
  .object({
    message: z.string().openapi({ example: "Miner started successfully" }),
    status: z.enum(["running", "stopped"]),
    miner: MinerStatusSchema,
  })
  .openapi("MinerControlResult");

const CountersSchema = z
  .object({
    rounds: z.number().int(),
    failed_rounds: z.number().int(),
    hashes: z.number().int(),
    mining_seconds: z.number(),
    shares_submitted: z.number().int(),
    shares_accepted: z.number().int(),
    shares_rejected: z.number().int(),
    blocks: z.number().int(),
    coins_earned: z.string(),
    hashrate_hs: Rate,
  })
  .openapi("MinerCounters");

export const MinerStatsSchema = z
  .object({
    blocks_mined: z
      .number()
      .int()
      .openapi({ description: "Blocks on the chain whose miner is me (the miner's and mined by hand)" }),
    roadcoins_earned: z.string().openapi({ description: "Sum of those blocks' rewards", example: "150.00000000" }),
    current_hashrate_hs: Rate,
    current_hashrate_mhs: Rate,
    average_hashrate_hs: Rate.openapi({ description: "All the miner's hashes over all its mining time" }),
    average_hashrate_mhs: Rate,
    total_hashes: z.number().int(),
    total_shares: z.number().int(),
    accepted_shares: z.number().int(),
    rejected_shares: z.number().int(),
    last_block_time: Iso,
    mining_since: Iso.openapi({ description: "Start of the current run; null when stopped" }),
    since: Iso.openapi({ description: "When this miner was first started" }),
    is_mining: z.boolean(),
    session: CountersSchema,
    lifetime: CountersSchema,
  })
  .openapi("MinerStats");

export const MinedBlockSchema = z
  .object({
    height: z.number().int(),
    block_index: z.number().int().openapi({ description: "The original API's name for height" }),
    hash: z.string(),
    block_hash: z.string().openapi({ description: "The original API's name for hash" }),
    previous_hash: z.string(),
    reward: z.string(),
    difficulty: z.number().int(),
    nonce: z.number().int(),
    transaction_count: z.number().int(),
    timestamp: z.number().int().openapi({ description: "Epoch milliseconds, as hashed" }),
    timestamp_iso: z.string(),
  })
  .openapi("MinedBlock");

export const PoolInfoSchema = z
  .object({
    pool_name: z.string(),
    chain: z.string(),
    active_miners: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Miners running now (null if the registry is unreachable)" }),
    connected_miners: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Same as active_miners (the original's name)" }),
    network_hashrate_hs: Rate.openapi({
      description: "Estimate: expected hashes of the recent blocks (16^difficulty each) over their time span",
    }),
    network_hashrate: z.string().nullable(),
    pool_hashrate: z.string().nullable().openapi({ description: "network_hashrate (the original's name)" }),
    difficulty: z.number().int(),
    mining_reward: z.string(),
    height: z.number().int().nullable(),
    window_blocks: z.number().int(),
    average_block_time_seconds: z.number().nullable(),
    blocks_last_hour: z.number().int(),
    miners_last_hour: z.number().int(),
    last_block_found: Iso,
    round_interval_seconds: z.number(),
  })
  .openapi("MinerPoolInfo");
