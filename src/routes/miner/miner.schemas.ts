import { z } from "@hono/zod-openapi";
import type { MinerCounters, MinerSnapshot } from "../../durable-objects/miner.contract.ts";
import type { BlockSummaryView } from "../../services/chain/ledger.ts";
import { formatHashrate, type MinedTotals, type NetworkPace } from "../../services/miner/chain-reads.ts";

export const MINER_ACTIONS = ["start", "stop", "restart"] as const;

export const ControlBody = z
  .strictObject({
    action: z.enum(MINER_ACTIONS).openapi({ example: "start" }),
    worker_id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, "letters, digits, space, '_', '.', '-'; at most 64 characters")
      .nullish()
      .openapi({ description: "A label for this miner, shown in its status", example: "laptop" }),
    pool_url: z
      .string()
      .max(2048)
      .nullish()
      .openapi({ description: "Accepted for compatibility with the original API and not used: the miner always mines this server's RoadChain" }),
  })
  .openapi("MinerControl");

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const rate = (hashes: number, ms: number) => (ms > 0 ? Math.round((hashes / (ms / 1000)) * 100) / 100 : null);
const mhs = (hs: number | null) => (hs === null ? null : Math.round(hs / 10) / 100_000);

const Rate = z.number().nullable();
const Iso = z.string().nullable().openapi({ format: "date-time" });

export const MinerStatusSchema = z
  .object({
    is_mining: z.boolean(),
    status: z.enum(["running", "stopped"]),
    chain: z.string().nullable(),
    worker_id: z.string().nullable(),
    hashrate_hs: Rate.openapi({ description: "Measured over the last rounds: hashes per second of mining time (0 when stopped, null before the first round)" }),
    hashrate_mhs: Rate.openapi({ description: "hashrate_hs in MH/s (the original's unit)" }),
    hashrate: z.string().nullable().openapi({ example: "412.35 kH/s" }),
    effective_hashrate_hs: Rate.openapi({ description: "This run's hashes per second of running time, pauses between rounds included" }),
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
      .object({ height: z.number().int(), hash: z.string(), reward: z.string(), transaction_count: z.number().int(), mined_at: z.string() })
      .nullable(),
    last_error: z.object({ message: z.string(), at: z.string() }).nullable(),
    consecutive_failures: z.number().int(),
  })
  .openapi("MinerStatus");

export function minerStatusJson(s: MinerSnapshot, now = Date.now()) {
  const running = s.status === "running";
  const current = running ? rate(s.recent.hashes, s.recent.ms) : 0;
  const uptimeMs = running && s.started_at !== null ? Math.max(0, now - s.started_at) : 0;
  return {
    is_mining: running,
    status: s.status,
    chain: s.chain,
    worker_id: s.worker_id,
    hashrate_hs: current,
    hashrate_mhs: mhs(current),
    hashrate: formatHashrate(current),
    effective_hashrate_hs: running ? rate(s.session.hashes, uptimeMs) : 0,
    shares_submitted: s.session.shares_submitted,
    shares_accepted: s.session.shares_accepted,
    shares_rejected: s.session.shares_rejected,
    blocks_found: s.session.blocks,
    rounds: s.session.rounds,
    uptime_seconds: Math.floor(uptimeMs / 1000),
    started_at: iso(s.started_at),
    stopped_at: iso(s.stopped_at),
    stop_reason: s.stop_reason,
    interval_seconds: s.interval_ms / 1000,
    next_round_at: iso(s.next_round_at),
    last_round_at: iso(s.last_round_at),
    last_block: s.last_block
      ? {
          height: s.last_block.height,
          hash: s.last_block.hash,
          reward: s.last_block.reward,
          transaction_count: s.last_block.transaction_count,
          mined_at: new Date(s.last_block.mined_at).toISOString(),
        }
      : null,
    last_error: s.last_error ? { message: s.last_error.message, at: new Date(s.last_error.at).toISOString() } : null,
    consecutive_failures: s.consecutive_failures,
  };
}

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

const countersJson = (c: MinerCounters) => ({
  rounds: c.rounds,
  failed_rounds: c.failed_rounds,
  hashes: c.hashes,
  mining_seconds: c.mining_ms / 1000,
  shares_submitted: c.shares_submitted,
  shares_accepted: c.shares_accepted,
  shares_rejected: c.shares_rejected,
  blocks: c.blocks,
  coins_earned: c.coins_earned,
  hashrate_hs: rate(c.hashes, c.mining_ms),
});

export const MinerStatsSchema = z
  .object({
    blocks_mined: z.number().int().openapi({ description: "Blocks on the chain whose miner is me (the miner's and mined by hand)" }),
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

export function minerStatsJson(s: MinerSnapshot, totals: MinedTotals) {
  const running = s.status === "running";
  const current = running ? rate(s.recent.hashes, s.recent.ms) : 0;
  const average = rate(s.lifetime.hashes, s.lifetime.mining_ms);
  return {
    blocks_mined: totals.blocks_mined,
    roadcoins_earned: totals.roadcoins_earned,
    current_hashrate_hs: current,
    current_hashrate_mhs: mhs(current),
    average_hashrate_hs: average,
    average_hashrate_mhs: mhs(average),
    total_hashes: s.lifetime.hashes,
    total_shares: s.lifetime.shares_submitted,
    accepted_shares: s.lifetime.shares_accepted,
    rejected_shares: s.lifetime.shares_rejected,
    last_block_time: iso(totals.last_block_time),
    mining_since: running ? iso(s.started_at) : null,
    since: iso(s.first_started_at),
    is_mining: running,
    session: countersJson(s.session),
    lifetime: countersJson(s.lifetime),
  };
}

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

export const minedBlockJson = (b: BlockSummaryView) => ({
  height: b.height,
  block_index: b.height,
  hash: b.hash,
  block_hash: b.hash,
  previous_hash: b.previous_hash,
  reward: b.reward,
  difficulty: b.difficulty,
  nonce: b.nonce,
  transaction_count: b.transaction_count,
  timestamp: b.timestamp,
  timestamp_iso: b.timestamp_iso,
});

export const PoolInfoSchema = z
  .object({
    pool_name: z.string(),
    chain: z.string(),
    active_miners: z.number().int().nullable().openapi({ description: "Miners running now (null if the registry is unreachable)" }),
    connected_miners: z.number().int().nullable().openapi({ description: "Same as active_miners (the original's name)" }),
    network_hashrate_hs: Rate.openapi({ description: "Estimate: expected hashes of the recent blocks (16^difficulty each) over their time span" }),
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

export function poolInfoJson(input: {
  chain: string;
  active: number | null;
  pace: NetworkPace;
  difficulty: number;
  reward: string;
  intervalMs: number;
}) {
  const { pace } = input;
  const network = formatHashrate(pace.network_hashrate_hs);
  return {
    pool_name: "RoadChain",
    chain: input.chain,
    active_miners: input.active,
    connected_miners: input.active,
    network_hashrate_hs: pace.network_hashrate_hs,
    network_hashrate: network,
    pool_hashrate: network,
    difficulty: input.difficulty,
    mining_reward: input.reward,
    height: pace.height,
    window_blocks: pace.window_blocks,
    average_block_time_seconds: pace.average_block_time_seconds,
    blocks_last_hour: pace.blocks_last_hour,
    miners_last_hour: pace.miners_last_hour,
    last_block_found: iso(pace.last_block_time),
    round_interval_seconds: input.intervalMs / 1000,
  };
}
